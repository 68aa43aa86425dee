package org.trusthub.api.security;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.Mechanisms;
import org.trusthub.api.thing.ThingId;

/**
 * How often one kind of refusal happened.
 *
 * @param thing     the thing refused, when it is a known thing; empty for senders the hub could not tie to one
 * @param layer     the layer that refused
 * @param mechanism the mechanism or binding that refused ({@link Mechanisms} syntax)
 * @param reason    why
 * @param count     how many times, since the hub started
 * @param last      when it last happened
 */
public record RefusalCount(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason, long count,
        Instant last) {

    public RefusalCount {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(layer, "layer");
        Mechanisms.check(mechanism);
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(last, "last");
        if (count < 1) {
            throw new IllegalArgumentException("a refusal count is at least 1");
        }
    }
}
