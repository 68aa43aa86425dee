package org.trusthub.offload.wire;

/**
 * A sliding replay window of 64 sequence numbers (as OSCORE and IPsec keep): constant memory, accepts each number
 * once, refuses numbers older than the window. Not thread-safe; callers synchronise.
 */
public final class ReplayWindow {
    private static final int SIZE = 64;
    private long highest = -1;
    private long seen;

    /** Whether {@code seq} would be accepted now. */
    public boolean fresh(long seq) {
        if (seq < 0) {
            return false;
        }
        if (seq > highest) {
            return true;
        }
        long age = highest - seq;
        return age < SIZE && (seen & (1L << age)) == 0;
    }

    /**
     * Refuses every number up to and including {@code mark} from now on (a restarted hub's recorded high-water mark:
     * it does not know which of them were used).
     */
    public void refuseUpTo(long mark) {
        if (mark > highest) {
            highest = mark;
            seen = -1L;
        }
    }

    /** The highest number accepted or refused up to, -1 for none. */
    public long highest() {
        return highest;
    }

    /** Records {@code seq}; call only after {@link #fresh} said yes and the message checked out. */
    public void accept(long seq) {
        if (seq > highest) {
            long shift = highest < 0 ? SIZE : seq - highest;
            seen = shift >= SIZE ? 0 : seen << shift;
            highest = seq;
            seen |= 1;
        } else {
            seen |= 1L << (highest - seq);
        }
    }
}
