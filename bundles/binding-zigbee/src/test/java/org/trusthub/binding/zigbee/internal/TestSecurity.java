package org.trusthub.binding.zigbee.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.network.zigbee.internal.ApsSecurityProvider;
import org.trusthub.security.network.zigbee.internal.NwkSecurityProvider;

/**
 * The security services a bridge works with in a test: real NWK and APS providers over the test's keystore, a policy
 * whose inbound requirement per thing the test sets (none by default), and a refusal count; the providers report to
 * the same count, as in OSGi.
 */
final class TestSecurity {

    final Refusals refusals = new Refusals();
    final Policy policy = new Policy();
    final NwkSecurityProvider nwk;
    final ApsSecurityProvider aps;
    final SecurityServices services;

    TestSecurity(ThingKeyStore keystore) {
        this(new NwkSecurityProvider(keystore), new ApsSecurityProvider(keystore));
    }

    TestSecurity(NwkSecurityProvider nwk, ApsSecurityProvider aps) {
        this.nwk = nwk;
        this.aps = aps;
        nwk.bindRefusals(refusals);
        aps.bindRefusals(refusals);
        services = SecurityServices.of(nwk, aps, policy, refusals);
    }

    /** A policy with an inbound and an outbound requirement per thing; everything else is refused or none. */
    static final class Policy implements SecurityPolicy {
        final Map<ThingId, Protection> inbound = new ConcurrentHashMap<>();
        final Map<ThingId, Protection> outbound = new ConcurrentHashMap<>();

        @Override
        public Protection inbound(ThingId thing, String protocol) {
            return "zigbee".equals(protocol) ? inbound.getOrDefault(thing, Protection.NONE) : Protection.NONE;
        }

        @Override
        public Protection outbound(ThingId thing, String protocol) {
            return "zigbee".equals(protocol) ? outbound.getOrDefault(thing, Protection.NONE) : Protection.NONE;
        }

        @Override
        public boolean mayRead(ThingId caller, ThingId target, String property) {
            return false;
        }

        @Override
        public boolean mayWrite(ThingId caller, ThingId target, String property) {
            return false;
        }

        @Override
        public boolean mayRequestToken(ThingId client, ThingId audience, Set<String> scopes) {
            return false;
        }

        @Override
        public boolean mayPair(ThingId thing, ThingId peer) {
            return false;
        }
    }

    /** Counts per thing, layer, mechanism and reason, as the hub's refusal service does. */
    static final class Refusals implements SecurityRefusals {
        private record Key(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
        }

        private final Map<Key, AtomicLong> counts = new ConcurrentHashMap<>();

        @Override
        public void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
            counts.computeIfAbsent(new Key(thing, layer, mechanism, reason), k -> new AtomicLong()).incrementAndGet();
        }

        /** How many refusals of one mechanism and reason, whatever the thing. */
        long count(String mechanism, RefusalReason reason) {
            return counts.entrySet().stream()
                    .filter(e -> e.getKey().mechanism().equals(mechanism) && e.getKey().reason() == reason)
                    .mapToLong(e -> e.getValue().get()).sum();
        }

        @Override
        public List<RefusalCount> counts() {
            List<RefusalCount> out = new ArrayList<>();
            counts.forEach((k, v) -> out.add(new RefusalCount(k.thing(), k.layer(), k.mechanism(), k.reason(),
                    v.get(), Instant.EPOCH)));
            return out;
        }

        @Override
        public List<RefusalCount> counts(ThingId thing) {
            return counts().stream().filter(c -> c.thing().equals(Optional.of(thing))).toList();
        }

        @Override
        public void clear(ThingId thing) {
            counts.keySet().removeIf(k -> k.thing().equals(Optional.of(thing)));
        }
    }
}
