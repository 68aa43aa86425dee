package org.trusthub.binding.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trusthub.binding.zigbee.internal.RecordingTransport.bytes;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.security.RefusalReason;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.testkit.Await;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.zigbee.spi.JoinPolicy;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.network.zigbee.ZigbeeApsSecurity;
import org.trusthub.security.network.zigbee.internal.ApsSecurityProvider;
import org.trusthub.security.network.zigbee.internal.NwkSecurityProvider;

import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeNodeStatus;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrame;
import com.zsmartsystems.zigbee.transport.TransportConfigOption;
import com.zsmartsystems.zigbee.transport.TrustCentreJoinMode;

/**
 * The trust center on a real dongle, seen from below the zsmartsystems network manager: a transport behind the
 * library's ZigBeeTransportTransmit records every call (the radio cannot exist here). Leave requests go as ZDO through
 * the manager, install-code keys as TransportConfigOption.INSTALL_KEY where the driver takes them, and what a dongle
 * cannot do (rotate the key of a running network, take install keys) is refused before anything changes.
 */
class ZigbeeDongleTrustCenterTest {

    static final long EPAN = 0xEEEEEEEEEEEEEEEEL;
    static final long DEVICE = 0x00124B0000000A01L;
    static final String CODE = "83FED3407A939723A5C639B26916D505C3B5";
    static final int DEVICE_NWK = 0x2345;

    @TempDir
    Path dir;
    FileThingKeyStore keystore;
    ThingRegistryCore registry;
    NwkSecurityProvider nwk;
    TrustCenter trustCenter;
    TestSecurity security;
    RecordingTransport transport;
    ZigbeeNetwork network;
    final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream stderr;

    @BeforeEach
    void setUp() throws Exception {
        stderr = System.err;
        System.setErr(new PrintStream(new Tee(stderr, logs), true, StandardCharsets.UTF_8));
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, LifecycleEventSink.NONE, Clock.systemUTC());
        nwk = new NwkSecurityProvider(keystore);
        security = new TestSecurity(nwk, new ApsSecurityProvider(keystore));
        trustCenter = new TrustCenter(registry, keystore, security.services, EPAN,
                JoinPolicy.INSTALL_CODE_ONLY, Clock.systemUTC());
        transport = new RecordingTransport();
    }

    void open(DongleType type) {
        network = ZigbeeNetwork.dongle(trustCenter, transport, "/dev/fake", type, 0x1A62, EPAN, 20);
    }

    @AfterEach
    void tearDown() throws Exception {
        System.setErr(stderr);
        if (network != null) {
            network.close();
        }
        registry.close();
        keystore.close();
    }

    @Test
    void decommissioningSendsAZdoLeaveThroughTheManagerAndSaysTheKeyWasNotRotated() throws Exception {
        open(DongleType.EMBER);
        byte[] networkKey = currentKey();
        ThingId thing = network.commission(DEVICE, CODE, "alice");
        byte[] linkKey = linkKey(thing);
        assertEquals(1, transport.installKeys.size(), "the install-code key went to the dongle as INSTALL_KEY");
        assertArrayEquals(linkKey, bytes(transport.installKeys.get(0)));
        network.permitJoin(60);

        // the dongle reports the device's join to the stack, as its driver would
        transport.receiver.nodeStatusUpdate(ZigBeeNodeStatus.UNSECURED_JOIN, DEVICE_NWK, ieee(DEVICE));
        Await.until("the commissioned device admitted when the stack saw it join",
                () -> registry.find(thing).map(t -> t.state() == LifecycleState.OPERATIONAL).orElse(false));

        int sequence = network.networkKeySequence();
        network.decommission(thing);

        List<ZigBeeApsFrame> leaves = transport.frames.stream().filter(f -> f.getProfile() == 0
                && f.getCluster() == 0x0034).toList();
        // the stack's own report of the node (its discovery, on another thread) may come after the decommissioning
        // and is answered with another leave: every one goes to the device
        assertFalse(leaves.isEmpty(), "a ZDO Management Leave Request: " + transport.frames);
        assertTrue(leaves.stream().allMatch(f -> f.getDestinationAddress() == DEVICE_NWK), leaves.toString());
        ZigBeeApsFrame leave = leaves.get(0);
        assertEquals(DEVICE_NWK, leave.getDestinationAddress());
        int[] payload = leave.getPayload();
        // transaction sequence, then the device's IEEE address least significant octet first, then no rejoin
        for (int i = 0; i < 8; i++) {
            assertEquals((int) ((DEVICE >>> (8 * i)) & 0xFF), payload[1 + i], "IEEE octet " + i);
        }
        assertEquals(0, payload[9], "rejoin and remove-children off");

        assertEquals(LifecycleState.DECOMMISSIONED, registry.find(thing).orElseThrow().state());
        assertThrows(org.trusthub.api.keystore.KeyRevokedException.class, () -> trustCenter.linkKey(thing),
                "the link key is gone: the thing's keys are revoked");
        // the dongle cannot carry a new key: refused, keystore unchanged, and the bridge says why
        assertEquals(sequence, network.networkKeySequence());
        assertArrayEquals(networkKey, currentKey());
        assertEquals(1, transport.networkKeys.size(), "no key handed to the dongle after startup");
        assertTrue(network.networkKeyRotationRefusal().orElseThrow().contains("dongle 'ember' cannot rotate"));
        assertEquals(1L, security.refusals.count(SecurityServices.DONGLE_MECHANISM, RefusalReason.NOT_OPERATIONAL),
                "the refused rotation counted, and no trust-center frame left unsent");

        String logged = logs.toString(StandardCharsets.UTF_8).toUpperCase();
        assertTrue(logged.contains("NOT ROTATED"), "the log says the key was not rotated");
        for (byte[] key : List.of(networkKey, linkKey)) {
            assertFalse(logged.contains(HexFormat.of().formatHex(key).toUpperCase()), "a key reached the log");
        }
    }

    @Test
    void everyDongleRefusesToRotateTheKeyOfARunningNetworkAndTheKeystoreStaysAsItWas() throws Exception {
        byte[] before = currentKey();
        int sequence = trustCenter.keySequence();
        for (DongleType type : DongleType.values()) {
            transport = new RecordingTransport();
            open(type);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    network::rotateNetworkKey, type.name());
            assertTrue(e.getMessage().startsWith("dongle '" + type.name().toLowerCase() + "' cannot rotate"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("the keystore's network key is unchanged"), e.getMessage());
            assertEquals(1, transport.networkKeys.size(), type + ": only the startup key reached the dongle");
            network.close();
            network = null;
        }
        assertEquals(sequence, trustCenter.keySequence());
        assertArrayEquals(before, currentKey());
    }

    @Test
    void aDongleThatTakesNoInstallKeysRefusesInstallCodesBeforeAnythingIsEnrolled() {
        open(DongleType.TELEGESIS);
        List<ThingId> before = keystore.things();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> network.commission(DEVICE, CODE, "alice"));
        assertTrue(e.getMessage().contains("'telegesis' cannot take install-code link keys"), e.getMessage());
        assertEquals(before, keystore.things());
        assertTrue(registry.find(ThingId.of(String.format("zigbee:%016x", DEVICE))).isEmpty());
        assertFalse(transport.configCalls.contains(TransportConfigOption.INSTALL_KEY), "no install key asked of it");
    }

    @Test
    void anInstallKeyTheDongleRefusesUndoesTheCommissioning() {
        transport.installKeyResult = ZigBeeStatus.FAILURE;
        open(DongleType.EMBER);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> network.commission(DEVICE, CODE, "alice"));
        assertTrue(e.getMessage().contains("commissioning was undone"), e.getMessage());
        ThingId thing = ThingId.of(String.format("zigbee:%016x", DEVICE));
        assertEquals(LifecycleState.DECOMMISSIONED, registry.find(thing).orElseThrow().state());
        assertEquals(1L, security.refusals.count(SecurityServices.DONGLE_MECHANISM, RefusalReason.NOT_OPERATIONAL));
    }

    @Test
    void aDeviceTheDongleLetInWithoutCommissioningIsAskedToLeave() throws Exception {
        open(DongleType.EMBER);
        long stranger = 0x00124B0000000B02L;
        transport.receiver.nodeStatusUpdate(ZigBeeNodeStatus.UNSECURED_JOIN, 0x3456, ieee(stranger));
        Await.until("a leave request to the stranger",
                () -> transport.frames.stream().anyMatch(f -> f.getCluster() == 0x0034
                && f.getDestinationAddress() == 0x3456));
        // the stack's own later report of the node (its discovery, on another thread) is refused and counted too
        assertTrue(security.refusals.count(SecurityServices.MECHANISM, RefusalReason.NOT_OPERATIONAL) >= 1L, "counted");
        assertTrue(registry.find(ThingId.of(String.format("zigbee:%016x", stranger))).isEmpty());
    }

    @Test
    void denyTellsTheDongleToDenyJoinsClosesItsPermitJoinAndTheStackPathRefusesAJoin() throws Exception {
        open(DongleType.EMBER);
        assertEquals(List.of(TrustCentreJoinMode.TC_JOIN_INSTALLCODE), transport.joinModes,
                "the configured policy reached the dongle before the network started");
        ThingId thing = network.commission(DEVICE, CODE, "alice");
        network.permitJoin(60);
        Await.until("permit-join for 60 s at the dongle", () -> transport.permitJoinDurations().contains(60));

        int open = transport.frames.size();
        network.setJoinPolicy(JoinPolicy.DENY);
        assertEquals(TrustCentreJoinMode.TC_JOIN_DENY, transport.joinModes.get(transport.joinModes.size() - 1));
        Await.until("the dongle's permit-join closed", () -> permitJoinsSince(open).contains(List.of(0x0000, 0)));
        int sent = transport.permitJoinDurations().size();
        network.permitJoin(120);
        Await.until("a permit-join frame under DENY", () -> transport.permitJoinDurations().size() > sent);
        assertTrue(transport.permitJoinDurations().subList(sent, transport.permitJoinDurations().size()).stream()
                .allMatch(d -> d == 0), "under DENY the dongle's permit-join stays closed: "
                        + transport.permitJoinDurations());

        // a dongle that let the device in anyway: refused inside the stack path, asked to leave
        transport.receiver.nodeStatusUpdate(ZigBeeNodeStatus.UNSECURED_JOIN, DEVICE_NWK, ieee(DEVICE));
        Await.until("a leave request to the device joined under DENY", () -> leaveSentTo(DEVICE_NWK));
        assertEquals(LifecycleState.BOOTSTRAPPING, registry.find(thing).orElseThrow().state());
        assertFalse(network.device(thing).orElseThrow().joined());
        assertTrue(security.refusals.count(SecurityServices.MECHANISM, RefusalReason.POLICY) >= 1,
                "counted as a refused join");
    }

    @Test
    void installCodeOnlySetsTheDongleJoinModeAndAdmitsOnlyInstallCodeJoins() throws Exception {
        open(DongleType.EMBER);
        assertEquals(List.of(TrustCentreJoinMode.TC_JOIN_INSTALLCODE), transport.joinModes);
        long legacy = 0x00124B0000000C03L;
        int legacyNwk = 0x4567;
        ThingId withCode = network.commission(DEVICE, CODE, "alice");
        ThingId withoutCode = network.commission(legacy, null, "alice");
        network.permitJoin(60);

        transport.receiver.nodeStatusUpdate(ZigBeeNodeStatus.UNSECURED_JOIN, legacyNwk, ieee(legacy));
        Await.until("a leave request to the device without an install code", () -> leaveSentTo(legacyNwk));
        assertEquals(LifecycleState.BOOTSTRAPPING, registry.find(withoutCode).orElseThrow().state());

        transport.receiver.nodeStatusUpdate(ZigBeeNodeStatus.UNSECURED_JOIN, DEVICE_NWK, ieee(DEVICE));
        Await.until("the install-code device admitted",
                () -> registry.find(withCode).map(t -> t.state() == LifecycleState.OPERATIONAL).orElse(false));
        assertFalse(leaveSentTo(DEVICE_NWK), "no leave request to the install-code device");
        assertTrue(security.refusals.count(SecurityServices.MECHANISM, RefusalReason.POLICY) >= 1,
                "the device without a code refused");
        assertFalse(network.device(withoutCode).orElseThrow().joined());

        network.setJoinPolicy(JoinPolicy.SECURE_JOIN);
        assertEquals(TrustCentreJoinMode.TC_JOIN_SECURE, transport.joinModes.get(transport.joinModes.size() - 1));
    }

    @Test
    void thePermitJoinWindowOpensAndClosesTheDonglesPermitJoinAndAJoinOutsideItIsRefused() throws Exception {
        open(DongleType.EMBER);
        network.commission(DEVICE, CODE, "alice");
        network.permitJoin(90);
        Await.until("Mgmt_Permit_Joining_req for 90 s to the routers and to the coordinator itself",
                () -> transport.frames.stream().filter(f -> f.getCluster() == 0x0036 && f.getPayload()[1] == 90)
                .map(ZigBeeApsFrame::getDestinationAddress).toList().containsAll(List.of(0xFFFC, 0x0000)));
        int open = transport.frames.size();
        network.permitJoin(0);
        Await.until("the routers' and the coordinator's permit-join closed",
                () -> permitJoinsSince(open).containsAll(List.of(List.of(0xFFFC, 0), List.of(0x0000, 0))));
        assertEquals(0, network.permitJoinRemaining());

        transport.receiver.nodeStatusUpdate(ZigBeeNodeStatus.UNSECURED_JOIN, DEVICE_NWK, ieee(DEVICE));
        Await.until("a leave request to the device joined with joining closed", () -> leaveSentTo(DEVICE_NWK));
        assertTrue(security.refusals.count(SecurityServices.MECHANISM, RefusalReason.POLICY) >= 1,
                "counted as a refused join");
    }

    @Test
    void aDriverThatCannotSetTheJoinModeIsCountedAndSaidInTheLog() {
        transport.joinModeResult = ZigBeeStatus.UNSUPPORTED;
        open(DongleType.CONBEE);
        assertEquals(1L, security.refusals.count(SecurityServices.DONGLE_MECHANISM, RefusalReason.NOT_OPERATIONAL));
        assertTrue(logs.toString(StandardCharsets.UTF_8).contains("did not take trust-centre join mode"));
    }

    @Test
    void onlyTheEmberAndTelegesisDriversTakeATrustCentreJoinMode() {
        for (DongleType type : List.of(DongleType.CC2531, DongleType.XBEE, DongleType.CONBEE)) {
            com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit driver = DongleDrivers.create(type,
                    new ZigbeeDongleCapabilityTest.DeadPort());
            com.zsmartsystems.zigbee.transport.TransportConfig config = new com.zsmartsystems.zigbee.transport
                    .TransportConfig(TransportConfigOption.TRUST_CENTRE_JOIN_MODE, TrustCentreJoinMode.TC_JOIN_DENY);
            driver.updateTransportConfig(config);
            assertEquals(ZigBeeStatus.UNSUPPORTED, config.getResult(TransportConfigOption.TRUST_CENTRE_JOIN_MODE),
                    type.name());
        }
    }

    @Test
    void anAnnounceAloneNeverAdmitsADeviceOnlyTheTrustCentresJoinReportDoes() throws Exception {
        open(DongleType.EMBER);
        ThingId thing = network.commission(DEVICE, CODE, "alice");
        network.permitJoin(60);
        // any holder of the network key can announce the commissioned device's address as its own
        assertEquals(TrustCenter.StackVerdict.NOT_YET,
                trustCenter.admitThroughStack(DEVICE, 0x6666, TrustCenter.StackReport.ANNOUNCED));
        assertEquals(LifecycleState.BOOTSTRAPPING, registry.find(thing).orElseThrow().state());
        assertFalse(network.device(thing).orElseThrow().joined());

        transport.receiver.nodeStatusUpdate(ZigBeeNodeStatus.UNSECURED_JOIN, DEVICE_NWK, ieee(DEVICE));
        Await.until("the device admitted on the trust centre's join report",
                () -> registry.find(thing).map(t -> t.state() == LifecycleState.OPERATIONAL).orElse(false));
        assertEquals(DEVICE_NWK, network.device(thing).orElseThrow().networkAddress());
    }

    @Test
    void aSecuredRejoinOfADeviceNeverAdmittedIsRefused() throws Exception {
        open(DongleType.EMBER);
        ThingId thing = network.commission(DEVICE, CODE, "alice");
        network.permitJoin(60);
        // it holds a network key no admitted join gave it (e.g. it stayed after being asked to leave)
        transport.receiver.nodeStatusUpdate(ZigBeeNodeStatus.SECURED_REJOIN, DEVICE_NWK, ieee(DEVICE));
        Await.until("a leave request to the device that rejoined without a join", () -> leaveSentTo(DEVICE_NWK));
        assertEquals(LifecycleState.BOOTSTRAPPING, registry.find(thing).orElseThrow().state());
        assertFalse(network.device(thing).orElseThrow().joined());
        assertTrue(security.refusals.count(SecurityServices.MECHANISM, RefusalReason.POLICY) >= 1);
    }

    @Test
    void denyClosesThePermitJoinWindowSoLeavingDenyDoesNotReopenIt() throws Exception {
        open(DongleType.EMBER);
        ThingId thing = network.commission(DEVICE, CODE, "alice");
        network.permitJoin(200);
        network.setJoinPolicy(JoinPolicy.DENY);
        assertEquals(0, network.permitJoinRemaining());
        network.setJoinPolicy(JoinPolicy.INSTALL_CODE_ONLY);
        assertEquals(0, network.permitJoinRemaining(), "the window stays closed until permit-join opens it again");

        transport.receiver.nodeStatusUpdate(ZigBeeNodeStatus.UNSECURED_JOIN, DEVICE_NWK, ieee(DEVICE));
        Await.until("a leave request to the device joining with joining closed", () -> leaveSentTo(DEVICE_NWK));
        assertEquals(LifecycleState.BOOTSTRAPPING, registry.find(thing).orElseThrow().state());
    }

    @Test
    void stoppingTheBindingClosesTheDonglesPermitJoin() throws Exception {
        open(DongleType.EMBER);
        // the manager closes permit-join itself when it goes online (queued): those two frames come first
        Await.until("the stack's own permit-join 0 at startup",
                () -> transport.permitJoinDurations().stream().filter(d -> d == 0).count() == 2);
        network.permitJoin(200);
        Await.until("permit-join for 200 s at the dongle", () -> transport.permitJoinDurations().contains(200));
        int sent = transport.frames.size();
        network.close();
        network = null;
        List<ZigBeeApsFrame> after = transport.frames.subList(sent, transport.frames.size());
        assertEquals(List.of(0xFFFC, 0x0000), after.stream().filter(f -> f.getProfile() == 0
                && f.getCluster() == 0x0036 && f.getPayload()[1] == 0).map(ZigBeeApsFrame::getDestinationAddress)
                .toList(), "permit-join closed at the routers and the coordinator before the stack shut down");
    }

    /** (destination, duration) of each Mgmt_Permit_Joining_req sent after the first {@code index} frames. */
    private List<List<Integer>> permitJoinsSince(int index) {
        List<ZigBeeApsFrame> frames = List.copyOf(transport.frames);
        return frames.subList(index, frames.size()).stream()
                .filter(f -> f.getProfile() == 0 && f.getCluster() == 0x0036)
                .map(f -> List.of(f.getDestinationAddress(), f.getPayload()[1])).toList();
    }

    private boolean leaveSentTo(int nwk) {
        return transport.frames.stream().anyMatch(f -> f.getProfile() == 0 && f.getCluster() == 0x0034
                && f.getDestinationAddress() == nwk);
    }

    private byte[] currentKey() {
        DerivedKey k = nwk.currentKey(trustCenter.network());
        try {
            return k.bytes();
        } finally {
            k.destroy();
        }
    }

    private byte[] linkKey(ThingId thing) {
        DerivedKey k = keystore.storedKey(thing, Layer.NETWORK, ZigbeeApsSecurity.LINK_KEY_MECHANISM).orElseThrow();
        try {
            return k.bytes();
        } finally {
            k.destroy();
        }
    }

    private static IeeeAddress ieee(long address) {
        return new IeeeAddress(String.format("%016X", address));
    }

    static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
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
