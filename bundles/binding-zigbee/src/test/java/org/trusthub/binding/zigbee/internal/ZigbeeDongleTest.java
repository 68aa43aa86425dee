package org.trusthub.binding.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trusthub.binding.zigbee.internal.RecordingTransport.bytes;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.lang.reflect.Proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.zigbee.spi.JoinPolicy;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.network.zigbee.internal.ApsSecurityProvider;
import org.trusthub.security.network.zigbee.internal.NwkSecurityProvider;

import com.zsmartsystems.zigbee.ExtendedPanId;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.security.ZigBeeKey;

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
    }

    // Created by the tests that need it: creating it enrolls the network key holder in the keystore.
    private void createTrustCenter() {
        trustCenter = new TrustCenter(registry, keystore,
                new TestSecurity(nwk, new ApsSecurityProvider(keystore)).services, EPAN,
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

    // A trust center the dongle path must not create before the dongle answers: creating one enrolls keys.
    private final Supplier<TrustCenter> mustNotBeCreated = () -> {
        throw new AssertionError("trust center created although the dongle never initialised");
    };

    @Test
    void everyKnownDongleOnAMissingPortIsRefusedNamingThePortAndNothingChanges() {
        List<ThingId> keystoreBefore = keystore.things();
        int thingsBefore = registry.list().size();
        for (DongleType type : DongleType.values()) {
            String name = type.name().toLowerCase(java.util.Locale.ROOT);
            // The real driver over the real jSerialComm port: opening /dev/nonexistent fails, so initialise fails.
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ZigbeeNetwork.openDongle(
                    mustNotBeCreated, DongleRadio.serial(name, "/dev/nonexistent", 115200), 0x1A62, EPAN, 15), name);
            assertTrue(e.getMessage().contains("'" + name + "' on serial port /dev/nonexistent"), e.getMessage());
        }
        assertEquals(keystoreBefore, keystore.things());
        assertEquals(thingsBefore, registry.list().size());
    }

    @Test
    void unknownOrMissingDongleTypeIsRefusedWithTheKnownTypes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ZigbeeNetwork.openDongle(
                mustNotBeCreated, DongleRadio.serial("zwave", "/dev/ttyUSB0", 115200), 0x1A62, EPAN, 15));
        assertEquals("unknown dongleType 'zwave': expected one of ember, telegesis, cc2531, xbee, conbee",
                e.getMessage());
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class, () -> ZigbeeNetwork
                .openDongle(mustNotBeCreated, DongleRadio.serial(" ", "/dev/ttyUSB0", 115200), 0x1A62, EPAN,
                        15));
        assertTrue(blank.getMessage().startsWith("dongleType is required when serialPort is set"), blank.getMessage());
        assertEquals(DongleType.CONBEE, DongleType.parse(" ConBee "));
    }

    /** The component as Config Admin starts it: it logs and registers nothing, for a missing port or unknown type. */
    @Test
    void theComponentWithAMissingPortOrUnknownTypeRegistersNoBridgeAndNoSimulation() {
        List<ThingId> keystoreBefore = keystore.things();
        for (String type : new String[] {"ember", "zwave"}) {
            List<Object> registered = new ArrayList<>();
            TestSecurity security = new TestSecurity(nwk, new ApsSecurityProvider(keystore));
            ZigbeeBindingComponent component = new ZigbeeBindingComponent(registry, keystore);
            component.bindNwk(security.nwk);
            component.bindAps(security.aps);
            component.activate(context(registered),
                    config(Map.of("serialPort", "/dev/nonexistent", "dongleType", type)));
            assertTrue(registered.isEmpty(), type + ": registered " + registered);
            component.deactivate();
        }
        assertEquals(keystoreBefore, keystore.things(), "no network key holder enrolled for a bridge that never ran");
    }

    private static BundleContext context(List<Object> registered) {
        return (BundleContext) Proxy.newProxyInstance(ZigbeeDongleTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("registerService")) {
                        registered.add(args[0]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static ZigbeeConfig config(Map<String, Object> values) {
        return (ZigbeeConfig) Proxy.newProxyInstance(ZigbeeDongleTest.class.getClassLoader(),
                new Class<?>[] {ZigbeeConfig.class}, (proxy, method, args) -> values.getOrDefault(method.getName(),
                        method.getDefaultValue()));
    }

    @Test
    void theDongleGetsTheKeystoresCurrentNetworkKeyAndARotationItCannotCarryIsRefused() {
        createTrustCenter();
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

            // The Ember driver cannot carry a new key to a running network (ZigbeeDongleTrustCenterTest): refused, and
            // the keystore keeps the key the dongle has.
            byte[] old = currentKeyBytes();
            assertThrows(UnsupportedOperationException.class, network::rotateNetworkKey);
            assertEquals(1, transport.networkKeys.size());
            assertArrayEquals(old, currentKeyBytes());
        } finally {
            network.close();
        }
    }

    @Test
    void aCommissionedDevicesInstallCodeLinkKeyFromTheKeystoreGoesToTheDongle() {
        createTrustCenter();
        RecordingTransport transport = new RecordingTransport();
        ZigbeeNetwork network = ZigbeeNetwork.dongle(trustCenter, transport, "/dev/fake", DongleType.EMBER, 0x1A62,
                EPAN, 20);
        try {
            ThingId thing = network.commission(0x00124B0000000A01L, "83FED3407A939723A5C639B26916D505C3B5", "alice");
            assertEquals(1, transport.installKeys.size());
            ZigBeeKey handed = transport.installKeys.get(0);
            assertEquals(new IeeeAddress("00124B0000000A01"), handed.getAddress());
            DerivedKey stored = keystore.storedKey(thing, org.trusthub.api.keystore.Layer.NETWORK,
                    org.trusthub.security.network.zigbee.ZigbeeApsSecurity.LINK_KEY_MECHANISM).orElseThrow();
            try {
                assertArrayEquals(stored.bytes(), bytes(handed));
            } finally {
                stored.destroy();
            }
            // A mistyped code: refused before anything reaches the dongle.
            assertThrows(IllegalArgumentException.class, () -> network.commission(0x00124B0000000B02L,
                    "83FED3407A939723A5C639B26916D505C3B6", "alice"));
            assertEquals(1, transport.installKeys.size());
        } finally {
            network.close();
        }
    }

    @Test
    void secureJoinAlsoHandsTheDefaultTrustCenterLinkKey() {
        createTrustCenter();
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
        createTrustCenter();
        RecordingTransport transport = new RecordingTransport();
        transport.initStatus = ZigBeeStatus.COMMUNICATION_ERROR;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ZigbeeNetwork.dongle(trustCenter,
                transport, "/dev/ttyACM7", DongleType.TELEGESIS, 0x1A62, EPAN, 20));
        assertTrue(e.getMessage().contains("'telegesis' on serial port /dev/ttyACM7"), e.getMessage());
        assertTrue(transport.networkKeys.isEmpty(), "no key handed to a dongle that did not initialise");
        assertFalse(transport.started);
    }
}
