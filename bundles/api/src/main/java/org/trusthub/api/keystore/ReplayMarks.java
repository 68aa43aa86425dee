package org.trusthub.api.keystore;

import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * Names of replay marks ({@link KeyCounters#advanceReplayMark}): one mark per source of incoming frames under one
 * key, such as {@code from-00124b0000000a01} for the sender with that IEEE address. 1 to {@value #MAX_NAME_LENGTH}
 * characters of lower-case letters, digits, {@code . _ : -}, starting with a letter or digit.
 *
 * <p>{@link Guard} is the one decision a receiver that keeps a replay window of its own takes with the mark.
 *
 * @since 1.2
 */
public final class ReplayMarks {

    /** Longest accepted name, in characters. */
    public static final int MAX_NAME_LENGTH = 64;


    private ReplayMarks() {
    }

    /**
     * Returns the name when it is well formed.
     *
     * @throws IllegalArgumentException naming what is wrong otherwise (the name itself is not repeated)
     */
    public static String checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("malformed replay mark name: it is missing");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("malformed replay mark name: it is empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("malformed replay mark name: " + name.length()
                    + " characters, at most " + MAX_NAME_LENGTH + " allowed");
        }
        if (!wellFormed(name)) {
            throw new IllegalArgumentException("malformed replay mark name: only lower-case letters, digits,"
                    + " '.', '_', ':' and '-' are allowed, starting with a letter or digit");
        }
        return name;
    }

    // [a-z0-9][a-z0-9._:-]*, by hand: it is checked for every incoming frame, and a regex costs more than the rest
    private static boolean wellFormed(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alnum = c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!alnum && (i == 0 || c != '.' && c != '_' && c != ':' && c != '-')) {
                return false;
            }
        }
        return true;
    }

    /** The conventional name of the mark of a sender known by a 64-bit (IEEE EUI-64) address. */
    public static String fromAddress(long address) {
        return String.format("from-%016x", address);
    }

    /**
     * The durable side of one receiver's replay window over a keystore mark ({@link KeyCounters#replayMark},
     * {@link KeyCounters#advanceReplayMark}), and the one decision every such receiver (an OSCORE recipient context,
     * offload's request window) takes with the mark once its window found a counter fresh.
     *
     * <p>Two receivers can hold windows over the same mark at once: a context dropped and reopened while a request is
     * in flight on the old one, or a provider bundle updated while the old one still answers. Each window knows only
     * what it took itself, so a counter the other took looks fresh to it. The guard refuses such a counter:
     * <ul>
     * <li>at or below its floor (the mark when the window started, or a higher mark another receiver set since);</li>
     * <li>above the mark when the mark does not advance ({@code advanceReplayMark} returned {@code false}: another
     * receiver took it meanwhile);</li>
     * <li>below a mark another receiver moved: the guard then raises its floor to that mark, as a restart would.</li>
     * </ul>
     * A counter at or below the mark this receiver set itself is left to its window (an out-of-order counter it has
     * not seen, RFC 8613 7.4). Not thread-safe: use it under the lock of the window it guards.
     *
     * @since 1.5
     */
    public static final class Guard {
        private long floor;
        /** The mark as this receiver last left it. */
        private long own;

        /** A guard over a window started at {@code mark} (the keystore's mark then; -1 for none). */
        public Guard(long mark) {
            this.floor = mark;
            this.own = mark;
        }

        /** Every counter at or below this is refused: checkable before a frame is authenticated. */
        public long floor() {
            return floor;
        }

        /**
         * Whether {@link #accept} would refuse {@code counter} with the mark at {@code mark}, changing nothing: the
         * check before a frame is authenticated, so a replay is answered as one without the cost of verifying it.
         */
        public boolean refuses(long counter, long mark) {
            return counter <= floor || mark > own && counter <= mark;
        }

        /**
         * Decides whether an authenticated counter its window found fresh is accepted, moving the keystore's mark
         * when it is above it (before the window takes it, so the mark is durable first).
         *
         * @param mark reads the keystore's current mark of this source and key
         * @param advance moves it ({@link KeyCounters#advanceReplayMark}); its exceptions pass through, with nothing
         *        accepted
         * @return {@code false} for a replay: the caller refuses the frame and its window does not take it
         */
        public boolean accept(long counter, LongSupplier mark, LongPredicate advance) {
            if (counter <= floor) {
                return false;
            }
            long now = mark.getAsLong();
            if (now > own) {
                // Another receiver moved the mark: what it took at or below is unknown here.
                floor = now;
                own = now;
                if (counter <= floor) {
                    return false;
                }
            }
            if (counter > now) {
                if (!advance.test(counter)) {
                    return false;
                }
                own = counter;
            }
            return true;
        }
    }
}
