package org.trusthub.binding.dpws.internal;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per source address: how many discovery replies (ProbeMatches, ResolveMatches) the device host
 * still sends to it. A Probe is answered in full when the source has any budget left, and the whole answer is
 * charged, so the budget may go into debt: one source (or one spoofed victim) gets about {@code perMinute}
 * replies a minute however fast it asks, and a legitimate prober always gets a complete answer.
 *
 * <p>The table is bounded: when it is full, the source that asked least recently gives way (its debt is forgotten).
 * Refusing new sources instead would let anyone who spoofs {@link #MAX_SOURCES} addresses stop discovery for
 * everyone. Forgetting a victim's debt takes that many other sources asking after it, each of which is charged, and
 * what the host sends in all is bounded by {@link DiscoveryReplies}.
 */
final class SourceBudget {

    static final int MAX_SOURCES = 4096;

    private final double perNano;
    private final double capacity;
    private final LongSupplier clock;
    // Access order: the eldest entry is the source that asked least recently.
    private final Map<InetAddress, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }

    SourceBudget(int perMinute, LongSupplier nanoClock) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("the reply budget must be at least 1 per minute, not " + perMinute);
        }
        this.capacity = perMinute;
        this.perNano = perMinute / 60e9;
        this.clock = nanoClock;
    }

    SourceBudget(int perMinute) {
        this(perMinute, System::nanoTime);
    }

    /** Charges {@code cost} replies to the source when it has budget left; false when it has none. */
    synchronized boolean charge(InetAddress source, int cost) {
        long now = clock.getAsLong();
        Bucket b = buckets.get(source);
        if (b == null) {
            b = new Bucket(capacity, now);
            buckets.put(source, b);
        }
        refill(b, now);
        if (b.tokens <= 0) {
            return false;
        }
        b.tokens -= cost;
        return true;
    }

    private void refill(Bucket b, long now) {
        b.tokens = Math.min(capacity, b.tokens + (now - b.updated) * perNano);
        b.updated = now;
    }
}
