package org.trusthub.security.transport.dtls.internal;

import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;

/** Only an operational thing gets a session: asked on every handshake, so a decommissioned thing never gets one. */
final class ThingGate {
    private final ThingRegistry registry;

    ThingGate(ThingRegistry registry) {
        this.registry = registry;
    }

    /** Whether the registry knows the thing at all (any state). */
    boolean isKnown(ThingId thing) {
        return registry.find(thing).isPresent();
    }

    boolean isOperational(ThingId thing) {
        return registry.find(thing).map(t -> t.state() == LifecycleState.OPERATIONAL).orElse(false);
    }
}
