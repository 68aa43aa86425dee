package org.trusthub.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.lifecycle.ThingHistory;

@Service
@Command(scope = "trusthub", name = "thing-list", description = "Lists the enrolled things and their lifecycle states",
        detailedDescription = "Below the list: what the registry's last start reconciled with the keystore (an "
                + "enrollment a crash cut short), if anything.")
public class ThingListCommand extends TrustHubAction {

    @Reference
    ThingRegistry registry;

    @Reference(optional = true)
    ThingHistory history;

    @Option(name = "--state", aliases = "-s", description = "Only things in this lifecycle state")
    @Completion(StateCompleter.class)
    String state;

    @Override
    protected void run() throws Exception {
        LifecycleState filter = state == null ? null : state(state);
        List<Thing> things = registry.list().stream().filter(t -> filter == null || t.state() == filter).toList();
        if (things.isEmpty()) {
            out().println(filter == null ? "No things enrolled." : "No things in state " + filter + ".");
            printStartNotes();
            return;
        }
        ShellTable table = new ShellTable().forceAscii();
        table.column("ID");
        table.column("State");
        table.column("Owner");
        table.column("Commissions");
        table.column("Changed");
        for (Thing t : things) {
            table.addRow().addContent(t.id().value(), t.state().name(), t.owner(), t.commissionCount(),
                    Formats.time(t.changed()));
        }
        table.print(out());
        printStartNotes();
    }

    /** Told here as well as in karaf.log: an operator who re-runs a cut-short enrollment looks at the list. */
    private void printStartNotes() {
        List<String> notes = history == null ? List.of() : history.startNotes();
        if (!notes.isEmpty()) {
            out().println("At the hub's last start:");
            notes.forEach(n -> out().println("  " + n));
        }
    }
}
