package org.trusthub.api.thing;

import java.util.Set;

/** A lifecycle transition that is not legal from the thing's current state. */
public class IllegalTransitionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient ThingId thing;
    private final LifecycleState state;
    private final Transition transition;

    public IllegalTransitionException(ThingId thing, LifecycleState state, Transition transition, String why) {
        super("thing '" + thing + "' is " + state + ": " + transition + " is not allowed"
                + (why == null ? "" : " (" + why + ")") + "; allowed from " + state + ": "
                + describe(Transition.allowedFrom(state)));
        this.thing = thing;
        this.state = state;
        this.transition = transition;
    }

    public ThingId thing() {
        return thing;
    }

    public LifecycleState state() {
        return state;
    }

    public Transition transition() {
        return transition;
    }

    private static String describe(Set<Transition> allowed) {
        return allowed.isEmpty() ? "nothing" : allowed.toString();
    }
}
