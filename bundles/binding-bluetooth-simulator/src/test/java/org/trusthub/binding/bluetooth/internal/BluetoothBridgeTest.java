package org.trusthub.binding.bluetooth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.bluetooth.internal.BluetoothBridge.Discovered;
import org.trusthub.binding.bluetooth.spi.AttPdu;
import org.trusthub.binding.bluetooth.spi.Gatt;
import org.trusthub.binding.bluetooth.simulator.SimulatedAdapter;
import org.trusthub.binding.bluetooth.simulator.SimulatedLink;
import org.trusthub.binding.bluetooth.simulator.SimulatedPeripheral;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.link.ble.BleLinkSecurity;
import org.trusthub.security.link.ble.BleSecurityException;
import org.trusthub.security.link.ble.BleSecurityException.Reason;
import org.trusthub.security.link.ble.EncryptionStart;
import org.trusthub.security.link.ble.LinkCipher;
import org.trusthub.security.link.ble.internal.BleLinkSecurityProvider;

/**
 * The bridge end to end against the real keystore and thing registry, the real provider and the simulated adapter:
 * pairing, bonds in the keystore, resolvable private addresses, GATT, the lifecycle, restarts and refusals.
 */
class BluetoothBridgeTest {

    static final ThingId THERMO_1 = ThingId.of("ble-c0514d000001");
    static final BleTestSecurity.Refusal REFUSED_REPLAY = new BleTestSecurity.Refusal(Optional.of(THERMO_1),
            Layer.LINK, "ble-ll-aes-ccm", RefusalReason.REPLAY);

    @TempDir
    Path dir;

    FileThingKeyStore keystore;
    ThingRegistryCore registry;
    BleLinkSecurityProvider provider;
    SimulatedAdapter adapter;
    BluetoothBridgeImpl bridge;
    final AtomicReference<BluetoothBridgeImpl> events = new AtomicReference<>();
    final BleTestSecurity.Policy policy = new BleTestSecurity.Policy();
    final BleTestSecurity.Refusals refusals = new BleTestSecurity.Refusals();

    @BeforeEach
    void start() throws Exception {
        open(false);
    }

    void open(boolean allowLegacy) throws Exception {
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"), Clock.systemUTC(),
                FileThingKeyStore.DEFAULT_COUNTER_RESERVATION, e -> { });
        // the lifecycle dispatcher's calls, synchronously here
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, (topic, props) -> BleTestSecurity
                .dispatch(registry, events.get(), provider, topic, props), Clock.systemUTC());
        provider = new BleLinkSecurityProvider(keystore);
        adapter = new SimulatedAdapter(dir.resolve("sim"), 2, 1);
        bridge = new BluetoothBridgeImpl(keystore, registry, adapter, BleTestSecurity.config(allowLegacy), null);
        BleTestSecurity.wire(bridge, provider, policy, refusals);
        events.set(bridge);
    }

    @AfterEach
    void stop() {
        bridge.deactivate();
        registry.close();
        keystore.close();
    }

    void restart(boolean allowLegacy) throws Exception {
        stop();
        open(allowLegacy);
    }

    String advertisedAddress(String name) {
        return bridge.scan().stream().filter(d -> d.advertisement().name().startsWith(name + " "))
                .map(d -> d.advertisement().address().toString()).findFirst().orElseThrow();
    }

    SimulatedPeripheral peripheral(String name) {
        return adapter.peripheral(name).orElseThrow();
    }

    @Test
    void pairingCommissionsTheThingAndKeepsTheBondInTheKeystore() {
        String address = advertisedAddress("sim-thermo-1");
        ThingId thing = bridge.pair(address, "alice");

        assertEquals(THERMO_1, thing);
        assertEquals(LifecycleState.OPERATIONAL, registry.get(thing).state());
        assertTrue(keystore.storedKey(thing, Layer.LINK, BleLinkSecurity.LTK).isPresent());
        assertTrue(keystore.storedKey(thing, Layer.LINK, BleLinkSecurity.IRK).isPresent());
        assertTrue(peripheral("sim-thermo-1").isBonded());
        assertEquals(21.5, bridge.sessions().readTemperature(thing));
        assertEquals(List.of(new BluetoothBridgeImpl.BondInfo(thing, "C0:51:4D:00:00:01", true, true)),
                bridge.bonds());
    }

    @Test
    void aThingLeavingOperationalWhileItsLinkIsMadeKeepsNoLink() {
        ThingId thing = bridge.pair(advertisedAddress("sim-thermo-1"), "alice");
        bridge.release(thing);
        // The lifecycle change lands between the bridge's state check and the new link going into its map.
        bridge.provider = new BleLinkSecurity() {
            @Override
            public org.trusthub.security.link.ble.LinkSession open(ThingId t, LinkCipher.Role role,
                    EncryptionStart start) {
                registry.transition(t, Transition.MAINTAIN);
                return provider.open(t, role, start);
            }

            @Override
            public org.trusthub.security.link.ble.LinkSession openForPairing(byte[] ltk, LinkCipher.Role role,
                    EncryptionStart start) {
                return provider.openForPairing(ltk, role, start);
            }

            @Override
            public void forget(ThingId t) {
                provider.forget(t);
            }
        };
        assertThrows(IllegalStateException.class, () -> bridge.sessions().readTemperature(thing));
        assertFalse(bridge.bonds().get(0).connected(), "no link kept for a thing in maintenance");
        assertEquals(List.of(), provider.sessions(thing), "its session closed with the link");
    }

    @Test
    void aFreshPrivateAddressResolvesToTheBondedThing() {
        String first = advertisedAddress("sim-thermo-1");
        bridge.pair(first, "alice");
        List<Discovered> scan = bridge.scan();
        Discovered again = scan.stream().filter(d -> d.advertisement().name().startsWith("sim-thermo-1 "))
                .findFirst().orElseThrow();
        assertTrue(again.advertisement().address().isResolvablePrivate());
        assertNotEquals(first, again.advertisement().address().toString());
        assertEquals(THERMO_1, again.thing().orElseThrow());
        // the other sensor is not bonded and stays unknown
        assertTrue(scan.stream().filter(d -> d.advertisement().name().startsWith("sim-thermo-2 ")).findFirst()
                .orElseThrow().thing().isEmpty());
    }

    @Test
    void gattWriteAndNotificationsReachTheHubModel() {
        ThingId thing = bridge.pair(advertisedAddress("sim-thermo-1"), "alice");
        bridge.sessions().writeInterval(thing, 30);
        assertEquals(30, peripheral("sim-thermo-1").interval());
        bridge.sessions().subscribe(thing);
        peripheral("sim-thermo-1").setTemperature(23.25);
        assertEquals(23.25, bridge.properties().lastTemperature(thing).orElseThrow());
        peripheral("sim-thermo-1").setTemperature(-4.5);
        assertEquals(-4.5, bridge.properties().lastTemperature(thing).orElseThrow());
    }

    @Test
    void legacyPairingIsRefusedUnlessConfigurationAllowsIt() throws Exception {
        String legacy = advertisedAddress("sim-legacy-thermo-3");
        BleSecurityException e = assertThrows(BleSecurityException.class, () -> bridge.pair(legacy, "alice"));
        assertEquals(Reason.LEGACY_REFUSED, e.reason());
        assertTrue(e.getMessage().contains("allowLegacyPairing is false"), e.getMessage());
        assertTrue(registry.list().isEmpty());
        assertTrue(keystore.things().isEmpty());
        assertFalse(peripheral("sim-legacy-thermo-3").isBonded());
        assertEquals(List.of(new BleTestSecurity.Refusal(Optional.empty(), Layer.LINK, "bluetooth",
                RefusalReason.POLICY)), refusals.seen);

        restart(true);
        ThingId thing = bridge.pair(advertisedAddress("sim-legacy-thermo-3"), "alice");
        assertEquals(ThingId.of("ble-c0514d000003"), thing);
        assertEquals(21.5, bridge.sessions().readTemperature(thing));
    }

    @Test
    void aLegacyBondIsItsOwnMechanismClaimsNoProtectionAndAnyProtectRuleRefusesIt() throws Exception {
        restart(true);
        ThingId legacy = bridge.pair(advertisedAddress("sim-legacy-thermo-3"), "alice");
        ThingId lesc = bridge.pair(advertisedAddress("sim-thermo-1"), "alice");
        assertEquals(21.5, bridge.properties().read(legacy));
        assertEquals(21.5, bridge.properties().read(lesc));
        assertEquals(List.of("ble-legacy none"), provider.sessions(legacy).stream()
                .map(a -> a.mechanism() + " " + a.protection()).toList(), "the status tells it apart");
        assertEquals(List.of("ble-lesc confidentiality"), provider.sessions(lesc).stream()
                .map(a -> a.mechanism() + " " + a.protection()).toList());

        policy.inbound = Protection.integrity();
        BleSecurityException e = assertThrows(BleSecurityException.class, () -> bridge.properties().read(legacy));
        assertEquals(Reason.POLICY, e.reason());
        assertTrue(e.getMessage().contains("gives none (ble-legacy)"), e.getMessage());
        assertEquals(21.5, bridge.properties().read(lesc), "LE Secure Connections meets it");

        restart(true);
        policy.inbound = Protection.NONE;
        assertEquals(21.5, bridge.properties().read(legacy));
        assertEquals(List.of("ble-legacy"), provider.sessions(legacy).stream().map(a -> a.mechanism()).toList(),
                "a restart keeps what the bond is");
    }

    @Test
    void allowingLegacyPairingTakesEffectWithoutRestartingTheBridge() {
        String legacy = advertisedAddress("sim-legacy-thermo-3");
        assertEquals(Reason.LEGACY_REFUSED, assertThrows(BleSecurityException.class,
                () -> bridge.pair(legacy, "alice")).reason());
        bridge.modified(BleTestSecurity.config(true));
        ThingId thing = bridge.pair(advertisedAddress("sim-legacy-thermo-3"), "alice");
        assertEquals(21.5, bridge.sessions().readTemperature(thing));
        bridge.modified(BleTestSecurity.config(false));
        assertEquals(Reason.LEGACY_REFUSED, assertThrows(BleSecurityException.class,
                () -> bridge.pair(advertisedAddress("sim-legacy-thermo-3"), "bob")).reason());
    }

    @Test
    void decommissioningRemovesTheBondAndLocksTheThingOut() {
        ThingId thing = bridge.pair(advertisedAddress("sim-thermo-1"), "alice");
        bridge.sessions().subscribe(thing);
        peripheral("sim-thermo-1").setTemperature(22.0);
        assertEquals(22.0, bridge.properties().lastTemperature(thing).orElseThrow());

        bridge.remove(thing);

        assertEquals(LifecycleState.DECOMMISSIONED, registry.get(thing).state());
        assertFalse(keystore.isActive(thing));
        assertTrue(bridge.bonds().isEmpty());
        assertTrue(bridge.scan().stream().allMatch(d -> d.thing().isEmpty()));
        // the peripheral still holds its half of the bond, but what it sends is refused
        peripheral("sim-thermo-1").setTemperature(30.0);
        assertTrue(bridge.properties().lastTemperature(thing).isEmpty());
        assertThrows(IllegalStateException.class, () -> bridge.sessions().readTemperature(thing));
        BleSecurityException e = assertThrows(BleSecurityException.class, () -> provider.open(thing,
                LinkCipher.Role.CENTRAL, new EncryptionStart(new byte[8], new byte[4], new byte[8], new byte[4])));
        assertEquals(Reason.UNKNOWN_KEY, e.reason());
    }

    @Test
    void aRemovedThingCanPairAgainAsANewLife() {
        ThingId thing = bridge.pair(advertisedAddress("sim-thermo-1"), "alice");
        bridge.remove(thing);
        assertEquals(thing, bridge.pair(advertisedAddress("sim-thermo-1"), "bob"));
        assertEquals("bob", registry.get(thing).owner());
        assertEquals(21.5, bridge.sessions().readTemperature(thing));
    }

    @Test
    void theBondSurvivesARestart() throws Exception {
        ThingId thing = bridge.pair(advertisedAddress("sim-thermo-1"), "alice");
        bridge.sessions().writeInterval(thing, 45);
        restart(false);
        assertEquals(List.of(thing), bridge.bonds().stream().map(BluetoothBridgeImpl.BondInfo::thing).toList());
        assertEquals(THERMO_1, bridge.scan().stream().filter(d -> d.thing().isPresent()).findFirst().orElseThrow()
                .thing().orElseThrow());
        assertEquals(21.5, bridge.sessions().readTemperature(thing));
        assertEquals(45, peripheral("sim-thermo-1").interval());
    }

    @Test
    void aPeripheralThatLostItsBondIsRefusedAsUnknownKey() {
        ThingId thing = bridge.pair(advertisedAddress("sim-thermo-1"), "alice");
        bridge.release(thing);
        peripheral("sim-thermo-1").forgetBond();
        BleSecurityException e = assertThrows(BleSecurityException.class, () -> bridge.sessions().readTemperature(thing));
        assertEquals(Reason.UNKNOWN_KEY, e.reason());
    }

    @Test
    void replayedAndAlteredPacketsFromTheAirAreRefusedAndNeverReachTheModel() {
        ThingId thing = bridge.pair(advertisedAddress("sim-thermo-1"), "alice");
        bridge.sessions().subscribe(thing);
        peripheral("sim-thermo-1").setTemperature(22.0);
        SimulatedLink link = adapter.lastLink("sim-thermo-1").orElseThrow();
        List<SimulatedLink.Captured> air = link.captured();
        byte[] notification = air.get(air.size() - 1).pdu();
        assertFalse(air.get(air.size() - 1).fromCentral());

        link.inject(notification);  // the same packet again
        byte[] altered = notification.clone();
        altered[altered.length - 6] ^= 0x01;  // flip a ciphertext bit of the value
        link.inject(altered);
        link.inject(new byte[] { 0x02 });  // too short to be a PDU

        assertEquals(22.0, bridge.properties().lastTemperature(thing).orElseThrow());
        // the altered copy carries the replayed sequence number too, so it is discarded as a replay before the MIC;
        // the provider reports each for the thing, once
        assertEquals(List.of(REFUSED_REPLAY, REFUSED_REPLAY, new BleTestSecurity.Refusal(Optional.of(THERMO_1),
                Layer.LINK, "ble-ll-aes-ccm", RefusalReason.MALFORMED)), refusals.seen);
        // with the next sequence number it reaches the cipher and fails the MIC
        byte[] nextSn = altered.clone();
        nextSn[0] ^= 0x08;
        link.inject(nextSn);
        assertEquals(1L, refusals.count(RefusalReason.FORGED));
        assertEquals(22.0, bridge.properties().lastTemperature(thing).orElseThrow());
        // the link still works for genuine traffic
        peripheral("sim-thermo-1").setTemperature(24.0);
        assertEquals(24.0, bridge.properties().lastTemperature(thing).orElseThrow());
    }

    @Test
    void attWithoutEncryptionIsRefusedByThePeripheral() {
        bridge.pair(advertisedAddress("sim-thermo-1"), "alice");
        String address = advertisedAddress("sim-thermo-1");
        try (CentralLink plain = new CentralLink(adapter.connect(
                org.trusthub.security.link.ble.BleAddress.parse(address, true)), new java.security.SecureRandom())) {
            AttPdu rsp = AttPdu.parse(plain.request(org.trusthub.security.link.ble.L2capFrame.CID_ATT,
                    AttPdu.readRequest(Gatt.TEMPERATURE).encode()).get(0).payload());
            assertEquals(AttPdu.ERROR_RSP, rsp.opcode());
            assertEquals(AttPdu.ERR_INSUFFICIENT_ENCRYPTION, rsp.errorCode());
        }
    }

    @Test
    void pairingAnUnknownAddressOrMalformedTextIsRefusedClearly() {
        assertThrows(IllegalArgumentException.class, () -> bridge.pair("C0:00:00:00:00:99", "alice"));
        assertEquals(Reason.MALFORMED, assertThrows(BleSecurityException.class,
                () -> bridge.pair("not-an-address", "alice")).reason());
        assertTrue(registry.list().isEmpty());
    }

    @Test
    void aValueBelowThePolicysRequirementIsRefusedCountedAndNeverReachesTheModel() {
        ThingId thing = bridge.pair(advertisedAddress("sim-thermo-1"), "alice");
        assertEquals(21.5, bridge.properties().read(thing));
        bridge.sessions().subscribe(thing);

        policy.inbound = Protection.parse("confidentiality/end-to-end");
        BleSecurityException e = assertThrows(BleSecurityException.class, () -> bridge.properties().read(thing));
        assertEquals(Reason.POLICY, e.reason());
        assertTrue(e.getMessage().contains("requires confidentiality/end-to-end") && e.getMessage().contains(
                "gives confidentiality (ble-lesc)"), e.getMessage());
        peripheral("sim-thermo-1").setTemperature(30.0);
        assertEquals(21.5, bridge.properties().lastTemperature(thing).orElseThrow(), "the notification was refused");
        BleTestSecurity.Refusal policyRefusal = new BleTestSecurity.Refusal(Optional.of(thing), Layer.LINK,
                "bluetooth", RefusalReason.POLICY);
        assertEquals(List.of(policyRefusal, policyRefusal), refusals.seen);

        policy.inbound = Protection.confidentiality();
        assertEquals(30.0, bridge.properties().read(thing), "what the link gives is enough again");
    }

    @Test
    void aWriteIsSentOnlyWhenTheLinkMeetsTheOutboundRequirement() {
        ThingId thing = bridge.pair(advertisedAddress("sim-thermo-1"), "alice");
        policy.outbound = Protection.parse("integrity/end-to-end");
        assertEquals(Reason.POLICY, assertThrows(BleSecurityException.class, () -> bridge.sessions().writeInterval(thing, 30))
                .reason());
        assertEquals(60, peripheral("sim-thermo-1").interval(), "nothing was sent");
    }

    @Test
    void withoutThePolicyEveryValueIsRefused() {
        ThingId thing = bridge.pair(advertisedAddress("sim-thermo-1"), "alice");
        bridge.policy = null;
        BleSecurityException e = assertThrows(BleSecurityException.class, () -> bridge.properties().read(thing));
        assertEquals(Reason.PROVIDER_ABSENT, e.reason());
        assertTrue(e.getMessage().contains("no security policy"), e.getMessage());
        assertEquals(List.of(new BleTestSecurity.Refusal(Optional.of(thing), Layer.LINK, "bluetooth",
                RefusalReason.NOT_OPERATIONAL)), refusals.seen);
        assertTrue(bridge.properties().lastTemperature(thing).isEmpty());
    }

    @Test
    void withoutTheLinkProviderTrafficIsRefusedAndTheNextOneIsUsedWithoutARestart() {
        ThingId one = bridge.pair(advertisedAddress("sim-thermo-1"), "alice");
        assertEquals(21.5, bridge.properties().read(one));
        SimulatedLink oneLink = adapter.lastLink("sim-thermo-1").orElseThrow();

        bridge.provider = null; // its bundle is being updated
        String two = advertisedAddress("sim-thermo-2");
        assertEquals(Reason.PROVIDER_ABSENT, assertThrows(BleSecurityException.class,
                () -> bridge.pair(two, "alice")).reason());
        assertEquals(Reason.PROVIDER_ABSENT, assertThrows(BleSecurityException.class,
                () -> bridge.properties().read(one)).reason());
        assertEquals(2L, refusals.count(RefusalReason.NOT_OPERATIONAL));
        assertTrue(registry.find(ThingId.of("ble-c0514d000002")).isEmpty(), "nothing was paired meanwhile");

        BleLinkSecurityProvider next = new BleLinkSecurityProvider(keystore);
        next.bindRefusals(refusals);
        bridge.provider = next;
        assertEquals(21.5, bridge.properties().read(one));
        assertSame(oneLink, adapter.lastLink("sim-thermo-1").orElseThrow(), "the first thing kept its link");
        ThingId second = bridge.pair(advertisedAddress("sim-thermo-2"), "alice");
        assertEquals(21.5, bridge.properties().read(second));
        assertEquals(1, next.sessions(second).size(), "the new provider keyed the new link");
    }

    @Test
    void releaseClosesTheLinkAndDropsTheBondOnlyOnceTheThingIsGone() {
        ThingId thing = bridge.pair(advertisedAddress("sim-thermo-1"), "alice");
        assertEquals(21.5, bridge.properties().read(thing));
        bridge.release(ThingId.of("ble-c0514d0000ff")); // never known: nothing happens
        assertEquals(1, provider.sessions(thing).size());

        registry.transition(thing, Transition.MAINTAIN); // the dispatcher calls release
        assertEquals(List.of(new BluetoothBridgeImpl.BondInfo(thing, "C0:51:4D:00:00:01", true, false)),
                bridge.bonds(), "the bond stays through maintenance");
        assertEquals(List.of(), provider.sessions(thing));
        registry.transition(thing, Transition.RESUME);
        assertEquals(21.5, bridge.properties().read(thing));

        registry.transition(thing, Transition.DECOMMISSION);
        assertTrue(bridge.bonds().isEmpty());
        assertTrue(bridge.scan().stream().allMatch(d -> d.thing().isEmpty()));
        bridge.release(thing); // again: idempotent
        assertTrue(bridge.bonds().isEmpty());
    }

    @Test
    void rotatedLinkKeysDropTheBondAtTheNextConnection() {
        ThingId thing = bridge.pair(advertisedAddress("sim-thermo-1"), "alice");
        assertEquals(21.5, bridge.properties().read(thing));
        keystore.rotate(thing, Layer.LINK);
        provider.forget(thing); // what the dispatcher does when a thing's LINK keys are rotated

        BleSecurityException e = assertThrows(BleSecurityException.class, () -> bridge.properties().read(thing));
        assertEquals(Reason.UNKNOWN_KEY, e.reason());
        assertTrue(e.getMessage().contains("pair it again"), e.getMessage());
        assertTrue(bridge.bonds().isEmpty());
        assertEquals(1L, refusals.count(RefusalReason.UNKNOWN_KEY));
    }
}
