package org.trusthub.keystore.internal;

import java.util.Objects;

import org.trusthub.api.keystore.CounterExhaustedException;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.Mechanisms;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.KeystoreRecords.CounterMark;

/**
 * Outgoing nonce counters: values of one key's counter are never handed out twice, even after a crash.
 *
 * <p>Values are reserved {@code reservation} at a time: a {@link CounterMark} above the values about to be handed
 * out is durable before the first value of its block leaves, and a restart resumes at the last mark (skipping what
 * was left of the block). The largest value handed out is {@code Long.MAX_VALUE - 1}, so the mark can always lie
 * above it. Each counter has its own monitor; callers hold the keystore's read lock, so a rotation or revocation
 * cannot replace the counter meanwhile.
 */
final class NonceCounters {

    /** One key's counter, guarded by its own monitor. Values below {@code reserved} may be handed out without a write. */
    static final class Counter {
        long next;
        // written under the counter's monitor and the store mutex, read by compaction under the store mutex alone
        volatile long reserved;
    }

    private final int reservation;
    private final KeystoreJournal journal;
    private final KeystoreLock lock;
    private final ThingStates things;

    /**
     * @param reservation how many values one write reserves, at least 1
     * @throws IllegalArgumentException if it is below 1
     */
    NonceCounters(int reservation, KeystoreJournal journal, KeystoreLock lock, ThingStates things) {
        if (reservation < 1) {
            throw new IllegalArgumentException("counterReservation is " + reservation + "; it must be at least 1");
        }
        this.reservation = reservation;
        this.journal = journal;
        this.lock = lock;
        this.things = things;
    }

    /** {@link org.trusthub.api.keystore.KeyCounters#nextCounter(ThingId, Layer, String, long)}. */
    long next(ThingId thing, Layer layer, String mechanism, long limit) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(layer, "layer");
        Mechanisms.check(mechanism);
        checkLimit(limit);
        return lock.readingThenCompact(() -> draw(things.active(thing), layer, mechanism, limit));
    }

    /**
     * {@link org.trusthub.api.keystore.KeyCounters#nextCounter(DerivedKey, long)}: besides the generation, the key's
     * bytes must be the current key's, since after a revocation and a re-enrollment generations start over at 1, and
     * a key of the old root must not draw the new root's counter values.
     */
    long next(DerivedKey key, long limit) {
        Objects.requireNonNull(key, "key");
        checkLimit(limit);
        return lock.readingThenCompact(() -> {
            things.keyLayer(key);
            return draw(things.active(key.thing()), key.layer(), key.mechanism(), limit);
        });
    }

    private static void checkLimit(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("counter limit " + limit + " is negative");
        }
    }

    // The caller holds the keystore's read lock and checked that the thing is active. A failed reservation write
    // hands nothing out.
    private long draw(ThingState t, Layer layer, String mechanism, long limit) {
        long max = Math.min(limit, Long.MAX_VALUE - 1);
        LayerState l = t.layer(layer);
        Counter c = l.counters.computeIfAbsent(mechanism, m -> new Counter());
        synchronized (c) {
            if (c.next > max) {
                throw new CounterExhaustedException(t.id, layer, mechanism, limit);
            }
            if (c.next >= c.reserved) {
                long mark = c.next + Math.min(reservation, Long.MAX_VALUE - c.next);
                journal.writeAndApply(new CounterMark(t.id, layer, mechanism, l.generation, mark));
            }
            return c.next++;
        }
    }

    /** Applies a written or replayed reservation to the layer it was checked to belong to. */
    static void apply(LayerState l, CounterMark r) {
        Counter c = l.counters.computeIfAbsent(r.mechanism(), m -> new Counter());
        c.reserved = Math.max(c.reserved, r.mark());
    }

    /**
     * After a restart: values between a counter's last reservation mark and the end of its block may have been handed
     * out before the stop, so each counter resumes at its mark.
     */
    static void resume(LayerState l) {
        l.counters.values().forEach(c -> c.next = c.reserved);
    }
}
