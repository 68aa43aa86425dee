package org.trusthub.binding.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.binding.zigbee.JoinPolicy;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.network.zigbee.internal.ApsSecurityProvider;
import org.trusthub.security.network.zigbee.internal.NwkSecurityProvider;

import com.zsmartsystems.zigbee.ExtendedPanId;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeChannel;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrame;
import com.zsmartsystems.zigbee.security.ZigBeeKey;
import com.zsmartsystems.zigbee.transport.TransportConfig;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportReceive;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit;

/**
 * The dongle path without hardware: the real zsmartsystems drivers and jSerialComm against a port that does not
 * exist, an unknown dongle type, and which key reaches the transport.
 */
class ZigbeeDongleTest {

    static final long EPAN = 0xEEEEEEEEEEEEEEEEL;

    @TempDir
    Path dir;
    FileThingKeyStore keystore;
    ThingRegistryCore registry;
    NwkSecurityProvider nwk;
    TrustCenter trustCenter;

    @BeforeEach
    void setUp() throws Exception {
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, LifecycleEventSink.NONE, Clock.systemUTC());
        nwk = new NwkSecurityProvider(keystore);
        trustCenter = new TrustCenter(registry, keystore, nwk, new ApsSecurityProvider(keystore), EPAN, 0L,
                JoinPolicy.INSTALL_CODE_ONLY, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        registry.close();
        keystore.close();
    }

    private byte[] currentKeyBytes() {
        DerivedKey k = nwk.currentKey(trustCenter.network());
        try {
            return k.bytes();
        } finally {
            k.destroy();
        }
    }

    @Test
    void everyKnownDongleOnAMissingPortIsRefusedNamingThePortAndNothingChanges() {
        byte[] keyBefore = currentKeyBytes();
        int sequenceBefore = trustCenter.keySequence();
        int thingsBefore = registry.list().size();
        for (DongleType type : DongleType.values()) {
            String name = type.name().toLowerCase(java.util.Locale.ROOT);
            // The real driver over the real jSerialComm port: opening /dev/nonexistent fails, so initialise fails.
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ZigbeeNetwork.openDongle(
                    trustCenter, "/dev/nonexistent", name, 115200, 0x1A62, EPAN, 15), name);
            assertTrue(e.getMessage().contains("/dev/nonexistent"), e.getMessage());
            assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
        }
        assertEquals(sequenceBefore, trustCenter.keySequence());
        assertArrayEquals(keyBefore, currentKeyBytes());
        assertEquals(thingsBefore, registry.list().size());
        assertTrue(trustCenter.devices().isEmpty());
    }

    @Test
    void unknownOrMissingDongleTypeIsRefusedWithTheKnownTypes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ZigbeeNetwork.openDongle(
                trustCenter, "/dev/ttyUSB0", "zwave", 115200, 0x1A62, EPAN, 15));
        assertEquals("unknown dongleType 'zwave': expected one of ember, telegesis, cc2531, xbee, conbee",
                e.getMessage());
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class, () -> ZigbeeNetwork
                .openDongle(trustCenter, "/dev/ttyUSB0", " ", 115200, 0x1A62, EPAN, 15));
        assertTrue(blank.getMessage().startsWith("dongleType is required when serialPort is set"), blank.getMessage());
        assertEquals(DongleType.CONBEE, DongleType.parse(" ConBee "));
    }

    @Test
    void theDongleGetsTheKeystoresCurrentNetworkKeyAndTheRotatedOne() {
        // A recording transport, because no real driver gets past initialise without a dongle on its port.
        RecordingTransport transport = new RecordingTransport();
        ZigbeeNetwork network = ZigbeeNetwork.dongle(trustCenter, transport, "/dev/fake", DongleType.EMBER, 0x1A62,
                EPAN, 20);
        try {
            assertFalse(network.isSimulated());
            assertEquals(1, transport.networkKeys.size());
            assertArrayEquals(currentKeyBytes(), bytes(transport.networkKeys.get(0)));
            assertEquals(trustCenter.keySequence() & 0xFF, transport.networkKeys.get(0).getSequenceNumber());
            assertEquals(0x1A62, transport.panId);
            assertEquals(new ExtendedPanId("EEEEEEEEEEEEEEEE"), transport.epanId);
            assertTrue(transport.started);
            // Install codes only: no global trust-center link key lets a device in.
            assertTrue(transport.linkKeys.isEmpty());

            byte[] old = currentKeyBytes();
            network.rotateNetworkKey();
            assertEquals(2, transport.networkKeys.size());
            byte[] rotated = bytes(transport.networkKeys.get(1));
            assertArrayEquals(currentKeyBytes(), rotated);
            assertFalse(java.util.Arrays.equals(old, rotated));
        } finally {
            network.close();
        }
    }

    @Test
    void secureJoinAlsoHandsTheDefaultTrustCenterLinkKey() {
        trustCenter.setPolicy(JoinPolicy.SECURE_JOIN);
        RecordingTransport transport = new RecordingTransport();
        ZigbeeNetwork network = ZigbeeNetwork.dongle(trustCenter, transport, "/dev/fake", DongleType.EMBER, 0x1A62,
                EPAN, 20);
        try {
            assertEquals(1, transport.linkKeys.size());
            assertArrayEquals("ZigBeeAlliance09".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    bytes(transport.linkKeys.get(0)));
        } finally {
            network.close();
        }
    }

    @Test
    void aTransportThatFailsToInitialiseStartsNothing() {
        RecordingTransport transport = new RecordingTransport();
        transport.initStatus = ZigBeeStatus.COMMUNICATION_ERROR;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ZigbeeNetwork.dongle(trustCenter,
                transport, "/dev/ttyACM7", DongleType.TELEGESIS, 0x1A62, EPAN, 20));
        assertTrue(e.getMessage().contains("'telegesis' on serial port /dev/ttyACM7"), e.getMessage());
        assertTrue(transport.networkKeys.isEmpty(), "no key handed to a dongle that did not initialise");
        assertFalse(transport.started);
    }

    private static byte[] bytes(ZigBeeKey key) {
        int[] v = key.getValue();
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    /** Records what the network manager hands to the dongle. */
    static final class RecordingTransport implements ZigBeeTransportTransmit {
        final List<ZigBeeKey> networkKeys = new ArrayList<>();
        final List<ZigBeeKey> linkKeys = new ArrayList<>();
        ZigBeeStatus initStatus = ZigBeeStatus.SUCCESS;
        ZigBeeChannel channel = ZigBeeChannel.CHANNEL_11;
        int panId;
        ExtendedPanId epanId = new ExtendedPanId();
        boolean started;
        ZigBeeTransportReceive receiver;

        @Override
        public ZigBeeStatus initialize() {
            if (initStatus == ZigBeeStatus.SUCCESS && receiver != null) {
                receiver.setTransportState(com.zsmartsystems.zigbee.transport.ZigBeeTransportState.UNINITIALISED);
            }
            return initStatus;
        }

        @Override
        public ZigBeeStatus startup(boolean reinitialize) {
            started = true;
            if (receiver != null) {
                receiver.setTransportState(com.zsmartsystems.zigbee.transport.ZigBeeTransportState.ONLINE);
            }
            return ZigBeeStatus.SUCCESS;
        }

        @Override
        public void shutdown() {
        }

        @Override
        public String getVersionString() {
            return "recording";
        }

        @Override
        public IeeeAddress getIeeeAddress() {
            return new IeeeAddress("00124B0000000001");
        }

        @Override
        public Integer getNwkAddress() {
            return 0;
        }

        @Override
        public void sendCommand(int msgTag, ZigBeeApsFrame apsFrame) {
        }

        @Override
        public void setZigBeeTransportReceive(ZigBeeTransportReceive receiver) {
            this.receiver = receiver;
        }

        @Override
        public ZigBeeChannel getZigBeeChannel() {
            return channel;
        }

        @Override
        public ZigBeeStatus setZigBeeChannel(ZigBeeChannel channel) {
            this.channel = channel;
            return ZigBeeStatus.SUCCESS;
        }

        @Override
        public int getZigBeePanId() {
            return panId;
        }

        @Override
        public ZigBeeStatus setZigBeePanId(int panId) {
            this.panId = panId;
            return ZigBeeStatus.SUCCESS;
        }

        @Override
        public ExtendedPanId getZigBeeExtendedPanId() {
            return epanId;
        }

        @Override
        public ZigBeeStatus setZigBeeExtendedPanId(ExtendedPanId panId) {
            this.epanId = panId;
            return ZigBeeStatus.SUCCESS;
        }

        @Override
        public ZigBeeStatus setZigBeeNetworkKey(ZigBeeKey key) {
            assertNotNull(key);
            networkKeys.add(key);
            return ZigBeeStatus.SUCCESS;
        }

        @Override
        public ZigBeeKey getZigBeeNetworkKey() {
            return networkKeys.isEmpty() ? null : networkKeys.get(networkKeys.size() - 1);
        }

        @Override
        public ZigBeeStatus setTcLinkKey(ZigBeeKey key) {
            linkKeys.add(key);
            return ZigBeeStatus.SUCCESS;
        }

        @Override
        public ZigBeeKey getTcLinkKey() {
            return linkKeys.isEmpty() ? null : linkKeys.get(linkKeys.size() - 1);
        }

        @Override
        public void updateTransportConfig(TransportConfig configuration) {
        }
    }
}
