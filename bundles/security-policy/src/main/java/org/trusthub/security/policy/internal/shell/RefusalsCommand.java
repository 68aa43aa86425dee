package org.trusthub.security.policy.internal.shell;

import java.io.PrintStream;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.policy.internal.RefusalLedger;

/** The refusal counts of every layer and protocol, since the hub started. */
@Service
@Command(scope = "trusthub", name = "refusals", description = "Shows how often the hub refused what, per thing, "
        + "layer, mechanism and reason, since it started; '-' is a sender not tied to a known thing")
public class RefusalsCommand extends PolicyAction {

    @Reference
    RefusalLedger ledger;

    @Argument(index = 0, name = "thing", description = "only this thing's counts")
    @Completion(ThingIdCompleter.class)
    String thing;

    @Override
    protected void run() {
        List<RefusalCount> counts = thing == null ? ledger.counts() : ledger.counts(ThingId.of(thing));
        PrintStream out = out();
        if (counts.isEmpty()) {
            out.println(thing == null ? "No refusals." : "No refusals for " + thing + ".");
        } else {
            ShellTable table = new ShellTable().forceAscii();
            table.column("Thing");
            table.column("Layer");
            table.column("Mechanism");
            table.column("Reason");
            table.column("Count").alignRight();
            table.column("Last");
            for (RefusalCount c : counts) {
                table.addRow().addContent(c.thing().map(ThingId::value).orElse("-"), c.layer(), c.mechanism(),
                        c.reason(), c.count(), Formats.time(c.last()));
            }
            table.print(out);
        }
        if (thing == null && ledger.uncounted() > 0) {
            out.println("Not itemised (every entry taken): " + ledger.uncounted());
        }
    }
}
