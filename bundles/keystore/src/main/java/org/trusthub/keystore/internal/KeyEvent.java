package org.trusthub.keystore.internal;

import java.time.Instant;
import java.util.Objects;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.thing.ThingId;

/**
 * A key change that is already durable, for the component to publish on EventAdmin.
 *
 * @param topic one of the {@code TrustHubEvents.KEYS_*} topics
 * @param thing the thing
 * @param layer the rotated layer, or {@code null} when the change concerns every layer
 * @param generation the new generation, or {@code null} when layers may differ (rotate all) or there is none
 *        (revocation)
 * @param timestamp when the change was made
 */
public record KeyEvent(String topic, ThingId thing, Layer layer, Integer generation, Instant timestamp) {
    public KeyEvent {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
