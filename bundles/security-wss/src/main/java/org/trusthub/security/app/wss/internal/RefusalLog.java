package org.trusthub.security.app.wss.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Warnings about refused messages, which anyone on the network can cause: at most one line per reason (the fault
 * code) and interval, the next one saying how many were not logged meanwhile; no stack traces; text from the message
 * cut short and stripped of line breaks, so a flood neither fills the log nor forges lines in it. Thread safe.
 */
final class RefusalLog {

    static final long INTERVAL_NANOS = 10_000_000_000L;
    private static final int MAX_DETAIL = 300;

    private static final class Reason {
        long lastNanos;
        boolean logged;
        long suppressed;
    }

    private final Consumer<String> sink;
    private final LongSupplier nanos;
    private final Map<String, Reason> reasons = new ConcurrentHashMap<>();

    RefusalLog(Consumer<String> sink, LongSupplier nanos) {
        this.sink = sink;
        this.nanos = nanos;
    }

    /**
     * @param reason what kind of refusal: one of a few fixed codes (each gets its own allowance)
     * @param detail the refusal's text
     */
    void refused(String reason, String detail) {
        Reason r = reasons.computeIfAbsent(reason, k -> new Reason());
        long skipped;
        synchronized (r) {
            long now = nanos.getAsLong();
            if (r.logged && now - r.lastNanos < INTERVAL_NANOS) {
                r.suppressed++;
                return;
            }
            r.logged = true;
            r.lastNanos = now;
            skipped = r.suppressed;
            r.suppressed = 0;
        }
        sink.accept(clean(detail) + " [" + reason + "]" + (skipped == 0 ? ""
                : " (" + skipped + " more refused for this reason since the last line)"));
    }

    private static String clean(String text) {
        String t = text == null ? "" : text.replaceAll("\\p{Cntrl}", " ");
        return t.length() <= MAX_DETAIL ? t : t.substring(0, MAX_DETAIL) + "...";
    }
}
