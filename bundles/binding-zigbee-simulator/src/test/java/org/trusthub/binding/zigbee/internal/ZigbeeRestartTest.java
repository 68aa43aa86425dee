package org.trusthub.binding.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.zigbee.spi.JoinPolicy;
import org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork;
import org.trusthub.binding.zigbee.simulator.internal.SimulatedRadio;
import org.trusthub.binding.zigbee.spi.ZigbeeDevice;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.network.zigbee.ApsHeader;
import org.trusthub.security.network.zigbee.InstallCode;
import org.trusthub.security.network.zigbee.KeyId;
import org.trusthub.security.network.zigbee.ZigbeeApsSecurity;
import org.trusthub.security.network.zigbee.NwkHeader;
import org.trusthub.security.network.zigbee.ZigbeeAuxHeader;
import org.trusthub.security.network.zigbee.ZigbeeCodec;
import org.trusthub.security.network.zigbee.ZigbeeFrame;
import org.trusthub.security.network.zigbee.ZigbeeIds;
import org.trusthub.security.network.zigbee.ZigbeeNwkSecurity;
import org.trusthub.security.network.zigbee.internal.ApsSecurityProvider;
import org.trusthub.security.network.zigbee.internal.NwkSecurityProvider;

/**
 * counters: a frame an eavesdropper captured before a restart of the ZigBee bundles (same keystore) or of the whole
 * hub (keystore and registry reopened) is refused after it, while the device, still in the network, goes on with
 * fresh frames.
 */
class ZigbeeRestartTest {

    private static final long A = 0x00124B0000000A01L;
    private static final String CODE = "83FED3407A939723A5C639B26916D505C3B5";
    private static final long PAN = 0xDDDDDDDDDDDDDDDDL;

    @TempDir
    Path dir;
    FileThingKeyStore keystore;
    TestSecurity security;
    ThingRegistryCore registry;
    ZigbeeNetwork network;
    SimulatedZigbeeNetwork sim;

    @BeforeEach
    void setUp() throws Exception {
        openStores();
        startBridge();
    }

    @AfterEach
    void tearDown() throws Exception {
        network.close();
        registry.close();
        keystore.close();
    }

    private void openStores() throws Exception {
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, LifecycleEventSink.NONE,
                Clock.systemUTC());
    }

    // What activating the bundles does: fresh providers and trust center over the keystore and registry.
    private void startBridge() {
        security = new TestSecurity(keystore);
        TrustCenter tc = new TrustCenter(registry, keystore, security.services, PAN, JoinPolicy.INSTALL_CODE_ONLY,
                Clock.systemUTC());
        SimulatedRadio radio = new SimulatedRadio();
        network = ZigbeeNetwork.onRadio(tc, radio, 0x1A62, PAN, 15);
        sim = radio.simulation().orElseThrow();
    }

    /** The device goes on after the restart: the captured frame's content again, with a higher counter. */
    private byte[] fresh(byte[] captured, long counter) throws Exception {
        DerivedKey key = keystore.deriveKey(ZigbeeIds.network(PAN), Layer.NETWORK, ZigbeeNwkSecurity.MECHANISM, 16);
        byte[] bytes = key.bytes();
        CcmStar ccm = new CcmStar(bytes);
        try {
            ZigbeeFrame<NwkHeader> old = ZigbeeCodec.parseNwk(captured);
            byte[] payload = ZigbeeCodec.openNwk(old, ccm).payload();
            ZigbeeAuxHeader aux = old.aux();
            return ZigbeeCodec.protectNwk(old.header(), new ZigbeeAuxHeader(KeyId.NETWORK_KEY, counter, aux.source(),
                    aux.keySequence()), payload, ccm);
        } finally {
            ccm.destroy();
            key.destroy();
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    /** A device announce from {@code ieee} at {@code src}, NWK-secured, as any holder of the network key makes one. */
    private byte[] announce(long ieee, int src, long counter) {
        byte[] zdo = new byte[12];
        zdo[1] = (byte) src;
        zdo[2] = (byte) (src >> 8);
        for (int i = 0; i < 8; i++) {
            zdo[3 + i] = (byte) (ieee >>> (8 * i));
        }
        byte[] aps = new ApsHeader(0, 0, false, false, false, 0, -1, Zcl.ZDO_DEVICE_ANNOUNCE, Zcl.PROFILE_ZDO, 0, 1, -1,
                -1, -1).encode();
        return forged(ieee, src, counter, concat(aps, zdo));
    }

    /** A temperature report naming {@code ieee} from {@code src}, NWK-secured only. */
    private byte[] report(long ieee, int src, long counter) {
        return forged(ieee, src, counter, concat(ApsHeader.data(1, Zcl.CLUSTER_TEMPERATURE, 0x0104, 1, 1)
                .encode(), new byte[] {0x08, 0x01, 0x0A, 0x00, 0x00, 0x29, 0x01, 0x02}));
    }

    /** A frame under the network key, from whatever IEEE source and address the sender names. */
    private byte[] forged(long ieee, int src, long counter, byte[] apsFrame) {
        DerivedKey key = keystore.deriveKey(ZigbeeIds.network(PAN), Layer.NETWORK, ZigbeeNwkSecurity.MECHANISM, 16);
        byte[] bytes = key.bytes();
        CcmStar ccm = new CcmStar(bytes);
        try {
            return ZigbeeCodec.protectNwk(NwkHeader.simple(0, true, 0, src, 30, 1, ieee), new ZigbeeAuxHeader(
                    KeyId.NETWORK_KEY, counter, ieee, key.generation() & 0xFF), apsFrame, ccm);
        } finally {
            ccm.destroy();
            key.destroy();
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private byte[] joinAndReport() throws Exception {
        ThingId a = network.commission(A, CODE, "alice");
        sim.addDevice(A, CODE);
        network.permitJoin(60);
        assertTrue(sim.join(A));
        assertEquals(LifecycleState.OPERATIONAL, registry.get(a).state());
        assertTrue(sim.reportTemperature(A, 19.5));
        return sim.lastFrame(A).orElseThrow();
    }

    private void assertReplayRefusedAndFreshAccepted(byte[] captured) throws Exception {
        ThingId a = ZigbeeIds.device(A);
        long refusedBefore = security.refusals.count(ZigbeeNwkSecurity.MECHANISM, RefusalReason.REPLAY);
        assertFalse(sim.injectFrame(captured), "the frame captured before the restart is refused after it");
        assertEquals(refusedBefore + 1, security.refusals.count(ZigbeeNwkSecurity.MECHANISM, RefusalReason.REPLAY));
        long counter = ZigbeeCodec.parseNwk(captured).aux().frameCounter();
        byte[] next = fresh(captured, counter + 1);
        assertTrue(sim.injectFrame(next), "the device's next frame goes in");
        ZigbeeDevice d = network.device(a).orElseThrow();
        assertTrue(d.joined(), "the device is still in the network");
        assertFalse(sim.injectFrame(next), "and that one is not accepted twice");
        assertEquals(-1, d.networkAddress(), "a data frame, which any holder of the network key can make, moves"
                + " nobody");
        int address = ZigbeeCodec.parseNwk(captured).header().src();
        assertTrue(sim.injectFrame(announce(A, address, counter + 2)));
        assertEquals(address, network.device(a).orElseThrow().networkAddress(),
                "its address learned again from its announce");
    }

    @Test
    void aRestartOfTheZigbeeBundlesRefusesFramesCapturedBeforeIt() throws Exception {
        byte[] captured = joinAndReport();
        assertFalse(sim.replayLastFrame(A), "refused before the restart too");
        network.close();
        startBridge();
        assertReplayRefusedAndFreshAccepted(captured);
    }

    /**
     * After a restart the hub knows no device's address. Any other device holds the network key and can name the
     * device's IEEE address from an address of its own: that moves nobody, so it neither takes the device's traffic nor
     * cuts the device off. An announce (or a frame under the device's link key) does move it.
     */
    @Test
    void aFrameNamingAnotherDevicesIeeeAddressDoesNotMoveItAfterARestart() throws Exception {
        ThingId a = ZigbeeIds.device(A);
        byte[] captured = joinAndReport();
        int address = ZigbeeCodec.parseNwk(captured).header().src();
        long counter = ZigbeeCodec.parseNwk(captured).aux().frameCounter() + 100;
        network.close();
        startBridge();
        int insider = 0x6666;
        assertTrue(sim.injectFrame(report(A, insider, counter++)), "taken for what it is: a claim under the network"
                + " key");
        assertEquals(-1, network.device(a).orElseThrow().networkAddress(), "but it moves nobody");
        assertTrue(sim.injectFrame(report(A, address, counter++)), "the device itself is not cut off");
        assertTrue(sim.injectFrame(announce(A, address, counter++)));
        assertEquals(address, network.device(a).orElseThrow().networkAddress(), "its announce places it");
        long refused = security.refusals.count(SecurityServices.MECHANISM, RefusalReason.NOT_OPERATIONAL);
        assertFalse(sim.injectFrame(report(A, insider, counter++)), "now known elsewhere: refused");
        assertEquals(refused + 1, security.refusals.count(SecurityServices.MECHANISM, RefusalReason.NOT_OPERATIONAL));
        assertEquals(address, network.device(a).orElseThrow().networkAddress(), "and still where it was");
    }

    /**
     * A frame APS-secured under the device's own link key proves the device sent it: it moves the device, and says so
     * (mechanism zigbee-aps, end to end), where a frame under the shared network key alone is zigbee-nwk, hop by hop.
     */
    @Test
    void aFrameUnderTheDevicesLinkKeyMovesItAndSaysWhoSentIt() throws Exception {
        ThingId a = ZigbeeIds.device(A);
        byte[] captured = joinAndReport();
        long counter = ZigbeeCodec.parseNwk(captured).aux().frameCounter() + 100;
        assertEquals(Optional.of(Authenticated.message(a, Layer.NETWORK, ZigbeeNwkSecurity.MECHANISM,
                Protection.confidentiality())), network.trustCenter().lastAccepted(a),
                "NWK security alone: a claim any device of the network can make, hop by hop");
        network.close();
        startBridge();
        byte[] link = InstallCode.parse(CODE).linkKey();
        CcmStar ccm = new CcmStar(link);
        byte[] aps;
        try {
            aps = ZigbeeCodec.protectAps(ApsHeader.data(1, Zcl.CLUSTER_TEMPERATURE, 0x0104, 1, 9),
                    new ZigbeeAuxHeader(KeyId.DATA_KEY, 1, A, -1), A,
                    new byte[] {0x08, 0x02, 0x0A, 0x00, 0x00, 0x29, 0x01, 0x02}, ccm);
        } finally {
            ccm.destroy();
            java.util.Arrays.fill(link, (byte) 0);
        }
        assertTrue(sim.injectFrame(forged(A, 0x5555, counter, aps)));
        assertEquals(0x5555, network.device(a).orElseThrow().networkAddress(), "moved by its link key");
        assertEquals(Optional.of(Authenticated.message(a, Layer.NETWORK, ZigbeeApsSecurity.MECHANISM,
                Protection.confidentiality().endToEnd())), network.trustCenter().lastAccepted(a));
    }

    @Test
    void aHubRestartRefusesFramesCapturedBeforeIt() throws Exception {
        byte[] captured = joinAndReport();
        network.close();
        registry.close();
        keystore.close();
        openStores();
        startBridge();
        assertReplayRefusedAndFreshAccepted(captured);
    }
}
