package org.trusthub.api.thing;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The moves a thing can make through its lifecycle. Each names the states it starts from and the one it ends in;
 * every other move is illegal and is refused by the registry.
 */
public enum Transition {
    /** An installer takes a manufactured thing into the hub's security domain. */
    BOOTSTRAP(LifecycleState.BOOTSTRAPPING, LifecycleState.MANUFACTURED),
    /** Bootstrapping finished: the thing goes into service. */
    ACTIVATE(LifecycleState.OPERATIONAL, LifecycleState.BOOTSTRAPPING),
    /** Service stops for maintenance (software swap, reconfiguration). */
    MAINTAIN(LifecycleState.MAINTENANCE, LifecycleState.OPERATIONAL),
    /** Maintenance done, the thing keeps its keys and goes back into service. */
    RESUME(LifecycleState.OPERATIONAL, LifecycleState.MAINTENANCE),
    /** Maintenance changed what the thing is: it bootstraps again and every layer gets a new key generation. */
    REBOOTSTRAP(LifecycleState.BOOTSTRAPPING, LifecycleState.MAINTENANCE),
    /** End of service at this hub: every key of the thing is revoked in one step. */
    DECOMMISSION(LifecycleState.DECOMMISSIONED, LifecycleState.MANUFACTURED, LifecycleState.BOOTSTRAPPING,
            LifecycleState.OPERATIONAL, LifecycleState.MAINTENANCE),
    /**
     * A decommissioned thing starts over under a new owner, from a fresh root credential
     * ({@link ThingRegistry#recommission}); nothing of the previous owner's keys survives.
     */
    RECOMMISSION(LifecycleState.BOOTSTRAPPING, LifecycleState.DECOMMISSIONED);

    private final LifecycleState target;
    private final Set<LifecycleState> sources;

    Transition(LifecycleState target, LifecycleState first, LifecycleState... more) {
        this.target = target;
        this.sources = Collections.unmodifiableSet(EnumSet.of(first, more));
    }

    /** The state a thing is in after this transition. */
    public LifecycleState target() {
        return target;
    }

    /** The states from which this transition is legal. */
    public Set<LifecycleState> sources() {
        return sources;
    }

    /** Whether a thing in the given state may make this transition. */
    public boolean isAllowedFrom(LifecycleState state) {
        return sources.contains(state);
    }

    /** The transitions legal from a state, in declaration order. */
    public static Set<Transition> allowedFrom(LifecycleState state) {
        EnumSet<Transition> allowed = EnumSet.noneOf(Transition.class);
        for (Transition t : values()) {
            if (t.isAllowedFrom(state)) {
                allowed.add(t);
            }
        }
        return allowed;
    }
}
