package org.trusthub.api.keystore;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.trusthub.api.thing.ThingId;

/**
 * What the keystore can tell about a thing's keys, without any key bytes.
 *
 * @param thing the thing
 * @param rootKind the kind of its root credential
 * @param rootFingerprint SHA-256 of the root certificate for certificate roots (hex), {@code null} for secrets
 * @param enrolled when the current root credential was enrolled
 * @param status whether keys can still be derived
 * @param revoked when the keys were revoked, or {@code null}
 * @param layers one entry per layer, in {@link Layer} order
 */
public record KeyMetadata(ThingId thing, RootCredential.Kind rootKind, String rootFingerprint, Instant enrolled,
        KeyStatus status, Instant revoked, List<LayerKeyMetadata> layers) {
    public KeyMetadata {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(rootKind, "rootKind");
        Objects.requireNonNull(enrolled, "enrolled");
        Objects.requireNonNull(status, "status");
        layers = List.copyOf(layers);
    }
}
