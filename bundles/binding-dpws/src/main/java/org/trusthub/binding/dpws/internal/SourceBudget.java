package org.trusthub.binding.dpws.internal;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per source address: how many discovery replies (ProbeMatches, ResolveMatches) the device host
 * still sends to it. A Probe is answered in full when the source has any budget left, and the whole answer is
 * charged, so the budget may go into debt: one source (or one spoofed victim) gets about {@code perMinute}
 * replies a minute however fast it asks, and a legitimate prober always gets a complete answer.
 *
 * <p>The table is bounded: a source whose bucket has filled up again holds no state worth keeping and gives way;
 * when every entry is still in use, new sources are not answered (failing closed rather than forgetting debts).
 */
final class SourceBudget {

    static final int MAX_SOURCES = 4096;

    private final double perNano;
    private final double capacity;
    private final LongSupplier clock;
    private final Map<InetAddress, Bucket> buckets = new HashMap<>();

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
            if (buckets.size() >= MAX_SOURCES && !reclaim(now)) {
                return false;
            }
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

    // A sweep that freed nothing is not repeated for a second, so a flood of new sources costs no sweep per datagram.
    private long nextSweep = Long.MIN_VALUE;

    private boolean reclaim(long now) {
        if (nextSweep != Long.MIN_VALUE && now - nextSweep < 0) {
            return false;
        }
        boolean freed = false;
        for (Iterator<Bucket> i = buckets.values().iterator(); i.hasNext();) {
            Bucket b = i.next();
            refill(b, now);
            if (b.tokens >= capacity) {
                i.remove();
                freed = true;
            }
        }
        nextSweep = freed ? Long.MIN_VALUE : now + 1_000_000_000L;
        return freed;
    }
}
