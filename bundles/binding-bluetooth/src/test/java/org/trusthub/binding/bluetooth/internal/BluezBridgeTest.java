package org.trusthub.binding.bluetooth.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.bluetooth.internal.bluez.BluezAdapter;
import org.trusthub.binding.bluetooth.internal.bluez.DbusMockBluez;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.link.ble.BleLinkSecurity;
import org.trusthub.security.link.ble.BleSecurityException;
import org.trusthub.security.link.ble.BleSecurityException.Reason;
import org.trusthub.security.link.ble.internal.BleLinkSecurityProvider;
import org.trusthub.testkit.Await;

/**
 * The bridge on the BlueZ adapter, through bluez-dbus, against BlueZ played by python-dbusmock on a private bus (see
 * {@link DbusMockBluez}): pairing through the hub's agent, the bond imported into the real keystore, legacy and
 * unreadable bonds refused and removed from BlueZ, GATT read/write/notify, and removal on decommissioning.
 */
class BluezBridgeTest {

    static final String SC_RPA = "5A:11:22:33:44:55";
    static final String SC_IDENTITY = "C0:51:4D:00:00:01";
    static final ThingId SC_THING = ThingId.of("ble-c0514d000001");
    static final String SC_DEVICE = "/org/bluez/hci0/dev_5A_11_22_33_44_55";
    static final String TEMPERATURE_CHAR = SC_DEVICE + "/service000a/char000b";

    @TempDir
    Path dir;

    DbusMockBluez bluez;
    FileThingKeyStore keystore;
    ThingRegistryCore registry;
    BluezAdapter adapter;
    BluetoothBridgeImpl bridge;
    final AtomicReference<BluetoothBridgeImpl> events = new AtomicReference<>();
    BleLinkSecurityProvider provider;
    final BleTestSecurity.Policy policy = new BleTestSecurity.Policy();
    final BleTestSecurity.Refusals refusals = new BleTestSecurity.Refusals();
    final PairingConfirmations confirmations = new PairingConfirmations();
    final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream stderr;

    @BeforeEach
    void start() throws Exception {
        bluez = DbusMockBluez.start(Files.createDirectories(dir.resolve("bus")));
        stderr = System.err;
        // slf4j-simple writes to System.err: keep a copy to check that no key reaches a log line
        System.setErr(new PrintStream(new TeeStream(stderr, logs), true, StandardCharsets.UTF_8));
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"), Clock.systemUTC(),
                FileThingKeyStore.DEFAULT_COUNTER_RESERVATION, e -> { });
        // the lifecycle dispatcher's calls, synchronously; in the hub it reacts to EventAdmin's events
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, (topic, props) -> BleTestSecurity
                .dispatch(registry, events.get(), provider, topic, props), Clock.systemUTC());
        provider = new BleLinkSecurityProvider(keystore);
        adapter = new BluezAdapter("hci0", bluez.busAddress(), bluez.bondDirectory(), "NoInputNoOutput", 200, 2000,
                confirmations, 30);
        bridge = new BluetoothBridgeImpl(keystore, registry, adapter, BleTestSecurity.config(false), null);
        BleTestSecurity.wire(bridge, provider, policy, refusals);
        events.set(bridge);
    }

    @AfterEach
    void stop() throws Exception {
        System.setErr(stderr);
        if (bridge != null) {
            bridge.deactivate();
        }
        if (adapter != null) {
            adapter.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (keystore != null) {
            keystore.close();
        }
        if (bluez != null) {
            bluez.close();
        }
    }

    @Test
    void pairsThroughBlueZWithTheHubsAgentAndKeepsTheBondInTheKeystore() throws Exception {
        ThingId thing = bridge.pair(SC_RPA, "alice");

        assertEquals(SC_THING, thing, "the thing is named by the identity address BlueZ learned while pairing");
        assertEquals(LifecycleState.OPERATIONAL, registry.find(thing).orElseThrow().state());
        List<String> calls = bluez.calls();
        assertTrue(calls.stream().anyMatch(l -> l.contains("RegisterAgent") && l.contains("/org/trusthub/bluetooth/agent")
                && l.contains("NoInputNoOutput")), "the hub registered its agent: " + calls);
        assertTrue(calls.stream().anyMatch(l -> l.endsWith(" Pair")), "Device1.Pair was called: " + calls);

        // the keys in the keystore are exactly BlueZ's (the IRK turned to most significant octet first)
        String info = Files.readString(bluez.bondFile(SC_IDENTITY));
        byte[] ltk = HexFormat.of().parseHex(entry(info, "LongTermKey"));
        byte[] irkLe = HexFormat.of().parseHex(entry(info, "IdentityResolvingKey"));
        assertArrayEquals(ltk, stored(thing, BleLinkSecurity.LTK));
        byte[] irk = stored(thing, BleLinkSecurity.IRK);
        for (int i = 0; i < 16; i++) {
            assertEquals(irkLe[15 - i], irk[i]);
        }
        assertTrue(bridge.bonds().stream().anyMatch(b -> b.thing().equals(thing) && b.hasIrk()
                && b.identityAddress().equals(SC_IDENTITY)));

        // no key, in either order, reached a log line
        String logged = logs.toString(StandardCharsets.UTF_8).toUpperCase();
        assertTrue(logged.contains("BLUEZ PAIRED WITH"), "the pairing was logged");
        for (String secret : List.of(entry(info, "LongTermKey"), entry(info, "IdentityResolvingKey"),
                HexFormat.of().formatHex(irk).toUpperCase())) {
            assertFalse(logged.contains(secret), "a key reached the log");
        }
    }

    @Test
    void readsWritesAndSubscribesThroughGattCharacteristic1() throws Exception {
        ThingId thing = bridge.pair(SC_RPA, "alice");

        assertEquals(21.5, bridge.sessions().readTemperature(thing), 1e-9);
        assertEquals(Optional.of(21.5), bridge.properties().lastTemperature(thing));
        bridge.sessions().writeInterval(thing, 120);
        assertTrue(bluez.calls().stream().anyMatch(l -> l.contains("WriteValue") && l.contains("[120, 0]")
                && l.contains("request")), "a write request of 120 s: " + bluez.calls());

        bridge.sessions().subscribe(thing);
        Await.until("the first notification", () -> bridge.properties().lastTemperature(thing)
                .equals(Optional.of(22.25)));
        // another local process forges BlueZ's signal (-40.96 degrees C): ignored; then the peripheral's own notification
        // (the daemon routes both in order, so once the genuine one is seen the forged one has been handled)
        assertEquals(0, bluez.forgeNotification(TEMPERATURE_CHAR, 0x00, 0xF0).exit());
        bluez.notify(TEMPERATURE_CHAR, 0x10, 0x09);
        Await.until("a later notification", () -> bridge.properties().lastTemperature(thing)
                .equals(Optional.of(23.2)));
        assertTrue(logs.toString(StandardCharsets.UTF_8).contains("not from BlueZ"), "the forged signal was ignored");
    }

    @Test
    void legacyPairingIsRefusedAndTheBondRemovedFromBlueZ() throws Exception {
        BleSecurityException e = assertThrows(BleSecurityException.class,
                () -> bridge.pair("C0:51:4D:00:00:02", "alice"));
        assertEquals(Reason.LEGACY_REFUSED, e.reason());
        assertTrue(e.getMessage().contains("allowLegacyPairing"), e.getMessage());
        assertTrue(bluez.calls().stream().anyMatch(l -> l.contains("RemoveDevice")
                && l.contains("dev_C0_51_4D_00_00_02")), "BlueZ's bond was removed: " + bluez.calls());
        ThingId legacy = ThingId.of("ble-c0514d000002");
        assertTrue(registry.find(legacy).isEmpty(), "nothing was commissioned");
        assertTrue(keystore.things().stream().noneMatch(legacy::equals), "nothing was enrolled");
        assertEquals(List.of(new BleTestSecurity.Refusal(Optional.of(legacy), Layer.LINK, "bluetooth",
                RefusalReason.POLICY)), refusals.seen);
    }

    @Test
    void legacyPairingIsAcceptedWhenConfigurationAllowsIt() {
        bridge.modified(BleTestSecurity.config(true));
        ThingId thing = bridge.pair("C0:51:4D:00:00:02", "alice");
        assertEquals(LifecycleState.OPERATIONAL, registry.find(thing).orElseThrow().state());
        assertEquals(21.5, bridge.sessions().readTemperature(thing), 1e-9);
    }

    @Test
    void aBondTheHubCannotReadIsRefusedAndRemovedFromBlueZ() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> bridge.pair("C0:51:4D:00:00:03", "alice"));
        assertTrue(e.getMessage().contains("stored no bond") && e.getMessage().contains("removed from BlueZ"),
                e.getMessage());
        assertTrue(bluez.calls().stream().anyMatch(l -> l.contains("RemoveDevice")
                && l.contains("dev_C0_51_4D_00_00_03")), bluez.calls().toString());
        assertTrue(registry.find(ThingId.of("ble-c0514d000003")).isEmpty());
    }

    @Test
    void removingOrDecommissioningRemovesTheBondFromTheKeystoreAndBlueZ() throws Exception {
        ThingId thing = bridge.pair(SC_RPA, "alice");
        bridge.remove(thing);

        assertEquals(LifecycleState.DECOMMISSIONED, registry.find(thing).orElseThrow().state());
        assertTrue(bluez.calls().stream().anyMatch(l -> l.contains("RemoveDevice") && l.contains(SC_DEVICE)),
                bluez.calls().toString());
        assertTrue(bridge.bonds().isEmpty());
        assertThrows(IllegalStateException.class, () -> bridge.sessions().readTemperature(thing));
        assertNotEquals(0, bluez.call("org.bluez", SC_DEVICE, "org.freedesktop.DBus.Properties.Get",
                "string:org.bluez.Device1", "string:Address").exit(), "BlueZ no longer has the device");
    }

    @Test
    void decommissioningThroughTheLifecycleRemovesTheBlueZBond() throws Exception {
        ThingId thing = bridge.pair(SC_RPA, "alice");
        registry.transition(thing, Transition.DECOMMISSION);

        assertTrue(bluez.calls().stream().anyMatch(l -> l.contains("RemoveDevice") && l.contains(SC_DEVICE)),
                bluez.calls().toString());
        assertTrue(keystore.things().stream().noneMatch(thing::equals)
                || !keystore.isActive(thing), "the thing's keys are gone");
    }

    @Test
    void theAgentRefusesPinCodesAndDevicesTheHubIsNotPairing() {
        String hub = DbusMockBluez.agentName(adapter);
        DbusMockBluez.Result pin = bluez.call(hub, "/org/trusthub/bluetooth/agent", "org.bluez.Agent1.RequestPinCode",
                "objpath:" + SC_DEVICE);
        // BlueZ fails the request, and the pairing, on any error reply
        assertNotEquals(0, pin.exit());
        assertTrue(pin.output().contains("refused by the hub: a PIN code"), pin.output());
        DbusMockBluez.Result confirm = bluez.call(hub, "/org/trusthub/bluetooth/agent",
                "org.bluez.Agent1.RequestConfirmation", "objpath:" + SC_DEVICE, "uint32:123456");
        assertNotEquals(0, confirm.exit());
        assertTrue(confirm.output().contains("not pairing"), confirm.output());
    }

    static final String DISPLAY = "C0:51:4D:00:00:04";
    static final ThingId DISPLAY_THING = ThingId.of("ble-c0514d000004");

    @Test
    void aNumericComparisonWaitsForTheOperatorToTypeTheNumberTheDeviceShows() throws Exception {
        withDisplayAgent(30);
        Future<ThingId> pairing = pairInBackground();
        awaitPending();
        assertEquals(List.of(DISPLAY), confirmations.pending().stream().map(PairingConfirmations.Pending::address)
                .toList());
        assertFalse(pairing.isDone(), "the pairing waits for the operator");
        assertFalse(logs.toString(StandardCharsets.UTF_8).contains("482753"), "the hub never prints the number");

        // a malformed answer changes nothing
        assertThrows(IllegalArgumentException.class, () -> confirmations.confirm(DISPLAY, "48275"));
        assertEquals(1, confirmations.pending().size());

        assertEquals(PairingConfirmations.Outcome.CONFIRMED, confirmations.confirm(DISPLAY, "482753"));
        assertEquals(DISPLAY_THING, pairing.get(60, TimeUnit.SECONDS));
        assertEquals(LifecycleState.OPERATIONAL, registry.find(DISPLAY_THING).orElseThrow().state());
        assertTrue(confirmations.pending().isEmpty());
    }

    @Test
    void anotherNumberThanTheHubsRefusesThePairing() throws Exception {
        withDisplayAgent(30);
        Future<ThingId> pairing = pairInBackground();
        awaitPending();
        assertEquals(PairingConfirmations.Outcome.WRONG_NUMBER, confirmations.confirm(DISPLAY, "111111"));
        assertRefused(pairing, "typed another number");
    }

    @Test
    void theOperatorCanRejectAPairing() throws Exception {
        withDisplayAgent(30);
        Future<ThingId> pairing = pairInBackground();
        awaitPending();
        confirmations.reject(DISPLAY);
        assertRefused(pairing, "rejected by the operator");
        assertThrows(IllegalStateException.class, () -> confirmations.reject(DISPLAY), "nothing left to reject");
    }

    @Test
    void noAnswerInTimeRefusesThePairing() throws Exception {
        withDisplayAgent(1);
        assertRefused(pairInBackground(), "no operator confirmation within 1 s");
    }

    @Test
    void aComparisonAnsweredAfterTheBusLibrarysDefaultReplyWaitStillPairs() throws Exception {
        // dbus-java gives up on a reply after 20 s by default, less than the operator's 30 s: here 0.3 s
        org.freedesktop.dbus.messages.MethodCall.setDefaultTimeout(300);
        try {
            withDisplayAgent(30);
            Future<ThingId> pairing = pairInBackground();
            awaitPending();
            Thread.sleep(1000); // the operator reads the device's display for longer than the default reply wait
            assertEquals(PairingConfirmations.Outcome.CONFIRMED, confirmations.confirm(DISPLAY, "482753"));
            assertEquals(DISPLAY_THING, pairing.get(60, TimeUnit.SECONDS));
        } finally {
            org.freedesktop.dbus.messages.MethodCall.setDefaultTimeout(20_000);
        }
    }

    /** The hub's agent as DisplayYesNo: BlueZ (the mock) then runs numeric comparison through it. */
    private void withDisplayAgent(int confirmationSeconds) {
        bridge.deactivate();
        adapter.close();
        adapter = new BluezAdapter("hci0", bluez.busAddress(), bluez.bondDirectory(), "DisplayYesNo", 200, 2000,
                confirmations, confirmationSeconds);
        bridge = new BluetoothBridgeImpl(keystore, registry, adapter, BleTestSecurity.config(false), null);
        BleTestSecurity.wire(bridge, provider, policy, refusals);
        events.set(bridge);
        DbusMockBluez.Result r = bluez.call("org.bluez", "/", "org.trusthub.Test.AgentAt",
                "string:" + DbusMockBluez.agentName(adapter));
        assertEquals(0, r.exit(), r.output());
    }

    private Future<ThingId> pairInBackground() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<ThingId> f = pool.submit(() -> bridge.pair(DISPLAY, "alice"));
        pool.shutdown();
        return f;
    }

    private void awaitPending() throws InterruptedException {
        Await.until("numeric comparison for the operator", () -> !confirmations.pending().isEmpty());
    }

    private void assertRefused(Future<ThingId> pairing, String why) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> pairing.get(60, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IllegalStateException && e.getCause().getMessage().contains(why),
                String.valueOf(e.getCause()));
        assertTrue(registry.find(DISPLAY_THING).isEmpty(), "nothing was commissioned");
        assertTrue(keystore.things().stream().noneMatch(DISPLAY_THING::equals), "nothing was enrolled");
        assertTrue(confirmations.pending().isEmpty());
    }

    private byte[] stored(ThingId thing, String name) {
        DerivedKey key = keystore.storedKey(thing, Layer.LINK, name).orElseThrow();
        try {
            return key.bytes();
        } finally {
            key.destroy();
        }
    }

    private static String entry(String info, String group) {
        String section = info.substring(info.indexOf("[" + group + "]"));
        String line = section.lines().filter(l -> l.startsWith("Key=")).findFirst().orElseThrow();
        return line.substring(4);
    }

    /** Copies what is written to two streams. */
    static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
