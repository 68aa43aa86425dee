package org.trusthub.api.model;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;

/**
 * Where one binding publishes its things' properties; the model gives each {@link PropertyProvider} its own sink, so
 * a binding can only describe and update the things it owns. Every call is checked; a refused one changes nothing.
 * Values never carry key material.
 */
@ProviderType
public interface PropertySink {

    /**
     * Describes (or re-describes) a thing's properties; the thing becomes available. Last values of properties whose
     * descriptor is unchanged are kept.
     *
     * @throws IllegalArgumentException for duplicate ids, too many properties, or a thing that is not enrolled or is
     *         decommissioned
     * @throws IllegalStateException if another binding owns the thing, or this sink was detached
     */
    void describe(ThingId thing, List<PropertyDescriptor> properties);

    /**
     * A value from the thing.
     *
     * @throws IllegalArgumentException if the thing was not described by this binding or has no such property
     * @throws InvalidValueException if the value does not fit the property
     * @throws IllegalStateException if this sink was detached
     */
    void update(ThingId thing, String property, Object value, Origin origin);

    /**
     * A value from the thing, with the protection the message that carried it had (its {@code Authenticated}'s): the
     * model keeps it with the value ({@link PropertyValue#arrivedUnder()}), so a bridge to another protocol never
     * serves the value as better protected than it came. A model that keeps no protection takes it as
     * {@link #update(ThingId, String, Object, Origin)}.
     *
     * @throws IllegalArgumentException as {@link #update(ThingId, String, Object, Origin)}
     */
    default void update(ThingId thing, String property, Object value, Origin origin, Protection arrived) {
        update(thing, property, value, origin);
    }

    /** The thing cannot be reached now (left its network, out of range): its values go UNAVAILABLE. */
    void unavailable(ThingId thing);

    /** The thing is gone from this binding: its model is removed. */
    void remove(ThingId thing);
}
