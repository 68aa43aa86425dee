package org.trusthub.api.log;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Decides which of many alike log lines get written: at most {@code perWindow} lines per reason in each window, and
 * the next line written for a reason says how many were left out. Meant for lines that an unauthenticated packet or
 * request can cause, so that a flood of such packets cannot flood the log or push history out of the rolling files.
 *
 * <p>A reason is a short text from the caller's own vocabulary (for example {@code "malformed ClientHello"} or a
 * reason plus an enrolled thing's id), never text an attacker chooses. Past {@value #MAX_REASONS} distinct reasons
 * the rest share one bucket, so memory stays bounded whatever the callers pass; and all reasons together get at most
 * {@value #TOTAL_FACTOR} times {@code perWindow} lines a window, so many reasons cannot add up to a flood either
 * (a line left out for that is counted like any other).
 *
 * <pre>{@code
 * limiter.admit("malformed ClientHello").ifPresent(left ->
 *         LOG.warn("malformed ClientHello from {} dropped ({} more left out)", peer, left));
 * }</pre>
 */
public final class LogLimiter {
    /** Distinct reasons tracked one by one; further reasons share one bucket. */
    public static final int MAX_REASONS = 1024;
    /** All reasons together write at most this many times {@code perWindow} lines a window. */
    public static final int TOTAL_FACTOR = 16;
    private static final String OTHER = "\u0000other";

    private final long windowNanos;
    private final int perWindow;
    private final LongSupplier nanoTime;
    private final int totalPerWindow;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private long windowStart;
    private int writtenInWindow;

    /**
     * @param window length of a window
     * @param perWindow lines per reason written in one window
     */
    public LogLimiter(Duration window, int perWindow) {
        this(window, perWindow, System::nanoTime);
    }

    /** As {@link #LogLimiter(Duration, int)}, with the clock given (monotonic nanoseconds), for tests. */
    public LogLimiter(Duration window, int perWindow, LongSupplier nanoTime) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, not " + window);
        }
        if (perWindow < 1) {
            throw new IllegalArgumentException("perWindow must be positive, not " + perWindow);
        }
        this.windowNanos = window.toNanos();
        this.perWindow = perWindow;
        this.totalPerWindow = (int) Math.min(Integer.MAX_VALUE, (long) perWindow * TOTAL_FACTOR);
        this.nanoTime = nanoTime;
        this.windowStart = nanoTime.getAsLong();
    }

    /**
     * Whether to write a line for this reason now.
     *
     * @return empty when the line is to be left out; otherwise how many lines of this reason were left out since the
     *         last one written
     */
    public synchronized OptionalLong admit(String reason) {
        long now = nanoTime.getAsLong();
        if (now - windowStart >= windowNanos) {
            windowStart = now;
            writtenInWindow = 0;
        }
        Bucket bucket = buckets.get(reason);
        if (bucket == null) {
            bucket = buckets.computeIfAbsent(buckets.size() < MAX_REASONS ? reason : OTHER, k -> new Bucket(now));
        }
        if (!bucket.mayWrite(now) || writtenInWindow >= totalPerWindow) {
            bucket.leftOut++;
            return OptionalLong.empty();
        }
        writtenInWindow++;
        return OptionalLong.of(bucket.written());
    }

    /** Guarded by the limiter. */
    private final class Bucket {
        private long windowStart;
        private int written;
        private long leftOut;

        Bucket(long now) {
            windowStart = now;
        }

        boolean mayWrite(long now) {
            if (now - windowStart >= windowNanos) {
                windowStart = now;
                written = 0;
            }
            return written < perWindow;
        }

        /** A line is written: how many were left out before it. */
        long written() {
            written++;
            long n = leftOut;
            leftOut = 0;
            return n;
        }
    }
}
