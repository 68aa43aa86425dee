package org.trusthub.api.model;

import org.osgi.annotation.versioning.ConsumerType;
import org.trusthub.api.thing.ThingId;

/**
 * The command seam: how the model hands a checked write to the binding that owns the thing. Called on the writer's
 * thread; may block until the thing confirms (bounded by the binding's own timeout).
 */
@ConsumerType
public interface PropertyHandler {

    /**
     * Sends the write to the thing and returns once it confirmed. The handler publishes the value the thing then has
     * through its {@link PropertySink} (ideally read back from the thing).
     *
     * @param value already validated by {@code property}, in its type's class
     * @throws PropertyWriteException if the thing did not confirm or cannot be reached
     */
    void write(ThingId thing, PropertyDescriptor property, Object value);

    /**
     * Flips a SWITCH on the thing itself.
     *
     * @return false if this binding has no toggle command; the model then writes the opposite of the last value
     * @throws PropertyWriteException if the thing did not confirm or cannot be reached
     */
    default boolean toggle(ThingId thing, PropertyDescriptor property) {
        return false;
    }

    /** Reads every property from the thing; answers go to the sink as they arrive. Must not block long. */
    default void refresh(ThingId thing) {
    }
}
