package org.trusthub.security.link.ccm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-source incoming frame counters: a frame is accepted only if its counter is higher than the last one accepted
 * from the same source under the same key. The check and the commit are separate so a frame whose MIC fails cannot
 * move the counter (else a forger could lock a device out by sending a huge counter).
 *
 * @param <S> what identifies a source under one key (an extended address, a key and address pair, ...)
 */
public final class FrameCounterGuard<S> {

    /** The largest counter a 32-bit frame counter field accepts; 0xFFFFFFFF means the sender's counter wrapped. */
    public static final long MAX_COUNTER = 0xFFFFFFFEL;

    private final Map<S, Long> last = new ConcurrentHashMap<>();

    /** What a check found. */
    public enum Verdict {
        /** The counter is fresh. */
        FRESH,
        /** The counter is not higher than the last one accepted from this source. */
        REPLAYED,
        /** The counter is 0xFFFFFFFF (the sender's counter is exhausted) or out of the 32-bit range. */
        WRAPPED
    }

    /** Whether a counter from a source would be accepted; changes nothing. */
    public Verdict check(S source, long counter) {
        if (counter < 0 || counter > MAX_COUNTER) {
            return Verdict.WRAPPED;
        }
        Long previous = last.get(source);
        return previous != null && counter <= previous ? Verdict.REPLAYED : Verdict.FRESH;
    }

    /**
     * Records a counter after the frame it came with has been authenticated.
     *
     * @return false if, meanwhile, an equal or higher counter was accepted (a concurrent replay): refuse the frame
     */
    public boolean commit(S source, long counter) {
        if (check(source, counter) != Verdict.FRESH) {
            return false;
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
        Long previous = last.get(source);
        return previous == null ? -1 : previous;
    }

    /** Forgets one source (for example when its key is deleted). */
    public void forget(S source) {
        last.remove(source);
    }

    /** Forgets every source (for example when the key changes). */
    public void clear() {
        last.clear();
    }

    /** How many sources are tracked. */
    public int size() {
        return last.size();
    }
}
