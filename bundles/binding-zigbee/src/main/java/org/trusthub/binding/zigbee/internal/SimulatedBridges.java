package org.trusthub.binding.zigbee.internal;

import java.time.Clock;

import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.binding.zigbee.JoinPolicy;
import org.trusthub.binding.zigbee.SimulatedZigbeeNetwork;
import org.trusthub.binding.zigbee.ZigbeeBridge;
import org.trusthub.security.network.zigbee.ZigbeeApsSecurity;
import org.trusthub.security.network.zigbee.ZigbeeNwkSecurity;

/**
 * Builds a simulated bridge outside OSGi, for benchmarks and load drivers (this package is never exported, so bundles
 * cannot use it).
 */
public final class SimulatedBridges {

    /** A running simulated bridge; close it when done. */
    public record Running(ZigbeeBridge bridge, SimulatedZigbeeNetwork simulation, AutoCloseable closer)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            closer.close();
        }
    }

    private SimulatedBridges() {
    }

    public static Running start(ThingRegistry registry, ThingKeyStore keystore, ZigbeeNwkSecurity nwk,
            ZigbeeApsSecurity aps, long extendedPanId) {
        TrustCenter tc = new TrustCenter(registry, keystore, nwk, aps, extendedPanId, SimulatedCoordinator.IEEE,
                JoinPolicy.INSTALL_CODE_ONLY, Clock.systemUTC());
        ZigbeeNetwork network = ZigbeeNetwork.simulated(tc, 0x1A62, extendedPanId, 15);
        return new Running(network, network.simulation(), network);
    }
}
