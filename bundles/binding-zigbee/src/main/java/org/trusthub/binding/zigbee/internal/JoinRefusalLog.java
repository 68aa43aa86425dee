package org.trusthub.binding.zigbee.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets through one log line per reason per interval, and says how many were held back since the last one: any device
 * in radio range can make a dongle report join attempts. The refusal counters count every one.
 */
final class JoinRefusalLog {

    private static final class Window {
        volatile long nextMillis;
        final AtomicLong held = new AtomicLong();
    }

    private final long intervalMillis;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    JoinRefusalLog(long intervalMillis, LongSupplier clock) {
        this.intervalMillis = intervalMillis;
        this.clock = clock;
    }

    /** -1 when this line is held back; otherwise how many lines of this reason were held back before it. */
    long admit(String reason) {
        Window w = windows.computeIfAbsent(reason, r -> new Window());
        long now = clock.getAsLong();
        synchronized (w) {
            if (now < w.nextMillis) {
                w.held.incrementAndGet();
                return -1;
            }
            w.nextMillis = now + intervalMillis;
            return w.held.getAndSet(0);
        }
    }
}
