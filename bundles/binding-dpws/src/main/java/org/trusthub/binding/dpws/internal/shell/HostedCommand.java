package org.trusthub.binding.dpws.internal.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.binding.dpws.internal.DeviceHost;
import org.trusthub.binding.dpws.internal.DpwsStack;

@Service
@Command(scope = "trusthub", name = "dpws-hosted", description = "Lists the hub things presented as DPWS devices: "
        + "device address, endpoint URLs and the whole WS-Security policy")
public class HostedCommand extends DpwsAction {

    @Override
    protected void run(DpwsStack stack) {
        if (!stack.config().host()) {
            out().println("The device-host role is off (hostEnabled=false in " + "org.trusthub.binding.dpws).");
            return;
        }
        if (stack.host().hosted().isEmpty()) {
            out().println("No things hosted (only OPERATIONAL things are presented).");
            return;
        }
        ShellTable table = new ShellTable().forceAscii();
        table.column("Thing");
        table.column("Device");
        table.column("Endpoint URL");
        table.column("Policy");
        table.column("Contributed services");
        for (DeviceHost.Hosted h : stack.host().hosted().values()) {
            table.addRow().addContent(h.thing().value(), h.address(), String.join(" ", stack.deviceUrls(h)),
                    stack.policyLabel(h.thing()), String.join(" ", stack.host().servicesOn(h.thing()).stream()
                            .map(s -> s.name() + " (" + s.serviceType().getLocalPart() + ")").toList()));
        }
        table.print(out());
    }
}
