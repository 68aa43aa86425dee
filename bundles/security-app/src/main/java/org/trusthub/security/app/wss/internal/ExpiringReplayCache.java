package org.trusthub.security.app.wss.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.wss4j.common.cache.ReplayCache;

/**
 * A replay cache that forgets an entry once the message it came from has expired anyway (its timestamp TTL plus the
 * allowed clock skew). WSS4J accepts replays unless caches are set, so one instance each guards timestamps, nonces and
 * signature values.
 */
final class ExpiringReplayCache implements ReplayCache {

    /** Entries kept at most; above this, expired ones are swept before each insertion. */
    private static final int SWEEP_ABOVE = 4096;

    private final Map<String, Instant> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration defaultLifetime;
    private final String name;

    ExpiringReplayCache(String name, Clock clock, Duration defaultLifetime) {
        this.name = name;
        this.clock = clock;
        this.defaultLifetime = defaultLifetime;
    }

    String name() {
        return name;
    }

    @Override
    public void add(String identifier) {
        add(identifier, clock.instant().plus(defaultLifetime));
    }

    @Override
    public void add(String identifier, Instant expiry) {
        if (entries.size() > SWEEP_ABOVE) {
            sweep();
        }
        Instant latest = clock.instant().plus(defaultLifetime);
        entries.merge(identifier, expiry == null || expiry.isBefore(latest) ? latest : expiry,
                (a, b) -> a.isAfter(b) ? a : b);
    }

    @Override
    public boolean contains(String identifier) {
        Instant expiry = entries.get(identifier);
        return expiry != null && expiry.isAfter(clock.instant());
    }

    /**
     * Records an identifier unless present: the atomic check-and-add every message passes through.
     *
     * @return whether it was new
     */
    boolean addIfAbsent(String identifier) {
        if (entries.size() > SWEEP_ABOVE) {
            sweep();
        }
        Instant now = clock.instant();
        Instant expiry = now.plus(defaultLifetime);
        boolean[] fresh = {false};
        entries.compute(identifier, (k, old) -> {
            if (old != null && old.isAfter(now)) {
                return old;
            }
            fresh[0] = true;
            return expiry;
        });
        return fresh[0];
    }

    int size() {
        return entries.size();
    }

    private void sweep() {
        Instant now = clock.instant();
        for (Iterator<Instant> it = entries.values().iterator(); it.hasNext();) {
            if (!it.next().isAfter(now)) {
                it.remove();
            }
        }
    }

    @Override
    public void close() {
        entries.clear();
    }
}
