package org.trusthub.security.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;

/** Refusals are counted per thing, layer, mechanism and reason, in bounded memory. */
class RefusalLedgerTest {
    static final ThingId LAMP = ThingId.of("lamp-1");
    static final ThingId SENSOR = ThingId.of("sensor-1");
    static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

    /** A registry that knows these things (and every id starting with "known-"). */
    static ThingRegistry registry(ThingId... known) {
        Set<ThingId> things = Set.of(known);
        return (ThingRegistry) Proxy.newProxyInstance(ThingRegistry.class.getClassLoader(),
                new Class<?>[] {ThingRegistry.class}, (p, m, args) -> {
                    if (m.getName().equals("find")) {
                        ThingId id = (ThingId) args[0];
                        return things.contains(id) || id.value().startsWith("known-")
                                ? Optional.of(new Thing(id, LifecycleState.OPERATIONAL, "owner", T, T, 0))
                                : Optional.empty();
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    static RefusalLedger ledger(ThingRegistry registry) {
        RefusalLedger l = new RefusalLedger(Clock.fixed(T, ZoneOffset.UTC));
        l.registry = registry;
        return l;
    }

    @Test
    void countsPerThingLayerMechanismAndReason() {
        RefusalLedger l = ledger(registry(LAMP, SENSOR));
        l.refused(Optional.of(SENSOR), Layer.TRANSPORT, "dtls-psk", RefusalReason.FORGED);
        l.refused(Optional.of(LAMP), Layer.APPLICATION, "oscore", RefusalReason.REPLAY);
        l.refused(Optional.of(LAMP), Layer.APPLICATION, "oscore", RefusalReason.REPLAY);
        l.refused(Optional.of(LAMP), Layer.APPLICATION, "oscore", RefusalReason.POLICY);
        l.refused(Optional.empty(), Layer.TRANSPORT, "dtls-psk", RefusalReason.UNKNOWN_KEY);
        assertEquals(List.of(
                new RefusalCount(Optional.empty(), Layer.TRANSPORT, "dtls-psk", RefusalReason.UNKNOWN_KEY, 1, T),
                new RefusalCount(Optional.of(LAMP), Layer.APPLICATION, "oscore", RefusalReason.REPLAY, 2, T),
                new RefusalCount(Optional.of(LAMP), Layer.APPLICATION, "oscore", RefusalReason.POLICY, 1, T),
                new RefusalCount(Optional.of(SENSOR), Layer.TRANSPORT, "dtls-psk", RefusalReason.FORGED, 1, T)),
                l.counts());
        assertEquals(2, l.counts(LAMP).size());
        assertEquals(List.of(), l.counts(ThingId.of("other")));
    }

    @Test
    void anUnknownThingIsCountedWithoutOne() {
        RefusalLedger l = ledger(registry(LAMP));
        l.refused(Optional.of(ThingId.of("claimed-1")), Layer.LINK, "ieee802154-ccm-star", RefusalReason.FORGED);
        l.refused(Optional.of(ThingId.of("claimed-2")), Layer.LINK, "ieee802154-ccm-star", RefusalReason.FORGED);
        assertEquals(List.of(new RefusalCount(Optional.empty(), Layer.LINK, "ieee802154-ccm-star",
                RefusalReason.FORGED, 2, T)), l.counts());
    }

    @Test
    void withoutARegistryNoThingIsKept() {
        RefusalLedger l = ledger(null);
        l.refused(Optional.of(LAMP), Layer.LINK, "ble-link", RefusalReason.REPLAY);
        assertEquals(Optional.empty(), l.counts().get(0).thing());
    }

    @Test
    void pastTheLimitNewThingsFoldIntoTheThinglessEntry() {
        RefusalLedger l = ledger(registry());
        for (int i = 0; i < RefusalLedger.MAX_ENTRIES; i++) {
            l.refused(Optional.of(ThingId.of("known-" + i)), Layer.TRANSPORT, "dtls-psk", RefusalReason.FORGED);
        }
        l.refused(Optional.of(ThingId.of("known-x")), Layer.TRANSPORT, "dtls-psk", RefusalReason.FORGED);
        l.refused(Optional.of(ThingId.of("known-y")), Layer.TRANSPORT, "dtls-psk", RefusalReason.FORGED);
        l.refused(Optional.of(ThingId.of("known-0")), Layer.TRANSPORT, "dtls-psk", RefusalReason.FORGED);
        List<RefusalCount> all = l.counts();
        assertEquals(RefusalLedger.MAX_ENTRIES + 1, all.size());
        assertEquals(new RefusalCount(Optional.empty(), Layer.TRANSPORT, "dtls-psk", RefusalReason.FORGED, 2, T),
                all.get(0));
        assertEquals(2, l.counts(ThingId.of("known-0")).get(0).count(), "a kept entry still counts");
        assertEquals(List.of(), l.counts(ThingId.of("known-x")));
    }

    @Test
    void pastTheHardLimitRefusalsAreOnlyAddedUp() {
        RefusalLedger l = ledger(null);
        int mechanisms = RefusalLedger.HARD_LIMIT;
        for (int i = 0; i < mechanisms + 5; i++) {
            l.refused(Optional.empty(), Layer.LINK, "m" + i, RefusalReason.MALFORMED);
        }
        assertEquals(RefusalLedger.HARD_LIMIT, l.counts().size());
        assertEquals(5, l.uncounted());
    }

    @Test
    void clearForgetsOneThing() {
        RefusalLedger l = ledger(registry(LAMP, SENSOR));
        l.refused(Optional.of(LAMP), Layer.APPLICATION, "oscore", RefusalReason.REPLAY);
        l.refused(Optional.of(SENSOR), Layer.APPLICATION, "oscore", RefusalReason.REPLAY);
        l.clear(LAMP);
        assertEquals(List.of(), l.counts(LAMP));
        assertEquals(1, l.counts(SENSOR).size());
    }

    @Test
    void aBadMechanismIsAProgrammingError() {
        RefusalLedger l = ledger(null);
        assertThrows(IllegalArgumentException.class,
                () -> l.refused(Optional.empty(), Layer.LINK, "Bad Name", RefusalReason.FORGED));
        assertThrows(NullPointerException.class, () -> l.refused(Optional.empty(), Layer.LINK, "x", null));
    }

    @Test
    void concurrentRefusalsAreAllCounted() throws Exception {
        RefusalLedger l = ledger(registry(LAMP));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 10_000; i++) {
                    l.refused(Optional.of(LAMP), Layer.TRANSPORT, "dtls-psk", RefusalReason.REPLAY);
                }
            });
        }
        pool.shutdown();
        assertEquals(true, pool.awaitTermination(1, TimeUnit.MINUTES));
        assertEquals(40_000, l.counts(LAMP).get(0).count());
    }
}
