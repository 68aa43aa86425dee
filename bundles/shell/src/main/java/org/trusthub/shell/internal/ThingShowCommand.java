package org.trusthub.shell.internal;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.lifecycle.HistoryEntry;
import org.trusthub.lifecycle.ThingHistory;

@Service
@Command(scope = "trusthub", name = "thing-show",
        description = "Shows a thing, the transitions it may make next and its recent history")
public class ThingShowCommand extends TrustHubAction {

    @Reference
    ThingRegistry registry;

    @Reference(optional = true)
    ThingHistory history;

    @Argument(index = 0, name = "id", description = "The thing's id", required = true)
    @Completion(ThingIdCompleter.class)
    String id;

    @Override
    protected void run() throws Exception {
        Thing thing = registry.get(thingId(id));
        PrintStream out = out();
        Formats.thing(out, thing);
        Formats.field(out, "Allowed", Formats.allowedTransitions(thing.state()));
        if (history == null) {
            Formats.field(out, "History", "(not available)");
            return;
        }
        List<HistoryEntry> entries = history.history(thing.id());
        out.println("History:");
        for (HistoryEntry e : entries) {
            String move = e.from() == null ? "-> " + e.to() : e.from() + " -> " + e.to();
            out.println(String.format(Locale.ROOT, "  %s  %-12s  %s", Formats.time(e.at()), e.action(), move));
        }
    }
}
