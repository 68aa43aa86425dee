package org.trusthub.benchmarks.zigbee;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.trusthub.binding.zigbee.internal.StandaloneBridges;
import org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork;
import org.trusthub.binding.zigbee.simulator.internal.SimulatedRadio;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.network.zigbee.InstallCode;
import org.trusthub.security.network.zigbee.internal.ApsSecurityProvider;
import org.trusthub.security.network.zigbee.internal.NwkSecurityProvider;

/**
 * Time to rotate the network key of a network of simulated devices that joined with install codes: a new key
 * generation in the (file, encrypted, durable) keystore, a Transport-Key to each device under its own link key from
 * the keystore, a Switch-Key to each, the devices opening both, and the switch completed.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar zigbee.NetworkKeyRotationBenchmark -f 1 -wi 2 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class NetworkKeyRotationBenchmark {

    @Param("200")
    public int devices;

    private Path dir;
    private FileThingKeyStore keystore;
    private ThingRegistryCore registry;
    private StandaloneBridges.Running bridge;
    private SimulatedZigbeeNetwork simulation;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("zigbee-rotation");
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, LifecycleEventSink.NONE,
                Clock.systemUTC());
        SimulatedRadio radio = new SimulatedRadio();
        bridge = StandaloneBridges.start(registry, keystore, new NwkSecurityProvider(keystore),
                new ApsSecurityProvider(keystore), 0x0123456789ABCDEFL, radio);
        simulation = radio.simulation().orElseThrow();
        bridge.bridge().permitJoin(254);
        Random random = new Random(7);
        // Each join waits for the stack's service discovery of the device, which starts after a random pause of up
        // to 2 s: join many at once, as devices do when a whole installation is powered on.
        java.util.concurrent.ExecutorService joining = java.util.concurrent.Executors.newFixedThreadPool(32);
        java.util.List<java.util.concurrent.Future<?>> joins = new java.util.ArrayList<>();
        for (int i = 0; i < devices; i++) {
            byte[] code = new byte[18];
            random.nextBytes(code);
            int crc = InstallCode.crc16x25(code, 16);
            code[16] = (byte) crc;
            code[17] = (byte) (crc >> 8);
            String text = HexFormat.of().formatHex(code);
            long ieee = 0x00124B0000000000L + i;
            bridge.bridge().commission(ieee, text, "bench");
            simulation.addDevice(ieee, text);
            int n = i;
            joins.add(joining.submit(() -> {
                if (!simulation.join(ieee)) {
                    throw new IllegalStateException("device " + n + " did not join");
                }
                return null;
            }));
        }
        try {
            for (java.util.concurrent.Future<?> f : joins) {
                f.get();
            }
        } finally {
            joining.shutdownNow();
        }
    }

    @Benchmark
    public int rotate() {
        return bridge.bridge().rotateNetworkKey();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        long behind = bridge.bridge().devices().size();
        bridge.close();
        registry.close();
        keystore.close();
        if (behind != devices) {
            throw new IllegalStateException("expected " + devices + " devices, saw " + behind);
        }
    }
}
