package org.trusthub.binding.dpws.internal;

import java.time.Duration;

/**
 * Lets a log line that a remote party can cause through at most once per interval, and counts what it held back,
 * so a flood of packets cannot flood the log.
 */
final class LogLimit {

    private final long intervalNanos;
    private long last;
    private long held;
    private boolean first = true;

    LogLimit(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** -1 when the line is to be held back now; otherwise how many were held back since the last one logged. */
    synchronized long due() {
        long now = System.nanoTime();
        if (!first && now - last < intervalNanos) {
            held++;
            return -1;
        }
        first = false;
        last = now;
        long n = held;
        held = 0;
        return n;
    }
}
