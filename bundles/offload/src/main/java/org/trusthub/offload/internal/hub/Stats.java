package org.trusthub.offload.internal.hub;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.OffloadStatistics;
import org.trusthub.api.offload.Refusal;

/** Counts refusals by reason and what was handed out by kind. */
public final class Stats implements OffloadStatistics {
    private final Map<Refusal, AtomicLong> refusals = new EnumMap<>(Refusal.class);
    private final Map<String, AtomicLong> issued = new ConcurrentHashMap<>();

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

    public void issued(String kind) {
        issued.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
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
