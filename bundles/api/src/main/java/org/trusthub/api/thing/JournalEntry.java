package org.trusthub.api.thing;

import java.time.Instant;
import java.util.Objects;

/**
 * One step of a thing's life as the registry recorded it, durably, in its journal.
 *
 * @param at when the step became durable
 * @param from the state before, {@code null} for an enrollment
 * @param to the state after
 * @param transition {@link #ENROLL} or the name of the {@link Transition}
 * @param by who made the step: an operator ({@code web:alice}, {@code console:karaf}), a bundle acting on a
 *        device's behalf ({@code bundle:org.trusthub.binding.zigbee}) or {@link #HUB} (the registry itself, completing
 *        a step a crash cut short); {@code null} for steps recorded before the journal named who
 */
public record JournalEntry(Instant at, LifecycleState from, LifecycleState to, String transition, String by) {

    /** The transition of an enrollment, which is not a {@link Transition}. */
    public static final String ENROLL = "ENROLL";

    /** Who made a step no caller asked for: the registry completing, at its start, a step a crash cut short. */
    public static final String HUB = "hub";

    public JournalEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(transition, "transition");
    }
}
