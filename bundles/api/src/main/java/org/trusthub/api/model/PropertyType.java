package org.trusthub.api.model;

/**
 * What kind of value a property holds; each type has one Java class for its values and one unit.
 */
public enum PropertyType {
    /** On or off: {@link Boolean}. */
    SWITCH(Boolean.class, ""),
    /** A level in percent, 0 to 100: {@link Integer}. */
    LEVEL(Integer.class, "%"),
    /** A temperature in degrees Celsius, not below absolute zero: {@link Double}. */
    TEMPERATURE(Double.class, "\u00b0C"),
    /** Any finite number, in the unit its descriptor names: {@link Double}. */
    NUMBER(Double.class, ""),
    /** Printable text of at most {@value PropertyDescriptor#MAX_TEXT} characters: {@link String}. */
    STRING(String.class, "");

    private final Class<?> valueClass;
    private final String unit;

    PropertyType(Class<?> valueClass, String unit) {
        this.valueClass = valueClass;
        this.unit = unit;
    }

    /** The class of every value of this type. */
    public Class<?> valueClass() {
        return valueClass;
    }

    /** The unit every value of this type is in; empty when the descriptor names it (NUMBER) or there is none. */
    public String unit() {
        return unit;
    }
}
