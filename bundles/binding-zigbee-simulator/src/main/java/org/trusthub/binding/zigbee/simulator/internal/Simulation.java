package org.trusthub.binding.zigbee.simulator.internal;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork;
import org.trusthub.binding.zigbee.spi.HubAir;

/**
 * The simulated devices on one simulated coordinator's air, and what an attacker's radio can do there (capture,
 * replay and inject frames). The devices only reach the hub as frames through its trust center.
 */
final class Simulation implements SimulatedZigbeeNetwork {

    private static final Logger LOG = LoggerFactory.getLogger(Simulation.class);
    /** How long a join waits for the hub's stack to discover the device's endpoints. */
    private static final long DISCOVERY_SECONDS = 30;
    /** How often devices back from memory announce themselves before they wait for their next frame to do it. */
    private static final int REJOIN_ATTEMPTS = 5;

    private final HubAir hub;
    private final SimulatedAir air;
    private final DeviceMemory memory;
    private int nextNwk = 0x1001;

    Simulation(HubAir hub, SimulatedAir air) {
        this(hub, air, DeviceMemory.NONE);
    }

    /** Brings the devices {@code memory} holds back onto the air, as they were (they rejoin before they speak). */
    Simulation(HubAir hub, SimulatedAir air, DeviceMemory memory) {
        this.hub = hub;
        this.air = air;
        this.memory = memory;
        for (java.util.Properties p : memory.loadAll()) {
            SimulatedDevice d = SimulatedDevice.restore(p, memory);
            air.add(d);
            nextNwk = Math.max(nextNwk, d.nwkAddress + 1);
        }
        if (!air.devices().isEmpty()) {
            LOG.info("SIMULATED ZigBee devices {} back from their memory in {}", air.devices().stream()
                    .map(d -> String.format("%016x", d.ieee)).sorted().toList(), memory);
        }
    }

    @Override
    public void addDevice(long ieeeAddress, String installCode) {
        addDevice(ieeeAddress, installCode, Zcl.SIMULATED_CLUSTERS);
    }

    @Override
    public synchronized void addDevice(long ieeeAddress, String installCode, Set<Integer> clusters) {
        SimulatedDevice known = air.device(ieeeAddress);
        if (known != null && known.sameAs(installCode, Set.copyOf(clusters)) && !known.view().left()) {
            LOG.info("SIMULATED ZigBee device {} powered on again: it keeps what its memory holds",
                    String.format("%016x", ieeeAddress));
            return;
        }
        SimulatedDevice fresh = new SimulatedDevice(ieeeAddress, nextNwk++, installCode, Set.copyOf(clusters),
                memory);
        if (known != null) {
            // Another code or clusters, or it left the network: a new device (or a factory reset) in its place.
            air.replace(known, fresh);
        } else {
            air.add(fresh);
        }
        LOG.info("SIMULATED ZigBee device {} powered on with clusters {}", String.format("%016x", ieeeAddress),
                clusters.stream().sorted().map(c -> String.format("0x%04x", c)).toList());
    }

    @Override
    public boolean join(long ieeeAddress) {
        SimulatedDevice d = device(ieeeAddress);
        Optional<String> refusal = hub.associate(ieeeAddress, d.nwkAddress);
        if (refusal.isPresent() || !d.hasNetworkKey() || !air.fromDevice(d::deviceAnnounce)) {
            return false;
        }
        // An installer sees the device once the hub has discovered what it is; so does the caller.
        if (!discovered(ieeeAddress)) {
            return false;
        }
        d.rejoined();
        return true;
    }

    /**
     * A device back from its memory announces itself first (a rejoin: it holds the network key, the hub knows it but
     * not where it is), and speaks once the hub has discovered it again. No commissioning, no key transport.
     */
    private boolean rejoined(SimulatedDevice d) {
        if (!d.rejoinPending()) {
            return true;
        }
        if (!air.fromDevice(d::deviceAnnounce) || !discovered(d.ieee)) {
            return false;
        }
        d.rejoined();
        LOG.info("SIMULATED ZigBee device {} rejoined from its memory", String.format("%016x", d.ieee));
        return true;
    }

    /**
     * Devices back from memory rejoin on their own once the network is up, as a real device does when its parent is
     * back (a sleeping sensor would wait for its next report; a lamp, which only listens, would stay unreachable).
     * On a thread of its own: a rejoin waits for the hub's discovery, which needs the air thread.
     */
    void rejoinRestored(java.util.function.BooleanSupplier closed) {
        List<SimulatedDevice> pending = air.devices().stream().filter(SimulatedDevice::rejoinPending).toList();
        if (pending.isEmpty()) {
            return;
        }
        Thread rejoin = new Thread(() -> {
            for (int attempt = 0; attempt < REJOIN_ATTEMPTS && !closed.getAsBoolean(); attempt++) {
                boolean all = true;
                for (SimulatedDevice d : pending) {
                    all &= closed.getAsBoolean() || rejoined(d);
                }
                if (all) {
                    return;
                }
            }
        }, "trusthub-zigbee-simulated-rejoin");
        rejoin.setDaemon(true);
        rejoin.start();
    }

    /** Waits (bounded) until the hub's stack has discovered the device's endpoints. */
    private boolean discovered(long ieeeAddress) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DISCOVERY_SECONDS);
        while (!hub.discovered(ieeeAddress)) {
            if (System.nanoTime() > deadline) {
                LOG.warn("SIMULATED ZigBee device {} joined but its endpoints were not discovered within {} s",
                        String.format("%016x", ieeeAddress), DISCOVERY_SECONDS);
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean reportTemperature(long ieeeAddress, double celsius) {
        SimulatedDevice d = device(ieeeAddress);
        if (!d.has(Zcl.CLUSTER_TEMPERATURE)) {
            throw new IllegalArgumentException(String.format("simulated device %016x has no temperature cluster",
                    ieeeAddress));
        }
        return d.hasNetworkKey() && rejoined(d) && air.fromDevice(() -> d.temperatureReport(celsius));
    }

    @Override
    public boolean replayLastFrame(long ieeeAddress) {
        byte[] last = device(ieeeAddress).lastSent();
        return last != null && air.fromDevice(() -> last);
    }

    @Override
    public Optional<byte[]> lastFrame(long ieeeAddress) {
        return Optional.ofNullable(device(ieeeAddress).lastSent());
    }

    @Override
    public boolean injectFrame(byte[] frame) {
        byte[] copy = Objects.requireNonNull(frame, "frame").clone();
        return air.fromDevice(() -> copy);
    }

    @Override
    public Optional<DeviceView> view(long ieeeAddress) {
        SimulatedDevice d = air.device(ieeeAddress);
        if (d == null) {
            return Optional.empty();
        }
        SimulatedDevice.SimulatedZigbeeNetworkView v = d.view();
        return Optional.of(new DeviceView(v.ieee(), v.nwk(), v.keySequence(), v.hasKey(), v.left(), v.on(),
                v.level(), v.temperature(), v.refused()));
    }

    private SimulatedDevice device(long ieee) {
        SimulatedDevice d = air.device(ieee);
        if (d == null) {
            throw new IllegalArgumentException(String.format("no simulated device %016x", ieee));
        }
        return d;
    }
}
