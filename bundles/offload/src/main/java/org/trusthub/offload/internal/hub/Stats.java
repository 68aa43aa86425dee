package org.trusthub.offload.internal.hub;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.OffloadStatistics;
import org.trusthub.api.offload.Refusal;

/** Counts refusals by reason, what was handed out by kind and the hub's own housekeeping by kind. */
public final class Stats implements OffloadStatistics {
    private final Map<Refusal, AtomicLong> refusals = new EnumMap<>(Refusal.class);
    private final Map<String, AtomicLong> issued = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> housekeeping = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> notGranted = new ConcurrentHashMap<>();

    public Stats() {
        for (Refusal r : Refusal.values()) {
            refusals.put(r, new AtomicLong());
        }
    }

    /** Counts the refusal and hands it back for throwing. */
    public OffloadException refused(OffloadException e) {
        refusals.get(e.refusal()).incrementAndGet();
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
