package org.trusthub.binding.zigbee.simulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork;
import org.trusthub.binding.zigbee.spi.HubAir;
import org.trusthub.security.network.zigbee.NwkHeader;

/**
 * The simulated radio as the bridge opens it: each network run gets its own simulated air, registered as
 * {@link SimulatedZigbeeNetwork} with {@code trusthub.simulated=true} while the network runs, and gone when it stops.
 */
class SimulatedRadioTest {

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    /** Every service registered, and whether it still is. */
    final List<Object[]> services = new ArrayList<>();

    @Test
    void eachRunRegistersItsSimulatedNetworkUntilTheStackShutsTheRadioDown() {
        SimulatedRadio radio = new SimulatedRadio();
        radio.activate(context(), config(dir));
        assertTrue(radio.isSimulated());
        assertTrue(radio.label().contains("SIMULATED"), radio.label());

        SimulatedCoordinator first = radio.open(new NoHub());
        assertEquals(1, services.size());
        assertSame(first.simulation(), services.get(0)[0]);
        assertEquals(Boolean.TRUE, ((Dictionary<?, ?>) services.get(0)[2]).get("trusthub.simulated"));
        assertSame(first.simulation(), radio.simulation().orElseThrow());

        first.shutdown();
        assertEquals(false, services.get(0)[1], "unregistered when the network stopped");
        assertTrue(radio.simulation().isEmpty());
        first.shutdown();

        SimulatedCoordinator second = radio.open(new NoHub());
        assertNotSame(first.simulation(), second.simulation(), "a fresh air for the next run");
        assertEquals(true, services.get(1)[1]);
    }

    static SimulatedRadio.Config config(java.nio.file.Path directory) {
        return new SimulatedRadio.Config() {
            @Override
            public String dataDirectory() {
                return directory.toString();
            }

            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return SimulatedRadio.Config.class;
            }
        };
    }

    @Test
    void theHubLearnsTheCoordinatorsAddressAndItsWayToDevicesWhenOpened() {
        NoHub hub = new NoHub();
        new SimulatedRadio().open(hub);
        assertEquals(SimulatedCoordinator.IEEE, hub.coordinator);
        assertTrue(hub.air != null);
    }

    /** A hub that admits nothing: only what opening the radio tells it is recorded. */
    static final class NoHub implements HubAir {
        ToDevices air;
        long coordinator;

        @Override
        public void attach(ToDevices air, long coordinatorIeee) {
            this.air = air;
            this.coordinator = coordinatorIeee;
        }

        @Override
        public byte[] secureToDevice(NwkHeader header, byte[] apsFrame) {
            throw new IllegalStateException("no NWK provider");
        }

        @Override
        public Optional<Accepted> openFromDevice(byte[] frame) {
            return Optional.empty();
        }

        @Override
        public Optional<String> associate(long ieeeAddress, int nwkAddress) {
            return Optional.of("not commissioned");
        }

        @Override
        public boolean discovered(long ieeeAddress) {
            return false;
        }
    }

    // Just enough of a framework: registrations are recorded, and unregistering marks them gone.
    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("registerService")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Object[] entry = {args[1], true, args[2]};
                    services.add(entry);
                    return Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                                if (m.getName().equals("unregister")) {
                                    entry[1] = false;
                                    return null;
                                }
                                throw new UnsupportedOperationException(m.getName());
                            });
                });
    }
}
