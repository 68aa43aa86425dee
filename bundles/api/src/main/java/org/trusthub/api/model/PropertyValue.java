package org.trusthub.api.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.trusthub.api.security.Protection;

/**
 * A property's last value: the value (in its type's class), when the hub got it, how far it can be trusted now, how
 * it came, and the protection it reached the hub under when its binding said so.
 *
 * @param arrived the protection of the message that brought the value (as the binding's {@code Authenticated} stated
 *        it), or {@code null} when the binding did not say ({@link #arrivedUnder()})
 */
public record PropertyValue(Object value, Instant timestamp, Quality quality, Origin origin, Protection arrived) {

    public PropertyValue {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(quality, "quality");
        Objects.requireNonNull(origin, "origin");
    }

    /** A value whose binding did not say what protection it came under. */
    public PropertyValue(Object value, Instant timestamp, Quality quality, Origin origin) {
        this(value, timestamp, quality, origin, null);
    }

    /** The protection the value reached the hub under, if its binding said. */
    public Optional<Protection> arrivedUnder() {
        return Optional.ofNullable(arrived);
    }

    /** The same value with another quality. */
    public PropertyValue withQuality(Quality q) {
        return q == quality ? this : new PropertyValue(value, timestamp, q, origin, arrived);
    }
}
