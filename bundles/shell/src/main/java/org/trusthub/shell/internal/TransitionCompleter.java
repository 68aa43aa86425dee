package org.trusthub.shell.internal;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;

/**
 * Completes the transitions thing-transition accepts: those legal from the thing's current state when the id
 * before the cursor names an enrolled thing, else all of them. RECOMMISSION is never offered: it needs
 * thing-recommission.
 */
@Service
public class TransitionCompleter implements Completer {

    @Reference
    ThingRegistry registry;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> names = candidates(commandLine.getArguments(), commandLine.getCursorArgumentIndex()).stream()
                .map(Transition::name).toList();
        return new StringsCompleter(names, false).complete(session, commandLine, candidates);
    }

    /** args[0] is the command; the thing id is the first argument before the cursor that is not an option. */
    Set<Transition> candidates(String[] args, int cursorIndex) {
        Set<Transition> offered = EnumSet.allOf(Transition.class);
        offered.remove(Transition.RECOMMISSION);
        for (int i = 1; i < Math.min(cursorIndex, args.length); i++) {
            if (!args[i].startsWith("-")) {
                if (ThingId.isValid(args[i])) {
                    registry.find(ThingId.of(args[i])).ifPresent(t -> offered.retainAll(Transition.allowedFrom(t.state())));
                }
                break;
            }
        }
        return offered;
    }
}
