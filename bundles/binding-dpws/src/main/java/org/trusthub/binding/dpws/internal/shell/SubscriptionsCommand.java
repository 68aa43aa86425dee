package org.trusthub.binding.dpws.internal.shell;

import java.time.Instant;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.binding.dpws.internal.HostedEventing;
import org.trusthub.binding.dpws.internal.DpwsClient;
import org.trusthub.binding.dpws.internal.DpwsStack;

@Service
@Command(scope = "trusthub", name = "dpws-subscriptions", description = "Lists WS-Eventing subscriptions: those the "
        + "hub holds at devices, and those clients hold at the hub's hosted things")
public class SubscriptionsCommand extends DpwsAction {

    @Override
    protected void run(DpwsStack stack) {
        ShellTable table = new ShellTable().forceAscii();
        table.column("Role");
        table.column("Thing");
        table.column("Peer");
        table.column("Expires in");
        Instant now = Instant.now();
        int rows = 0;
        for (DpwsClient.ClientSubscription s : stack.client().subscriptions()) {
            String thing = stack.client().device(s.device()).map(d -> d.thing().value()).orElse("-");
            table.addRow().addContent("hub subscribed", thing, orDash(s.manager()),
                    java.time.Duration.between(now, s.expires()).getSeconds() + " s");
            rows++;
        }
        for (HostedEventing.Subscription s : stack.host().subscriptions()) {
            table.addRow().addContent("client subscribed", s.device().thing().value(), orDash(s.notifyTo()),
                    java.time.Duration.between(now, s.expires()).getSeconds() + " s");
            rows++;
        }
        if (rows == 0) {
            out().println("No DPWS subscriptions.");
            return;
        }
        table.print(out());
    }
}
