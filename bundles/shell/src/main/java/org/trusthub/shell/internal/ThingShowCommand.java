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
import org.trusthub.api.thing.JournalEntry;

@Service
@Command(scope = "trusthub", name = "thing-show",
        description = "Shows a thing, the transitions it may make next and its lifecycle journal")
public class ThingShowCommand extends TrustHubAction {

    @Reference
    ThingRegistry registry;

    @Argument(index = 0, name = "id", description = "The thing's id", required = true)
    @Completion(ThingIdCompleter.class)
    String id;

    @Override
    protected void run() throws Exception {
        Thing thing = registry.get(thingId(id));
        PrintStream out = out();
        Formats.thing(out, thing);
        Formats.field(out, "Allowed", Formats.allowedTransitions(thing.state()));
        List<JournalEntry> entries = registry.journal(thing.id());
        if (entries.isEmpty()) {
            Formats.field(out, "History", "(not recorded)");
            return;
        }
        out.println("History:");
        for (JournalEntry e : entries) {
            String move = e.from() == null ? "-> " + e.to() : e.from() + " -> " + e.to();
            String by = e.by() == null ? "" : "  by " + oneLine(e.by());
            out.println(String.format(Locale.ROOT, "  %s  %-12s  %s%s", Formats.time(e.at()), e.transition(), move,
                    by));
        }
    }
}
