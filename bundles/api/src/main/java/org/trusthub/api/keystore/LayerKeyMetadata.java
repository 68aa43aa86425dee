package org.trusthub.api.keystore;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What the keystore can tell about one layer's keys of a thing, without any key bytes.
 *
 * @param layer the layer
 * @param generation the current key generation (1 after enrollment, one more for each rotation)
 * @param created when this generation began
 * @param lastUsed when a key of this generation was last derived, or {@code null} if never
 * @param mechanisms the mechanisms a key has been derived for at this generation
 */
public record LayerKeyMetadata(Layer layer, int generation, Instant created, Instant lastUsed,
        Set<String> mechanisms) {
    public LayerKeyMetadata {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(created, "created");
        mechanisms = Set.copyOf(mechanisms);
    }
}
