package org.trusthub.demo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.osgi.service.component.ComponentConstants;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.IllegalTransitionException;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.api.thing.UnknownThingException;

/** The demo's things go through the hub's lifecycle, and only the demo's own things go out of it again. */
class DemoThingsTest {

    /** A registry that keeps states and applies the lifecycle's transitions, and remembers the secrets it got. */
    static final class Registry implements ThingRegistry {
        final Map<ThingId, Thing> things = new TreeMap<>();
        final List<RootCredential> credentials = new ArrayList<>();

        @Override
        public Thing enroll(ThingId id, String owner, RootCredential root) {
            credentials.add(root);
            return put(new Thing(id, LifecycleState.MANUFACTURED, owner, Instant.EPOCH, Instant.EPOCH, 0));
        }

        @Override
        public Optional<Thing> find(ThingId id) {
            return Optional.ofNullable(things.get(id));
        }

        @Override
        public Thing get(ThingId id) {
            return find(id).orElseThrow(() -> new UnknownThingException(id));
        }

        @Override
        public List<Thing> list() {
            return List.copyOf(things.values());
        }

        @Override
        public Thing transition(ThingId id, Transition t) {
            Thing before = get(id);
            if (!t.isAllowedFrom(before.state())) {
                throw new IllegalTransitionException(id, before.state(), t, null);
            }
            return put(new Thing(id, t.target(), before.owner(), before.enrolled(), Instant.EPOCH,
                    before.commissionCount()));
        }

        @Override
        public Thing recommission(ThingId id, String owner, RootCredential root) {
            credentials.add(root);
            Thing before = get(id);
            return put(new Thing(id, LifecycleState.BOOTSTRAPPING, owner, before.enrolled(), Instant.EPOCH,
                    before.commissionCount() + 1));
        }

        private Thing put(Thing t) {
            things.put(t.id(), t);
            return t;
        }
    }

    final Registry registry = new Registry();
    final ThingId thing = DemoThings.COAP_THERMOSTAT;

    @Test
    void aNewThingIsEnrolledWithAFreshSecretAndTakenToOperational() {
        Thing t = DemoThings.commission(registry, thing, new SecureRandom());
        assertEquals(LifecycleState.OPERATIONAL, t.state());
        assertEquals("SIMULATED-demo", t.owner());
        RootCredential.Secret root = (RootCredential.Secret) registry.credentials.get(0);
        assertTrue(root.isDestroyed(), "the demo keeps no copy of the secret");
    }

    @Test
    void aThingAnEarlierDemoDecommissionedIsRecommissionedWithANewSecret() {
        DemoThings.commission(registry, thing, new SecureRandom());
        assertEquals(1, DemoThings.decommissionAll(registry));
        assertEquals(LifecycleState.DECOMMISSIONED, registry.get(thing).state());
        Thing again = DemoThings.commission(registry, thing, new SecureRandom());
        assertEquals(LifecycleState.OPERATIONAL, again.state());
        assertEquals(1, again.commissionCount());
        assertEquals(2, registry.credentials.size());
        assertNotEquals(registry.credentials.get(0), registry.credentials.get(1));
    }

    @Test
    void anotherOwnersThingIsNeitherTakenNorDecommissioned() {
        registry.enroll(thing, "alice", RootCredential.secret(new byte[32]));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DemoThings.commission(registry, thing, new SecureRandom()));
        assertTrue(e.getMessage().contains("belongs to alice"), e.getMessage());
        assertEquals(0, DemoThings.decommissionAll(registry));
        assertEquals(LifecycleState.MANUFACTURED, registry.get(thing).state());
    }

    @Test
    void theScanShowsTheSimulatedSensorsAddress() {
        String scan = """
                Scanning for Bluetooth LE devices (Ctrl-C to cancel)
                [SIMULATED adapter] Bluetooth LE scan: 2 found
                Address           | Kind    | Name                     | RSSI | Thing
                -------------------------------------------------------------------
                4A:11:22:33:44:55 | private | sim-thermo-1 (SIMULATED) | -40  | -
                """;
        assertEquals("4A:11:22:33:44:55", DemoThings.scannedAddress(scan, "sim-thermo-1"));
        assertThrows(IllegalStateException.class, () -> DemoThings.scannedAddress(scan, "sim-thermo-2"));
    }

    @Test
    void everyTickChangesEveryReading() {
        Readings r = new Readings();
        for (long tick = 0; tick < 100; tick++) {
            assertNotEquals(r.coap(tick), r.coap(tick + 1), "CoAP at tick " + tick);
            assertNotEquals(r.ble(tick), r.ble(tick + 1), "BLE at tick " + tick);
        }
    }

    @Test
    void onlyTheDemoStoppingDecommissionsItsThingsNotAServiceGoingAwayForAMoment() {
        assertTrue(DemoThings.stopsTheDemo(ComponentConstants.DEACTIVATION_REASON_BUNDLE_STOPPED));
        assertTrue(DemoThings.stopsTheDemo(ComponentConstants.DEACTIVATION_REASON_DISABLED));
        assertTrue(DemoThings.stopsTheDemo(ComponentConstants.DEACTIVATION_REASON_DISPOSED));
        assertFalse(DemoThings.stopsTheDemo(ComponentConstants.DEACTIVATION_REASON_REFERENCE));
        assertFalse(DemoThings.stopsTheDemo(ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_MODIFIED));
    }
}
