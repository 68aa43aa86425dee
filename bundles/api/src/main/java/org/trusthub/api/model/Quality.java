package org.trusthub.api.model;

/** How far a property's last value can be trusted now. */
public enum Quality {
    /** The value came from the thing (a report, a read, or a write the thing confirmed) and the binding serves it. */
    GOOD,
    /**
     * The binding that owns the thing is gone (its bundle stopped) or the thing left its network: the value is the
     * last one known and may no longer hold; writes are refused.
     */
    UNAVAILABLE
}
