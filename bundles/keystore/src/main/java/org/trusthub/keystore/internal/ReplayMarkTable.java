package org.trusthub.keystore.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.trusthub.api.keystore.CounterExhaustedException;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ReplayMarks;
import org.trusthub.keystore.internal.KeystoreRecords.ReplayMark;

/**
 * Incoming replay marks: per key (a {@link LayerState} and a mechanism) and source name, the highest counter
 * accepted, so a frame at or below it is a replay.
 *
 * <p>Like nonce counters they are reserved ahead: a counter above a mark's reservation first writes a new one,
 * {@code counter + reservation - 1}, durable before the counter is accepted, and counters up to it are then accepted
 * without a write. A restart resumes at the reservation (so after a crash up to {@code reservation - 1} fresh counters
 * are refused), and a clean close writes the marks as accepted ({@link #exact}). Marks live in the layer generation,
 * so a rotation, a revocation and a replaced or deleted stored key drop them. Each mark has its own monitor; callers
 * hold the keystore's read lock (or its write lock).
 */
final class ReplayMarkTable {

    /** Most replay marks one key may have (a sender holding a shared key could otherwise grow the store at will). */
    static final int MAX_MARKS_PER_KEY = 16_384;

    /**
     * One source's mark, guarded by its own monitor. Counters up to {@code reserved} may be accepted without a write;
     * after a restart everything up to it is refused.
     */
    static final class Mark {
        long accepted = -1;
        // written under the mark's monitor (or the write lock) and the store mutex; read by compaction under the
        // store mutex alone
        volatile long reserved = -1;
    }

    private final int reservation;
    private final KeystoreJournal journal;
    private final KeystoreLock lock;
    private final ThingStates things;

    /**
     * @param reservation how far ahead of an accepted counter a mark is written, at least 1
     * @throws IllegalArgumentException if it is below 1
     */
    ReplayMarkTable(int reservation, KeystoreJournal journal, KeystoreLock lock, ThingStates things) {
        if (reservation < 1) {
            throw new IllegalArgumentException("replayMarkReservation is " + reservation + "; it must be at least 1");
        }
        this.reservation = reservation;
        this.journal = journal;
        this.lock = lock;
        this.things = things;
    }

    /** {@link org.trusthub.api.keystore.KeyCounters#replayMark}. */
    long mark(DerivedKey key, String name) {
        Objects.requireNonNull(key, "key");
        ReplayMarks.checkName(name);
        return lock.reading(() -> mark(things.keyLayer(key), key.mechanism(), name));
    }

    /** {@link org.trusthub.api.keystore.KeyCounters#advanceReplayMark}. */
    boolean advance(DerivedKey key, String name, long counter) {
        Objects.requireNonNull(key, "key");
        ReplayMarks.checkName(name);
        if (counter < 0) {
            throw new IllegalArgumentException("incoming counter " + counter + " is negative");
        }
        return lock.readingThenCompact(() -> {
            ThingState t = things.active(key.thing());
            return advance(t, things.keyLayer(key), key, name, counter);
        });
    }

    /** {@link org.trusthub.api.keystore.KeyCounters#replayMarks}. */
    Map<String, Long> marks(DerivedKey key) {
        Objects.requireNonNull(key, "key");
        return lock.reading(() -> marks(things.keyLayer(key), key.mechanism()));
    }

    private static long mark(LayerState l, String mechanism, String name) {
        Map<String, Mark> byName = l.marks.get(mechanism);
        Mark mark = byName == null ? null : byName.get(name);
        if (mark == null) {
            return -1;
        }
        synchronized (mark) {
            return mark.accepted;
        }
    }

    /**
     * Accepts {@code counter} from the source if it is above its mark, writing a new reservation first when it lies
     * above the current one. {@code l} is the layer of {@code key}, checked to be the current key of active {@code t}.
     *
     * @return whether the counter was accepted; {@code false} for a replay, which changes nothing
     * @throws CounterExhaustedException if the source is new and the key has {@link #MAX_MARKS_PER_KEY} marks
     * @throws KeystoreException if the reservation cannot be written (nothing was accepted then)
     */
    private boolean advance(ThingState t, LayerState l, DerivedKey key, String name, long counter) {
        Map<String, Mark> byName = l.marks.computeIfAbsent(key.mechanism(), m -> new ConcurrentHashMap<>());
        Mark mark = byName.get(name);
        if (mark == null) {
            synchronized (byName) {
                if (!byName.containsKey(name) && byName.size() >= MAX_MARKS_PER_KEY) {
                    // Like a counter run out, only a new key helps: callers tell it from a failed write.
                    throw new CounterExhaustedException(t.id, key.layer(), key.mechanism() + " replay marks",
                            MAX_MARKS_PER_KEY);
                }
                mark = byName.computeIfAbsent(name, n -> new Mark());
            }
        }
        synchronized (mark) {
            if (counter <= mark.accepted) {
                return false;
            }
            if (counter > mark.reserved) {
                long ahead = counter + Math.min(reservation - 1L, Long.MAX_VALUE - counter);
                journal.writeAndApply(new ReplayMark(t.id, key.layer(), key.mechanism(), l.generation, name, ahead));
            }
            mark.accepted = counter;
            return true;
        }
    }

    // every mark of the layer's key for the mechanism that has accepted something, by name
    private static Map<String, Long> marks(LayerState l, String mechanism) {
        Map<String, Mark> byName = l.marks.get(mechanism);
        Map<String, Long> out = new TreeMap<>();
        if (byName != null) {
            byName.forEach((n, m) -> {
                synchronized (m) {
                    if (m.accepted >= 0) {
                        out.put(n, m.accepted);
                    }
                }
            });
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The marks as accepted where a crash would have left them higher, for a clean close. The caller holds the
     * keystore's write lock.
     */
    static List<ReplayMark> exact(Collection<ThingState> things) {
        List<ReplayMark> out = new ArrayList<>();
        for (ThingState t : things) {
            if (!t.active()) {
                continue;
            }
            for (Layer layer : ThingState.LAYERS) {
                LayerState l = t.layer(layer);
                l.marks.forEach((mechanism, byName) -> byName.forEach((name, m) -> {
                    if (m.accepted >= 0 && m.accepted < m.reserved) {
                        out.add(new ReplayMark(t.id, layer, mechanism, l.generation, name, m.accepted));
                    }
                }));
            }
        }
        return out;
    }

    /** The reservations of an active thing's layer, as a snapshot holds them. */
    static void snapshot(ThingState t, Layer layer, List<? super ReplayMark> out) {
        LayerState l = t.layer(layer);
        l.marks.forEach((m, byName) -> byName.forEach((n, mark) -> {
            if (mark.reserved >= 0) {
                out.add(new ReplayMark(t.id, layer, m, l.generation, n, mark.reserved));
            }
        }));
    }

    /** Applies a written or replayed reservation to the layer it was checked to belong to; the latest one wins. */
    static void apply(LayerState l, ReplayMark r) {
        l.marks.computeIfAbsent(r.mechanism(), m -> new ConcurrentHashMap<>())
                .computeIfAbsent(r.name(), n -> new Mark()).reserved = r.mark();
    }

    /** After a restart: counters up to a mark's reservation may have been accepted before a crash; refuse them. */
    static void resume(LayerState l) {
        l.marks.values().forEach(byName -> byName.values().forEach(m -> m.accepted = m.reserved));
    }
}
