package org.trusthub.security.link.ccm;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.ThingKeyStore;

/**
 * Per-source incoming frame counters: a frame is accepted only if its counter is higher than the last one accepted
 * from the same source under the same key. The check and the commit are separate so a frame whose MIC fails cannot
 * move the counter (else a forger could lock a device out by sending a huge counter).
 *
 * <p>Two kinds. {@linkplain #FrameCounterGuard() In memory}: the marks live as long as the guard, so after a restart
 * a frame captured before it is accepted again until the key changes; right for counters the protocol itself resets
 * (a BLE connection's packet counters) and for parties that keep nothing (the simulated devices). {@linkplain #durable
 * Durable}: the marks are the keystore's replay marks of the source's key ({@link ThingKeyStore#advanceReplayMark}),
 * so a restart of the bundle or of the hub refuses every frame accepted before it; a rotated, replaced or revoked key
 * starts with no marks. The keystore writes a mark a block ahead, so a crash (not a clean stop) costs up to one block
 * of fresh frames per source, refused as replays.
 *
 * @param <S> what identifies a source under one key (an extended address, a key and address pair, ...)
 */
public final class FrameCounterGuard<S> {

    /** The largest counter a 32-bit frame counter field accepts; 0xFFFFFFFF means the sender's counter wrapped. */
    public static final long MAX_COUNTER = 0xFFFFFFFEL;

    private final Map<S, Long> last = new ConcurrentHashMap<>();
    private final ThingKeyStore keystore;
    private final Function<? super S, DerivedKey> keyOf;
    private final Function<? super S, String> nameOf;

    /** What a check found. */
    public enum Verdict {
        /** The counter is fresh. */
        FRESH,
        /** The counter is not higher than the last one accepted from this source. */
        REPLAYED,
        /** The counter is 0xFFFFFFFF (the sender's counter is exhausted) or out of the 32-bit range. */
        WRAPPED
    }

    /** A guard whose marks live in memory only (see the class comment for when that is right). */
    public FrameCounterGuard() {
        this(null, null, null);
    }

    private FrameCounterGuard(ThingKeyStore keystore, Function<? super S, DerivedKey> keyOf,
            Function<? super S, String> nameOf) {
        this.keystore = keystore;
        this.keyOf = keyOf;
        this.nameOf = nameOf;
    }

    /**
     * A guard whose marks are the keystore's replay marks. Checks and commits throw what
     * {@link ThingKeyStore#replayMark} and {@link ThingKeyStore#advanceReplayMark} throw: a
     * {@link org.trusthub.api.keystore.StaleKeyException} when the source's key has been rotated or replaced (fetch
     * the current key and check again), a {@link org.trusthub.api.keystore.KeystoreException} when a mark cannot be
     * written (refuse the frame).
     *
     * @param key the key a source's frames are secured with, the current one (a key the caller holds)
     * @param name the source's mark name under that key, see {@link org.trusthub.api.keystore.ReplayMarks}
     * @since 1.1
     */
    public static <S> FrameCounterGuard<S> durable(ThingKeyStore keystore, Function<? super S, DerivedKey> key,
            Function<? super S, String> name) {
        return new FrameCounterGuard<>(Objects.requireNonNull(keystore, "keystore"), Objects.requireNonNull(key,
                "key"), Objects.requireNonNull(name, "name"));
    }

    /** Whether the marks survive a restart. @since 1.1 */
    public boolean isDurable() {
        return keystore != null;
    }

    /** Whether a counter from a source would be accepted; changes nothing. */
    public Verdict check(S source, long counter) {
        if (counter < 0 || counter > MAX_COUNTER) {
            return Verdict.WRAPPED;
        }
        return counter <= lastAccepted(source) ? Verdict.REPLAYED : Verdict.FRESH;
    }

    /**
     * Records a counter after the frame it came with has been authenticated; a durable guard's mark is on disk when
     * this returns true.
     *
     * @return false if, meanwhile, an equal or higher counter was accepted (a concurrent replay): refuse the frame
     */
    public boolean commit(S source, long counter) {
        if (counter < 0 || counter > MAX_COUNTER) {
            return false;
        }
        if (keystore != null) {
            return keystore.advanceReplayMark(keyOf.apply(source), nameOf.apply(source), counter);
        }
        boolean[] accepted = {false};
        last.compute(source, (s, previous) -> {
            if (previous == null || counter > previous) {
                accepted[0] = true;
                return counter;
            }
            return previous;
        });
        return accepted[0];
    }

    /** The last counter accepted from a source, or -1. */
    public long lastAccepted(S source) {
        if (keystore != null) {
            return keystore.replayMark(keyOf.apply(source), nameOf.apply(source));
        }
        Long previous = last.get(source);
        return previous == null ? -1 : previous;
    }

    /**
     * Forgets one source (for example when its key is deleted). A durable guard has nothing to forget: the keystore
     * drops a key's marks with the key.
     */
    public void forget(S source) {
        last.remove(source);
    }

    /** Forgets every source (for example when the key changes); nothing for a durable guard, see {@link #forget}. */
    public void clear() {
        last.clear();
    }

    /** How many sources are tracked in memory (0 for a durable guard, whose marks are the keystore's). */
    public int size() {
        return last.size();
    }
}
