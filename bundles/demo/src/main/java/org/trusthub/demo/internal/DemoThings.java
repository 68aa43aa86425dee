package org.trusthub.demo.internal;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

import org.osgi.service.component.ComponentConstants;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.security.transport.dtls.ThingPsk;

/** The demo's things, and how each is taken through the hub's lifecycle and out of it again. */
final class DemoThings {

    /** The owner of every demo thing: how the registry, the console and the dashboard tell them apart. */
    static final String OWNER = "SIMULATED-demo";

    static final ThingId COAP_THERMOSTAT = ThingId.of("sim-coap-thermostat");

    /** The simulated sensor the demo pairs, and the thing pairing makes of it (its identity address). */
    static final String BLE_SENSOR = "sim-thermo-1";
    static final ThingId BLE_THERMOMETER = ThingId.of("ble-c0514d000001");

    static final String BLE_ADAPTER_PID = "org.trusthub.binding.bluetooth.simulated";

    /** The ZigBee lamp and sensor on the SIMULATED coordinator, by IEEE address. */
    static final long ZIGBEE_LAMP_IEEE = 0x00124B00DE000001L;
    static final long ZIGBEE_SENSOR_IEEE = 0x00124B00DE000002L;
    static final ThingId ZIGBEE_LAMP = zigbeeThing(ZIGBEE_LAMP_IEEE);
    static final ThingId ZIGBEE_SENSOR = zigbeeThing(ZIGBEE_SENSOR_IEEE);

    /** Marks a configuration the demo made, so stopping it removes only that. */
    static final String CREATED_BY = "trusthub.demo";

    private DemoThings() {
    }

    /**
     * Enrolls the thing with a fresh random root secret (recommissions it when an earlier demo decommissioned it)
     * and takes it to OPERATIONAL; an OPERATIONAL thing is left as it is. The secret is never printed or kept
     * outside the keystore.
     */
    static Thing commission(ThingRegistry registry, ThingId thing, SecureRandom random) {
        Optional<Thing> known = registry.find(thing);
        if (known.isPresent() && known.get().state() == LifecycleState.OPERATIONAL) {
            return known.get();
        }
        if (known.isPresent() && !known.get().owner().equals(OWNER)) {
            throw new IllegalStateException(thing + " belongs to " + known.get().owner() + ", not to the demo");
        }
        if (known.isEmpty() || known.get().state() == LifecycleState.DECOMMISSIONED) {
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            RootCredential.Secret root = RootCredential.secret(secret);
            Arrays.fill(secret, (byte) 0);
            try {
                if (known.isEmpty()) {
                    registry.enroll(thing, OWNER, root);
                } else {
                    registry.recommission(thing, OWNER, root);
                }
            } finally {
                root.destroy();
            }
        }
        LifecycleState state = registry.get(thing).state();
        if (state == LifecycleState.MANUFACTURED) {
            registry.transition(thing, Transition.BOOTSTRAP);
            state = registry.get(thing).state();
        }
        if (state == LifecycleState.BOOTSTRAPPING) {
            registry.transition(thing, Transition.ACTIVATE);
        } else if (state == LifecycleState.MAINTENANCE) {
            registry.transition(thing, Transition.RESUME);
        }
        return registry.get(thing);
    }

    /** The thing's DTLS PSK as the CoAP binding derives it for every thing; the caller wipes it. */
    static byte[] coapPsk(ThingKeyStore keys, ThingId thing) {
        return ThingPsk.secret(keys, thing);
    }

    /**
     * Whether a deactivation of the demo's component ends the demo: its bundle stopped (the feature uninstalled, the
     * hub shut down) or the component was disabled or disposed; not a service it needs going away for a moment.
     */
    static boolean stopsTheDemo(int deactivationReason) {
        return deactivationReason == ComponentConstants.DEACTIVATION_REASON_BUNDLE_STOPPED
                || deactivationReason == ComponentConstants.DEACTIVATION_REASON_DISABLED
                || deactivationReason == ComponentConstants.DEACTIVATION_REASON_DISPOSED;
    }

    /** Decommissions every demo thing that is not yet; returns how many. */
    static int decommissionAll(ThingRegistry registry) {
        int n = 0;
        for (Thing t : registry.list()) {
            if (t.owner().equals(OWNER) && t.state() != LifecycleState.DECOMMISSIONED) {
                try {
                    registry.transition(t.id(), Transition.DECOMMISSION);
                    n++;
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(DemoThings.class).warn(
                            "trusthub demo: {} was not decommissioned: {}", t.id(), e.getMessage());
                }
            }
        }
        return n;
    }

    /** A ZigBee device's IEEE address as the console takes it. */
    static String ieee(long address) {
        return String.format("%016x", address);
    }

    /** The thing the ZigBee bridge makes of a device. */
    static ThingId zigbeeThing(long address) {
        return ThingId.of("zigbee:" + ieee(address));
    }

    /** The address a simulated peripheral advertises with now, from the output of {@code trusthub:ble-scan}. */
    static String scannedAddress(String scan, String name) {
        return scan.lines().filter(l -> l.contains(name + " (SIMULATED)"))
                .map(l -> l.strip().split("\\s*\\|\\s*")[0]).findFirst()
                .orElseThrow(() -> new IllegalStateException("the scan does not show " + name + " yet"));
    }
}
