package org.trusthub.api.model;

/** A value a property does not accept (wrong type, out of range, malformed text). Nothing changed. */
public class InvalidValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String property;
    private final PropertyType type;

    public InvalidValueException(String property, PropertyType type, String message) {
        super(message);
        this.property = property;
        this.type = type;
    }

    /** The property's id. */
    public String property() {
        return property;
    }

    public PropertyType type() {
        return type;
    }
}
