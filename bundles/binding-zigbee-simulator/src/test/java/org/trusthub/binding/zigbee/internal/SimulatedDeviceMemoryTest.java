package org.trusthub.binding.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork;
import org.trusthub.binding.zigbee.simulator.internal.SimulatedRadio;
import org.trusthub.binding.zigbee.spi.JoinPolicy;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.network.zigbee.ZigbeeCodec;
import org.trusthub.testkit.Await;

/**
 * An update of the ZigBee binding or of the simulator (a new trust center and network, a new simulated radio over the
 * same directory): the simulated device comes back from its memory, rejoins on its own (no commissioning, no key
 * transport) and reports on, with frame counters above every one it sent before.
 */
class SimulatedDeviceMemoryTest {

    private static final long A = 0x00124B0000000B01L;
    private static final String CODE = "83FED3407A939723A5C639B26916D505C3B5";
    private static final long PAN = 0xDDDDDDDDDDDDDDDDL;

    @TempDir
    Path dir;
    FileThingKeyStore keystore;
    ThingRegistryCore registry;
    ZigbeeNetwork network;
    SimulatedZigbeeNetwork sim;

    @BeforeEach
    void setUp() throws Exception {
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, LifecycleEventSink.NONE,
                Clock.systemUTC());
        startBridge();
    }

    @AfterEach
    void tearDown() throws Exception {
        network.close();
        registry.close();
        keystore.close();
    }

    // What activating the bundles does: fresh providers, trust center and simulated radio.
    private void startBridge() {
        TrustCenter tc = new TrustCenter(registry, keystore, new TestSecurity(keystore).services, PAN,
                JoinPolicy.INSTALL_CODE_ONLY, Clock.systemUTC());
        SimulatedRadio radio = new SimulatedRadio(dir.resolve("simulated"));
        network = ZigbeeNetwork.onRadio(tc, radio, 0x1A62, PAN, 15);
        sim = radio.simulation().orElseThrow();
    }

    private long lastCounter() throws Exception {
        return ZigbeeCodec.parseNwk(sim.lastFrame(A).orElseThrow()).aux().frameCounter();
    }

    @Test
    void aDeviceComesBackFromItsMemoryAndReportsOnWithoutBeingCommissionedAgain() throws Exception {
        ThingId a = network.commission(A, CODE, "alice");
        sim.addDevice(A, CODE);
        network.permitJoin(60);
        assertTrue(sim.join(A));
        for (int i = 0; i < 5; i++) {
            assertTrue(sim.reportTemperature(A, 19.5 + i));
        }
        long before = lastCounter();
        SimulatedZigbeeNetwork.DeviceView was = sim.view(A).orElseThrow();
        network.close();
        startBridge();

        SimulatedZigbeeNetwork.DeviceView is = sim.view(A).orElseThrow(() -> new AssertionError(
                "the device is not on the new network's air"));
        assertTrue(is.hasNetworkKey());
        assertEquals(was.keySequence(), is.keySequence());
        assertEquals(was.networkAddress(), is.networkAddress());
        // No permit-join, no join: the device announces itself, the hub discovers it again, its report goes in.
        assertTrue(sim.reportTemperature(A, 25.0), "the device reports on after the update");
        assertTrue(network.discovered(A));
        assertEquals(was.networkAddress(), network.device(a).orElseThrow().networkAddress(),
                "placed again by its own announce");
        assertTrue(lastCounter() > before, "its frame counter went on: " + lastCounter() + " after " + before);
        assertEquals(LifecycleState.OPERATIONAL, registry.get(a).state());
    }

    /** A lamp only listens: it rejoins when the network is up, so the hub's commands reach it without a report. */
    @Test
    void aDeviceBackFromItsMemoryRejoinsByItselfOnceTheNetworkIsUp() throws Exception {
        ThingId a = network.commission(A, CODE, "alice");
        sim.addDevice(A, CODE);
        network.permitJoin(60);
        assertTrue(sim.join(A));
        int address = sim.view(A).orElseThrow().networkAddress();
        network.close();
        startBridge();
        Await.until("the device rejoined by itself", () -> network.discovered(A)
                && network.device(a).orElseThrow().networkAddress() == address);
    }

    @Test
    void everyCounterADeviceMayHaveUsedIsBehindItAfterItComesBack() throws Exception {
        network.commission(A, CODE, "alice");
        sim.addDevice(A, CODE);
        network.permitJoin(60);
        assertTrue(sim.join(A));
        assertTrue(sim.reportTemperature(A, 19.5));
        long before = lastCounter();
        network.close();
        startBridge();
        assertTrue(sim.reportTemperature(A, 20.0));
        // Its memory was written once per block of counters, not per frame: it starts above the block it had.
        assertTrue(lastCounter() > before + 1, "counter " + lastCounter() + " after " + before);

        // Powered on again by whoever set it up: the same device, its memory kept, not a new one.
        sim.addDevice(A, CODE);
        assertTrue(sim.reportTemperature(A, 20.5));
    }

    /** Another install code on the same address is another device (or a factory reset): it starts with nothing. */
    @Test
    void aDevicePoweredOnWithAnotherCodeStartsAfresh() throws Exception {
        network.commission(A, CODE, "alice");
        sim.addDevice(A, CODE);
        network.permitJoin(60);
        assertTrue(sim.join(A));
        sim.addDevice(A, "11223344556677884AF7");
        assertTrue(!sim.view(A).orElseThrow().hasNetworkKey(), "the new device holds no network key");
        network.close();
        startBridge();
        assertTrue(!sim.view(A).orElseThrow().hasNetworkKey(), "nor does it after an update");
    }

    @Test
    void theMemoryIsTheDevicesOwnerOnly() throws Exception {
        network.commission(A, CODE, "alice");
        sim.addDevice(A, CODE);
        try (Stream<Path> files = Files.list(dir.resolve("simulated"))) {
            List<Path> stored = files.toList();
            assertEquals(1, stored.size(), String.valueOf(stored));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stored.get(0))));
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("simulated"))), "the directory is the owner's only too");
    }

    @Test
    void aDeviceThatLeftKeepsNoNetworkKeyOnDisk() throws Exception {
        ThingId a = network.commission(A, CODE, "alice");
        sim.addDevice(A, CODE);
        network.permitJoin(60);
        assertTrue(sim.join(A));
        Path stored = dir.resolve("simulated").resolve(String.format("%016x.properties", A));
        assertTrue(Files.readString(stored).matches("(?s).*networkKey=[0-9a-f]{32}.*"), "a joined device holds it");
        network.decommission(a);
        assertTrue(sim.view(A).orElseThrow().left());
        assertTrue(Files.readString(stored).contains("networkKey=\n") || Files.readString(stored)
                .lines().anyMatch(l -> l.equals("networkKey=")), Files.readString(stored));
    }
}
