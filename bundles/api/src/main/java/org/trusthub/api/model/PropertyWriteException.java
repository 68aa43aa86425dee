package org.trusthub.api.model;

import org.trusthub.api.thing.ThingId;

/**
 * A write that could not be carried out: the property is read-only, the thing is unavailable or not operational, or
 * the thing did not confirm. The model keeps its last values; a write the thing never confirmed changes none.
 */
public class PropertyWriteException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient ThingId thing;
    private final String property;

    public PropertyWriteException(ThingId thing, String property, String message) {
        super(message);
        this.thing = thing;
        this.property = property;
    }

    public PropertyWriteException(ThingId thing, String property, String message, Throwable cause) {
        super(message, cause);
        this.thing = thing;
        this.property = property;
    }

    public ThingId thing() {
        return thing;
    }

    public String property() {
        return property;
    }
}
