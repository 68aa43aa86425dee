package org.trusthub.binding.zigbee.internal;

import java.time.Clock;
import java.util.Set;

import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.binding.zigbee.spi.CoordinatorRadio;
import org.trusthub.binding.zigbee.spi.JoinPolicy;
import org.trusthub.binding.zigbee.spi.ZigbeeBridge;
import org.trusthub.security.network.zigbee.ZigbeeApsSecurity;
import org.trusthub.security.network.zigbee.ZigbeeNwkSecurity;

/**
 * Builds a bridge on a coordinator radio outside OSGi, for benchmarks and load drivers (this package is never
 * exported, so bundles cannot use it).
 */
public final class StandaloneBridges {

    /** A running bridge; close it when done. */
    public record Running(ZigbeeBridge bridge, AutoCloseable closer) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            closer.close();
        }
    }

    private StandaloneBridges() {
    }

    // Outside OSGi there is no policy service: nothing beyond what the ZigBee mechanisms give is required.
    private static final SecurityPolicy NO_REQUIREMENT = new SecurityPolicy() {
        @Override
        public Protection inbound(ThingId thing, String protocol) {
            return Protection.NONE;
        }

        @Override
        public Protection outbound(ThingId thing, String protocol) {
            return Protection.NONE;
        }

        @Override
        public boolean mayRead(ThingId caller, ThingId target, String property) {
            return false;
        }

        @Override
        public boolean mayWrite(ThingId caller, ThingId target, String property) {
            return false;
        }

        @Override
        public boolean mayRequestToken(ThingId client, ThingId audience, Set<String> scopes) {
            return false;
        }

        @Override
        public boolean mayPair(ThingId thing, ThingId peer) {
            return false;
        }
    };

    /** A bridge on {@code radio} (one without security firmware, such as the simulated coordinator). */
    public static Running start(ThingRegistry registry, ThingKeyStore keystore, ZigbeeNwkSecurity nwk,
            ZigbeeApsSecurity aps, long extendedPanId, CoordinatorRadio radio) {
        TrustCenter tc = new TrustCenter(registry, keystore, SecurityServices.of(nwk, aps, NO_REQUIREMENT, null),
                extendedPanId, JoinPolicy.INSTALL_CODE_ONLY, Clock.systemUTC());
        ZigbeeNetwork network = ZigbeeNetwork.onRadio(tc, radio, 0x1A62, extendedPanId, 15);
        return new Running(network, network);
    }
}
