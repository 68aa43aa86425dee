package org.trusthub.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;

@Service
@Command(scope = "trusthub", name = "thing-transition",
        description = "Moves a thing through its lifecycle (BOOTSTRAP, ACTIVATE, MAINTAIN, RESUME, REBOOTSTRAP, "
                + "DECOMMISSION)",
        detailedDescription = "REBOOTSTRAP rotates every layer's keys; DECOMMISSION revokes them all. "
                + "Use thing-recommission to bring a decommissioned thing back.")
public class ThingTransitionCommand extends TrustHubAction {

    @Reference
    ThingRegistry registry;

    @Argument(index = 0, name = "id", description = "The thing's id", required = true)
    @Completion(ThingIdCompleter.class)
    String id;

    @Argument(index = 1, name = "transition", description = "The transition (case-insensitive)", required = true)
    @Completion(TransitionCompleter.class)
    String transition;

    @Override
    protected void run() throws Exception {
        ThingId thingId = thingId(id);
        Transition move = transition(transition);
        if (move == Transition.RECOMMISSION) {
            throw error("RECOMMISSION needs a new owner and a fresh root credential: use trusthub:thing-recommission");
        }
        Thing before = registry.get(thingId);
        Thing after = asOperator(registry).transition(thingId, move);
        out().println(after.id() + ": " + before.state() + " -> " + after.state() + " (" + move + ")");
        if (move == Transition.REBOOTSTRAP) {
            out().println("Keys of every layer rotated");
        } else if (move == Transition.DECOMMISSION) {
            out().println("Keys of every layer revoked");
        }
    }
}
