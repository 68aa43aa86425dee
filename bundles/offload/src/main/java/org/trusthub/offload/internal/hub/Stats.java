package org.trusthub.offload.internal.hub;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.OffloadStatistics;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;

/**
 * Counts refusals by reason, what was handed out by kind and the hub's own housekeeping by kind. Every refusal is also
 * reported to the hub's {@link SecurityRefusals} (when one runs) under its {@link Refusal#common() common reason},
 * attributed to the requester once its request authenticated ({@link #serve}, {@link #authenticated}); before that
 * the kid is only a claim, so the refusal is counted without a thing.
 *
 * <p>The detailed counts stay here too: {@code trusthub:offload-stats} and {@link OffloadStatistics} show the offload
 * reasons, which are finer than the common ones.
 */
public final class Stats implements OffloadStatistics {
    /** The mechanism offload's refusals are reported under (and its security provider's name). */
    public static final String MECHANISM = "ace-offload";

    /** One request being served on this thread, and the thing it authenticated as (null until it did). */
    private static final class Request {
        ThingId thing;
    }

    private static final ThreadLocal<Request> CURRENT = new ThreadLocal<>();
    private volatile Supplier<SecurityRefusals> sink = () -> null;
    private final Map<Refusal, AtomicLong> refusals = new EnumMap<>(Refusal.class);
    private final Map<String, AtomicLong> issued = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> housekeeping = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> notGranted = new ConcurrentHashMap<>();

    public Stats() {
        for (Refusal r : Refusal.values()) {
            refusals.put(r, new AtomicLong());
        }
    }

    /** Where refusals are reported besides (read at every refusal; {@code null} while there is none). */
    public void sink(Supplier<SecurityRefusals> sink) {
        this.sink = sink;
    }

    /** Serves one request: what it refuses is attributed to the thing it authenticated as, if it did. */
    public <T> T serve(Supplier<T> request) {
        Request outer = CURRENT.get();
        CURRENT.set(new Request());
        try {
            return request.get();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /** The request being served on this thread authenticated as {@code thing} (its MAC verified). */
    public void authenticated(ThingId thing) {
        Request r = CURRENT.get();
        if (r != null) {
            r.thing = thing;
        }
    }

    /** Counts the refusal, reports it, and hands it back for throwing. */
    public OffloadException refused(OffloadException e) {
        refusals.get(e.refusal()).incrementAndGet();
        SecurityRefusals s = sink.get();
        if (s != null) {
            Request r = CURRENT.get();
            try {
                s.refused(Optional.ofNullable(r == null ? null : r.thing), Layer.APPLICATION, MECHANISM,
                        e.refusal().common());
            } catch (RuntimeException gone) {
                // The service is going away (an update): its count is lost, the refusal and our own count are not.
            }
        }
        return e;
    }

    /** Counts a request the security policy refused, by what it asked for (also a {@link Refusal#POLICY} refusal). */
    public void notGranted(String kind) {
        notGranted.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    /** What {@link #notGranted(String)} counted. */
    public Map<String, Long> notGranted() {
        Map<String, Long> m = new TreeMap<>();
        notGranted.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    public void issued(String kind) {
        issued.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    /**
     * Counts what the hub did to its state on its own, not for a request: state purged for a thing or group (keys
     * revoked or replaced, found so at start, group deleted), epochs restored at start.
     */
    public void housekeeping(String what, long n) {
        if (n > 0) {
            housekeeping.computeIfAbsent(what, k -> new AtomicLong()).addAndGet(n);
        }
    }

    public void housekeeping(String what) {
        housekeeping(what, 1);
    }

    /** What {@link #housekeeping(String, long)} counted. */
    public Map<String, Long> housekeeping() {
        Map<String, Long> m = new TreeMap<>();
        housekeeping.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    @Override
    public Map<Refusal, Long> refusals() {
        Map<Refusal, Long> m = new EnumMap<>(Refusal.class);
        refusals.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    public long refusals(Refusal r) {
        return refusals.get(r).get();
    }

    @Override
    public Map<String, Long> issued() {
        Map<String, Long> m = new TreeMap<>();
        issued.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }
}
