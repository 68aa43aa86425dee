package org.trusthub.api.event;

/**
 * EventAdmin topics and event property names. Lifecycle transitions are published by the registry after the new
 * state is durable; keystore events after the key change is durable. Subscribe with a wildcard such as
 * {@code org/trusthub/lifecycle/*}.
 */
public final class TrustHubEvents {

    /** Prefix of lifecycle topics; the last segment is the {@link org.trusthub.api.thing.Transition} name. */
    public static final String LIFECYCLE_TOPIC_PREFIX = "org/trusthub/lifecycle/";
    /** A thing was enrolled (state MANUFACTURED). */
    public static final String LIFECYCLE_ENROLLED = LIFECYCLE_TOPIC_PREFIX + "ENROLLED";
    /** Every lifecycle topic. */
    public static final String LIFECYCLE_ALL = LIFECYCLE_TOPIC_PREFIX + "*";

    /** Prefix of keystore topics. */
    public static final String KEYSTORE_TOPIC_PREFIX = "org/trusthub/keystore/";
    /** A thing was enrolled with a root credential. */
    public static final String KEYS_ENROLLED = KEYSTORE_TOPIC_PREFIX + "ENROLLED";
    /** A layer's (or every layer's) keys were rotated; {@link #LAYER} is absent when all were. */
    public static final String KEYS_ROTATED = KEYSTORE_TOPIC_PREFIX + "ROTATED";
    /** Every key of a thing was revoked. */
    public static final String KEYS_REVOKED = KEYSTORE_TOPIC_PREFIX + "REVOKED";
    /** Every keystore topic. */
    public static final String KEYSTORE_ALL = KEYSTORE_TOPIC_PREFIX + "*";

    /** Property: the thing id, as text. */
    public static final String THING = "thing.id";
    /** Property: the lifecycle state before the transition, as text. */
    public static final String FROM_STATE = "state.from";
    /** Property: the lifecycle state after the transition, as text. */
    public static final String TO_STATE = "state.to";
    /** Property: the transition name, as text. */
    public static final String TRANSITION = "transition";
    /** Property: the thing's owner after the event. */
    public static final String OWNER = "owner";
    /** Property: the layer name, as text. */
    public static final String LAYER = "layer";
    /** Property: the new key generation, as an Integer. */
    public static final String GENERATION = "generation";
    /** Property: when it happened, milliseconds since the epoch, as a Long. */
    public static final String TIMESTAMP = "timestamp";

    /** The topic of a lifecycle transition. */
    public static String lifecycleTopic(org.trusthub.api.thing.Transition transition) {
        return LIFECYCLE_TOPIC_PREFIX + transition.name();
    }

    private TrustHubEvents() {
    }
}
