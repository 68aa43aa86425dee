package org.trusthub.api.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One property of a thing as the model holds it: what it is and its last value ({@code null} before the first one
 * arrived).
 */
public record Property(PropertyDescriptor descriptor, PropertyValue last) {

    public Property {
        Objects.requireNonNull(descriptor, "descriptor");
    }

    public String id() {
        return descriptor.id();
    }

    /** The last value, if any arrived. */
    public Optional<PropertyValue> value() {
        return Optional.ofNullable(last);
    }
}
