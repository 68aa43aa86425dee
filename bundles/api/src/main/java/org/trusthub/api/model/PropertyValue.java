package org.trusthub.api.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A property's last value: the value (in its type's class), when the hub got it, how far it can be trusted now, and
 * how it came.
 */
public record PropertyValue(Object value, Instant timestamp, Quality quality, Origin origin) {

    public PropertyValue {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(quality, "quality");
        Objects.requireNonNull(origin, "origin");
    }

    /** The same value with another quality. */
    public PropertyValue withQuality(Quality q) {
        return q == quality ? this : new PropertyValue(value, timestamp, q, origin);
    }
}
