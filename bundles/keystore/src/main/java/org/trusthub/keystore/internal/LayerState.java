package org.trusthub.keystore.internal;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.trusthub.api.keystore.DerivedKey;

/** One generation of one layer of a thing: its counters, replay marks and stored keys. */
final class LayerState {
    final int generation;
    final Instant created;
    volatile Instant lastUsed;
    final Set<String> mechanisms = ConcurrentHashMap.newKeySet();
    final Map<String, NonceCounters.Counter> counters = new ConcurrentHashMap<>();
    // Incoming replay marks by mechanism, then by name (the source).
    final Map<String, Map<String, ReplayMarkTable.Mark>> marks = new ConcurrentHashMap<>();
    // Keys kept with storeKey, by mechanism; changed under the write lock.
    final Map<String, byte[]> stored = new ConcurrentHashMap<>();
    // Derived keys already checked by nextCounter(DerivedKey), by mechanism and length, so the check costs a
    // comparison rather than an HKDF per draw.
    private final Map<CacheKey, byte[]> derivedCache = new ConcurrentHashMap<>();

    LayerState(int generation, Instant created, Instant lastUsed, Set<String> mechanisms) {
        this.generation = generation;
        this.created = created;
        this.lastUsed = lastUsed;
        this.mechanisms.addAll(mechanisms);
    }

    /** Whether the key is this generation's stored or derived key for its mechanism. */
    boolean isCurrent(ThingState t, DerivedKey key) {
        byte[] given = key.bytes();
        try {
            byte[] kept = stored.get(key.mechanism());
            if (kept != null && MessageDigest.isEqual(kept, given)) {
                return true;
            }
            byte[] derived = derivedCache.computeIfAbsent(new CacheKey(key.mechanism(), given.length),
                    k -> DerivationProfile.layerKey(t.prk, t.id, key.layer(), key.mechanism(), generation,
                            given.length));
            return MessageDigest.isEqual(derived, given);
        } finally {
            Arrays.fill(given, (byte) 0);
        }
    }

    void wipe() {
        stored.values().forEach(k -> Arrays.fill(k, (byte) 0));
        stored.clear();
        derivedCache.values().forEach(k -> Arrays.fill(k, (byte) 0));
        derivedCache.clear();
    }

    /** A derived key's mechanism and length (a record: no string is built per lookup). */
    private record CacheKey(String mechanism, int length) {
    }
}
