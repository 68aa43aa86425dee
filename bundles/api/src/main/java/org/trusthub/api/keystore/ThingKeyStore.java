package org.trusthub.api.keystore;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;

/**
 * The hub's one keystore, shared by every layer and protocol.
 *
 * <p>A thing is enrolled with one {@link RootCredential}. Each layer's keys are derived from it with HKDF-SHA256
 * (RFC 5869) under a label binding the thing, the layer, the mechanism, the layer's key generation and the key
 * length, so two layers, two mechanisms or two generations never share a key. Counters that feed nonces never
 * repeat a value, even across crashes; incoming counters have replay marks that survive a restart. Every change is
 * durable when the call returns; the store is encrypted at rest.
 *
 * <p>Derivation profile (so a thing holding its root secret derives the same keys):
 * {@code PRK = HKDF-Extract(salt = "trusthub/v1 root", IKM = root secret)},
 * {@code key = HKDF-Expand(PRK, info, L)} with {@code info} the concatenation of the UTF-8 strings
 * {@code "trusthub/v1"}, thing id, layer name, mechanism, each preceded by its length as one byte, then the
 * generation and {@code L} as 4-byte big-endian integers. For a certificate root the IKM is the static ECDH (P-256)
 * shared secret between the hub identity's key and the certificate's key, fixed at enrollment.
 *
 * <p>Keys shared by a group of things (a ZigBee network key, a multicast group key) are kept under a thing id of
 * the group's own, enrolled with a fresh random root secret; each rotation of the layer starts a new group key
 * generation, and the caller keeps the previous generation's key for as long as the switch-over needs it.
 */
@ProviderType
public interface ThingKeyStore {

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
     * Draws the next value of the counter of a thing's key (layer, mechanism, current generation). Values start
     * at 0, grow by one and are never handed out twice for the same key, even after a crash; a restart may skip
     * values. A rotation starts a fresh counter for the new key.
     *
     * @param limit the largest value the mechanism can carry (for example {@code 0xFFFFFFFFL} for a 32-bit frame
     *        counter)
     * @throws CounterExhaustedException when the next value would exceed the limit
     */
    long nextCounter(ThingId thing, Layer layer, String mechanism, long limit);

    /**
     * Draws the next value of the counter of exactly this key (thing, layer, mechanism and the key's generation),
     * with the same guarantees as {@link #nextCounter(ThingId, Layer, String, long)}. Callers that keep a key between
     * uses draw counters this way, so a rotation that happens meanwhile cannot hand them a value the new key's counter
     * also hands out. Works for derived and for {@linkplain #storeKey stored} keys.
     *
     * @throws StaleKeyException if the key's layer has been rotated since the key was handed out
     * @throws KeyRevokedException if the thing's keys are revoked
     * @throws CounterExhaustedException when the next value would exceed the limit
     * @since 1.1
     */
    long nextCounter(DerivedKey key, long limit);

    /**
     * The replay mark of one source of incoming frames under exactly this key (thing, layer, mechanism, the key's
     * generation and its bytes, as for {@link #nextCounter(DerivedKey, long)}): the highest incoming counter accepted
     * from the source, so a frame at or below it is a replay. Marks survive a restart: what a restart finds is at
     * least the highest counter accepted before it (see {@link #advanceReplayMark}).
     *
     * @param name the source, see {@link ReplayMarks#checkName}
     * @return the mark, or -1 if nothing has been accepted from the source under this key
     * @throws IllegalArgumentException if the name is malformed
     * @throws StaleKeyException if the key's layer has been rotated, or the stored key replaced, since it was handed
     *         out: a rotation, a replaced stored key and a re-enrollment start with no marks
     * @throws KeyRevokedException if the thing's keys are revoked (a revocation drops its marks)
     * @throws UnsupportedOperationException if this keystore keeps no replay marks
     * @since 1.2
     */
    default long replayMark(DerivedKey key, String name) {
        throw new UnsupportedOperationException("this keystore keeps no replay marks");
    }

    /**
     * Accepts an incoming counter from a source under this key if it is above the source's mark, and makes it the
     * mark; call it once the frame has been authenticated, so a forged frame cannot move the mark.
     *
     * <p>Durability: the keystore writes a mark ahead of the accepted counter, a configured block at a time, and the
     * write is durable before this call returns {@code true}; so after a crash the mark is at or above every counter
     * ever accepted, and a frame captured before the crash is refused. The cost: after a crash up to one block of
     * fresh counters the source has not sent yet are refused too. A clean close writes the exact marks, so a restart
     * refuses nothing fresh.
     *
     * @param name the source, see {@link ReplayMarks#checkName}
     * @param counter the frame's counter, not negative
     * @return whether the counter was above the mark (it is the mark now); {@code false} for a replay, which changes
     *         nothing
     * @throws IllegalArgumentException if the name is malformed or the counter negative
     * @throws StaleKeyException if the key is no longer the current key (see {@link #replayMark})
     * @throws KeyRevokedException if the thing's keys are revoked
     * @throws KeystoreException if the mark cannot be written (then nothing was accepted), or the key has too many
     *         marks
     * @throws UnsupportedOperationException if this keystore keeps no replay marks
     * @since 1.2
     */
    default boolean advanceReplayMark(DerivedKey key, String name, long counter) {
        throw new UnsupportedOperationException("this keystore keeps no replay marks");
    }

    /**
     * Every replay mark of this key, by name (for example to carry them over while the previous key of a key switch
     * is still received).
     *
     * @throws StaleKeyException if the key is no longer the current key
     * @throws KeyRevokedException if the thing's keys are revoked
     * @throws UnsupportedOperationException if this keystore keeps no replay marks
     * @since 1.2
     */
    default Map<String, Long> replayMarks(DerivedKey key) {
        throw new UnsupportedOperationException("this keystore keeps no replay marks");
    }

    /**
     * Keeps a key that is not derived from the root credential, such as a ZigBee install-code link key, a Bluetooth
     * bond's LTK or IRK, or a key agreed by pairing, under the current generation of the layer; encrypted at rest
     * like everything else. It replaces a key stored earlier for the same layer and mechanism. Rotating the layer or
     * revoking the thing destroys it.
     *
     * @param key 16 to {@value #MAX_KEY_LENGTH} bytes; copied, the caller should wipe its array
     * @throws UnknownThingException if the thing is not enrolled
     * @throws KeyRevokedException if its keys are revoked
     * @since 1.1
     */
    void storeKey(ThingId thing, Layer layer, String mechanism, byte[] key);

    /**
     * A key kept with {@link #storeKey}, at the layer's current generation.
     *
     * @return empty if none is stored for this layer and mechanism at the current generation
     * @throws UnknownThingException if the thing is not enrolled
     * @throws KeyRevokedException if its keys are revoked
     * @since 1.1
     */
    Optional<DerivedKey> storedKey(ThingId thing, Layer layer, String mechanism);

    /**
     * Destroys a key kept with {@link #storeKey} (for example when a Bluetooth bond is removed).
     *
     * @return whether a key was stored
     * @since 1.1
     */
    boolean deleteStoredKey(ThingId thing, Layer layer, String mechanism);

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

    /**
     * Every trust anchor by alias, whatever its purposes (for listing and removing; a path that trusts anchors asks
     * {@link #trustAnchors(TrustPurpose)}).
     *
     * @since 1.1
     */
    Map<String, X509Certificate> trustAnchors();

    /**
     * The trust anchors that serve one purpose, by alias.
     *
     * @since 1.3
     */
    default Map<String, X509Certificate> trustAnchors(TrustPurpose purpose) {
        Map<String, X509Certificate> out = new java.util.TreeMap<>();
        for (TrustAnchorEntry e : trustAnchorEntries()) {
            if (e.serves(purpose)) {
                out.put(e.alias(), e.certificate());
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * Every trust anchor with its purposes, ordered by alias.
     *
     * @since 1.3
     */
    default List<TrustAnchorEntry> trustAnchorEntries() {
        return List.of();
    }

    /**
     * Adds a trust anchor that serves the given purposes and no other.
     *
     * @param alias 1 to 64 characters of lower-case letters, digits, {@code . _ -}
     * @param anchor a CA certificate: basicConstraints CA and key usage keyCertSign
     * @param purposes at least one
     * @throws IllegalArgumentException if the alias is malformed or taken, no purpose is given, the certificate is not
     *         a CA's or cannot be encoded
     * @since 1.3
     */
    default void addTrustAnchor(String alias, X509Certificate anchor, java.util.Set<TrustPurpose> purposes) {
        throw new UnsupportedOperationException("this keystore keeps no trust anchors");
    }

    /**
     * Refuses: an anchor is added with its purposes ({@link #addTrustAnchor(String, X509Certificate,
     * java.util.Set)}); an anchor for everything is what this replaced.
     *
     * @throws IllegalArgumentException always
     * @since 1.1
     * @deprecated give the anchor's purposes
     */
    @Deprecated
    default void addTrustAnchor(String alias, X509Certificate anchor) {
        throw new IllegalArgumentException("trust anchor '" + alias + "' needs at least one purpose");
    }

    /**
     * Removes a trust anchor.
     *
     * @return whether one was there
     * @since 1.1
     */
    boolean removeTrustAnchor(String alias);

    /** Key metadata of a thing, never the key bytes. */
    KeyMetadata metadata(ThingId thing);

    /** The root certificate of a thing enrolled with one. */
    Optional<X509Certificate> rootCertificate(ThingId thing);

    /** The hub's identity, made at first start. */
    HubIdentity hubIdentity();
}
