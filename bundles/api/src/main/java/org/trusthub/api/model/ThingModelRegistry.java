package org.trusthub.api.model;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.ThingId;

/**
 * The hub's model of its things: the properties bindings publish, with their last values. Changes are posted on
 * EventAdmin under {@link ModelEvents}. Writes go to the binding that owns the thing; a write is checked (property,
 * writable, type, range, thing operational and available) before anything is sent, and a refused one changes nothing.
 */
@ProviderType
public interface ThingModelRegistry {

    /** The thing's model, if a binding described it. */
    Optional<ThingModel> model(ThingId thing);

    /** Every model, ordered by thing id. */
    List<ThingModel> models();

    /**
     * Writes a property through the binding that owns the thing and returns the property once the thing confirmed
     * (its value then is what the thing answered when the binding read it back).
     *
     * @param value in the type's class (Boolean, a whole Number for LEVEL, a Number for TEMPERATURE and NUMBER,
     *        String)
     * @throws IllegalArgumentException if the thing has no model or no such property
     * @throws InvalidValueException if the value has the wrong type or is out of range
     * @throws PropertyWriteException if the property is read-only, the thing is unavailable or not operational, or
     *         the thing did not confirm
     */
    Property write(ThingId thing, String property, Object value);

    /** As {@link #write}, from text an operator typed ({@link PropertyDescriptor#parse(String)}). */
    Property writeText(ThingId thing, String property, String text);

    /**
     * Flips a SWITCH property on the thing itself (ZigBee's Toggle command) where the binding can, else writes the
     * opposite of the last known value.
     *
     * @throws PropertyWriteException as {@link #write}, and when the property is no SWITCH or, without a binding
     *         toggle, has no known value
     */
    Property toggle(ThingId thing, String property);

    /**
     * Asks the owning binding to read every property from the thing now; the answers arrive as they come.
     *
     * @throws IllegalArgumentException if the thing has no model
     * @throws PropertyWriteException if the thing is unavailable
     */
    void refresh(ThingId thing);
}
