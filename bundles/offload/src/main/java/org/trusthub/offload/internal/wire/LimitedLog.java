package org.trusthub.offload.internal.wire;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;

/**
 * Log lines that a request can cause, rate-limited per reason: at most {@code perWindow} lines per reason and window,
 * then one line saying how many were left out. Reasons are a small fixed set chosen by the caller (never request
 * content), so the map stays small. No stack traces: callers pass messages.
 */
public final class LimitedLog {
    private final Logger log;
    private final Clock clock;
    private final int perWindow;
    private final Duration window;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        Instant start;
        int logged;
        long suppressed;

        Window(Instant start) {
            this.start = start;
        }
    }

    public LimitedLog(Logger log, Clock clock, int perWindow, Duration window) {
        this.log = log;
        this.clock = clock;
        this.perWindow = perWindow;
        this.window = window;
    }

    /** 10 lines per reason and minute. */
    public LimitedLog(Logger log) {
        this(log, Clock.systemUTC(), 10, Duration.ofMinutes(1));
    }

    /** Logs at INFO unless this reason used its share of the window. */
    public void info(String reason, String format, Object... args) {
        if (admit(reason)) {
            log.info(format, args);
        }
    }

    /** Logs at WARN unless this reason used its share of the window. */
    public void warn(String reason, String format, Object... args) {
        if (admit(reason)) {
            log.warn(format, args);
        }
    }

    private boolean admit(String reason) {
        Instant now = clock.instant();
        Window w = windows.computeIfAbsent(reason, r -> new Window(now));
        long left;
        synchronized (w) {
            if (!now.isBefore(w.start.plus(window))) {
                left = w.suppressed;
                w.start = now;
                w.logged = 0;
                w.suppressed = 0;
            } else {
                left = 0;
            }
            if (w.logged >= perWindow) {
                w.suppressed++;
                return false;
            }
            w.logged++;
        }
        if (left > 0) {
            log.info("{} more '{}' lines were left out of the log in the last {} s", left, reason,
                    window.toSeconds());
        }
        return true;
    }
}
