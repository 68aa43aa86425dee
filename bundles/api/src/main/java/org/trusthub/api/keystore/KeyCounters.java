package org.trusthub.api.keystore;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.ThingId;

/**
 * The counters of a thing's keys, both ways: outgoing nonce counters that never hand out a value twice for the same
 * key, even across crashes ({@link #nextCounter(DerivedKey, long)}), and incoming replay marks that survive a restart
 * ({@link #advanceReplayMark}). Both belong to one key (thing, layer, mechanism, generation and bytes): a rotation, a
 * replaced stored key, a revocation or a re-enrollment starts them over.
 *
 * <p>Depend on this service to put counters in nonces or to refuse replayed frames; the keys themselves come from
 * {@link ThingKeys} or {@link StoredKeys}.
 *
 * @since 1.4
 */
@ProviderType
public interface KeyCounters {

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
     * also hands out. Works for derived and for {@linkplain StoredKeys#storeKey stored} keys.
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
     * <p>A caller that keeps a replay window of its own (one that also accepts counters below the newest that it has
     * not seen yet, such as an OSCORE recipient context, RFC 8613 7.4) uses the mark as the durable part of it: it
     * starts its window at {@link #replayMark} (everything at or below it refused), decides freshness with its
     * window, and calls this method for every counter it accepts, before accepting it. A counter above the mark is
     * covered by a durable mark when this returns {@code true}; {@code false} says only that the counter is at or
     * below the mark, which is then already durable above it, so such a caller accepts the counter if its window
     * says it is fresh. Either way no request costs a disk write but one per block of counters.
     *
     * @param name the source, see {@link ReplayMarks#checkName}
     * @param counter the frame's counter, not negative
     * @return whether the counter was above the mark (it is the mark now); {@code false} for a replay, which changes
     *         nothing
     * @throws IllegalArgumentException if the name is malformed or the counter negative
     * @throws StaleKeyException if the key is no longer the current key (see {@link #replayMark})
     * @throws KeyRevokedException if the thing's keys are revoked
     * @throws CounterExhaustedException if the source is new and the key has as many marks as one key may have:
     *         only a new key takes new sources (nothing was accepted)
     * @throws KeystoreException if the mark cannot be written (then nothing was accepted)
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
}
