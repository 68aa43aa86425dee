package org.trusthub.api.keystore;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;

/**
 * The keys of things: enrollment with a {@link RootCredential}, the per-layer keys derived from it, their
 * generations (rotation), revocation, and what is known about them ({@link KeyMetadata}, never key bytes).
 *
 * <p>Depend on this service to derive or manage a thing's keys. Drawing nonce counters and keeping replay marks of
 * those keys is {@link KeyCounters}; keys that are not derived (pairing, install codes) are {@link StoredKeys}. The
 * derivation profile is described on {@link ThingKeyStore}.
 *
 * @since 1.4
 */
@ProviderType
public interface ThingKeys {

    /** Shortest key {@link #deriveKey} hands out, in bytes. */
    int MIN_KEY_LENGTH = 16;
    /** Longest key {@link #deriveKey} hands out, in bytes (HKDF-SHA256's limit is 8160). */
    int MAX_KEY_LENGTH = 64;

    /**
     * Enrolls a thing with its root credential; every layer starts at generation 1. A thing whose keys were
     * revoked may be enrolled again with a fresh credential: that replaces the old root, and generations and
     * counters start over.
     *
     * @throws DuplicateThingException if the thing is enrolled and not revoked
     * @throws IllegalArgumentException if a certificate root has no EC P-256 key
     */
    void enroll(ThingId thing, RootCredential root);

    /** Whether the thing is enrolled and its keys are not revoked. */
    boolean isActive(ThingId thing);

    /** Every thing the keystore holds a record of, revoked ones included, ordered by id. */
    List<ThingId> things();

    /**
     * Derives the thing's key for a layer and mechanism at the layer's current generation.
     *
     * @param length key length in bytes, {@value #MIN_KEY_LENGTH} to {@value #MAX_KEY_LENGTH}
     * @throws UnknownThingException if the thing is not enrolled
     * @throws KeyRevokedException if its keys are revoked
     */
    DerivedKey deriveKey(ThingId thing, Layer layer, String mechanism, int length);

    /**
     * Derives the same key as {@link #deriveKey} but records no use of it: for checking the MAC or signature of an
     * incoming message before its sender is authenticated, so that a forged message changes nothing in the keystore.
     * Once the key has authenticated the message, call {@link #recordUse}. This default records the use at once, as
     * {@link #deriveKey} does.
     *
     * @throws UnknownThingException if the thing is not enrolled
     * @throws KeyRevokedException if its keys are revoked
     * @since 1.3
     */
    default DerivedKey deriveKeyUnrecorded(ThingId thing, Layer layer, String mechanism, int length) {
        return deriveKey(thing, layer, mechanism, length);
    }

    /**
     * Records the use of a key from {@link #deriveKeyUnrecorded} that has authenticated a message, as
     * {@link #deriveKey} records it: the layer's last use, and the thing's first use (durable before this returns;
     * from then on {@link #discardEnrollment} refuses). This default does nothing.
     *
     * @throws StaleKeyException if the key's layer has been rotated since the key was handed out
     * @throws KeyRevokedException if the thing's keys are revoked
     * @throws KeystoreException if the first use cannot be written
     * @since 1.3
     */
    default void recordUse(DerivedKey key) {
    }

    /**
     * Starts a new key generation for one layer; the old generation's keys can no longer be derived.
     *
     * @return the new generation
     */
    int rotate(ThingId thing, Layer layer);

    /** Starts a new key generation for every layer at once. */
    void rotateAll(ThingId thing);

    /**
     * Revokes every layer's keys in one step: the root credential is destroyed and nothing can be derived for the
     * thing until it is enrolled again with a fresh credential. Revoking revoked keys changes nothing.
     *
     * @return whether keys were revoked by this call
     * @throws UnknownThingException if the thing is not enrolled
     */
    boolean revoke(ThingId thing);

    /**
     * Undoes an enrollment that could not be completed (for example because the thing registry could not record it):
     * removes the thing's record as if it had never been enrolled, so the same root credential can be enrolled again.
     * Only possible while no key, stored key or counter value has been handed out for the thing; otherwise use
     * {@link #revoke}.
     *
     * @return whether the record was removed; {@code false} if the thing is unknown or its keys have been used
     * @since 1.1
     */
    boolean discardEnrollment(ThingId thing);

    /** Key metadata of a thing, never the key bytes. */
    KeyMetadata metadata(ThingId thing);

    /** The root certificate of a thing enrolled with one. */
    Optional<X509Certificate> rootCertificate(ThingId thing);
}
