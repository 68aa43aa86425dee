package org.trusthub.api.thing;

import java.time.Instant;
import java.util.Objects;

/**
 * A thing as the registry knows it: an immutable snapshot.
 *
 * @param id its identity
 * @param state where it is in its lifecycle
 * @param owner who it belongs to (an installer's or tenant's name); changes only on re-commissioning
 * @param enrolled when it was first enrolled on this hub
 * @param changed when its state last changed
 * @param commissionCount how many times it has been re-commissioned (0 for the first owner)
 */
public record Thing(ThingId id, LifecycleState state, String owner, Instant enrolled, Instant changed,
        int commissionCount) {

    public Thing {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(enrolled, "enrolled");
        Objects.requireNonNull(changed, "changed");
        if (commissionCount < 0) {
            throw new IllegalArgumentException("commissionCount must not be negative");
        }
    }
}
