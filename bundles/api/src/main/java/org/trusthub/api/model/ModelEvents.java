package org.trusthub.api.model;

/**
 * EventAdmin topics the model posts and their property names. Events carry the thing id, property id and value (and
 * nothing secret: properties hold measurements and settings, never keys). Subscribe with {@link #ALL}.
 */
public final class ModelEvents {

    /** Prefix of every model topic. */
    public static final String TOPIC_PREFIX = "org/trusthub/model/";
    /** A property's value or quality changed. */
    public static final String PROPERTY_CHANGED = TOPIC_PREFIX + "PROPERTY_CHANGED";
    /** A thing was described for the first time, or described again with other properties. */
    public static final String THING_DESCRIBED = TOPIC_PREFIX + "THING_DESCRIBED";
    /** A thing became available or unavailable ({@link #AVAILABLE}). */
    public static final String THING_AVAILABILITY = TOPIC_PREFIX + "THING_AVAILABILITY";
    /** A thing's model was removed (decommissioned, or gone from its binding). */
    public static final String THING_REMOVED = TOPIC_PREFIX + "THING_REMOVED";
    /** Every model topic. */
    public static final String ALL = TOPIC_PREFIX + "*";

    /** Property: the thing id, as text (the same name lifecycle events use). */
    public static final String THING = "thing.id";
    /** Property: the property id. */
    public static final String PROPERTY = "property";
    /** Property: the value, in its type's class (Boolean, Integer, Double, String). */
    public static final String VALUE = "value";
    /** Property: the property type's name. */
    public static final String TYPE = "type";
    /** Property: the unit, possibly empty. */
    public static final String UNIT = "unit";
    /** Property: the {@link Quality} name. */
    public static final String QUALITY = "quality";
    /** Property: the {@link Origin} name. */
    public static final String ORIGIN = "origin";
    /** Property: the binding's protocol. */
    public static final String BINDING = "binding";
    /** Property: whether the binding is simulated, as a Boolean. */
    public static final String SIMULATED = "simulated";
    /** Property: whether the thing is available, as a Boolean. */
    public static final String AVAILABLE = "available";
    /** Property: when the value arrived, milliseconds since the epoch, as a Long. */
    public static final String TIMESTAMP = "timestamp";

    private ModelEvents() {
    }
}
