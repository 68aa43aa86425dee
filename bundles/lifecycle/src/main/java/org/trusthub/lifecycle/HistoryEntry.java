package org.trusthub.lifecycle;

import java.time.Instant;
import java.util.Objects;

import org.trusthub.api.thing.LifecycleState;

/**
 * One step in a thing's life as the registry recorded it.
 *
 * @param action {@link #ENROLL} or the name of the {@link org.trusthub.api.thing.Transition}
 * @param from the state before, {@code null} for an enrollment
 * @param to the state after
 * @param at when the step became durable
 */
public record HistoryEntry(String action, LifecycleState from, LifecycleState to, Instant at) {

    /** The action of an enrollment, which is not a {@link org.trusthub.api.thing.Transition}. */
    public static final String ENROLL = "ENROLL";

    public HistoryEntry {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
    }
}
