package org.trusthub.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.trusthub.api.thing.IllegalTransitionException;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;

@Service
@Command(scope = "trusthub", name = "thing-recommission",
        description = "Re-commissions a decommissioned thing under a new owner with a fresh root credential",
        detailedDescription = "Give exactly one of --secret-file, --certificate or --generate-secret. "
                + "The thing goes to BOOTSTRAPPING; no key of its previous life can be derived again.")
public class ThingRecommissionCommand extends CredentialAction {

    @Argument(index = 0, name = "id", description = "The decommissioned thing's id", required = true)
    @Completion(ThingIdCompleter.class)
    String id;

    @Argument(index = 1, name = "new-owner", description = "The new owner (1 to 64 printable characters)",
            required = true)
    String newOwner;

    @Override
    protected void run() throws Exception {
        ThingId thingId = thingId(id);
        Thing before = registry.get(thingId);
        // Refuse before any file is read or generated.
        if (before.state() != LifecycleState.DECOMMISSIONED) {
            throw new IllegalTransitionException(thingId, before.state(), Transition.RECOMMISSION, null);
        }
        Thing thing = withCredential(credential -> asOperator(registry).recommission(thingId, newOwner, credential));
        out().println(thing.id() + ": " + before.state() + " -> " + thing.state() + " (RECOMMISSION)");
        Formats.thing(out(), thing);
        printSecretNote();
    }
}
