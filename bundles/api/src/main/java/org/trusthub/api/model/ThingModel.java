package org.trusthub.api.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.trusthub.api.thing.ThingId;

/**
 * What the hub knows a thing can do and its last values: an immutable snapshot.
 *
 * @param thing the thing
 * @param binding the protocol of the binding that owns it ({@code zigbee}, {@code bluetooth}, ...)
 * @param simulated whether that binding runs on a simulated radio or adapter
 * @param available whether the binding serves it now; when not, every value is {@link Quality#UNAVAILABLE}
 * @param properties its properties in the order the binding described them
 */
public record ThingModel(ThingId thing, String binding, boolean simulated, boolean available,
        List<Property> properties) {

    public ThingModel {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(binding, "binding");
        properties = List.copyOf(properties);
    }

    /** The property with this id, if the thing has it. */
    public Optional<Property> property(String id) {
        return properties.stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
