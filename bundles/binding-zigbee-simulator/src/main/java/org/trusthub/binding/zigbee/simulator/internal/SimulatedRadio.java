package org.trusthub.binding.zigbee.simulator.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork;
import org.trusthub.binding.zigbee.spi.CoordinatorRadio;
import org.trusthub.binding.zigbee.spi.HubAir;

/**
 * The SIMULATED coordinator radio, registered for the ZigBee bridge to use when no dongle is configured. Each time
 * the bridge opens it (a network starts) it gets a fresh simulated air, and {@link SimulatedZigbeeNetwork} is
 * registered ({@code trusthub.simulated=true}) for that network's simulated devices until the network stops.
 */
@Component(service = CoordinatorRadio.class, immediate = true, property = "trusthub.simulated=true")
public final class SimulatedRadio implements CoordinatorRadio {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedRadio.class);
    static final String SIMULATED = "trusthub.simulated";

    private volatile BundleContext context;
    private volatile SimulatedCoordinator current;

    /** Outside OSGi (tests, benchmarks): nothing is registered, {@link #simulation()} gives the devices. */
    public SimulatedRadio() {
    }

    @Activate
    void activate(BundleContext context) {
        this.context = context;
        LOG.warn("SIMULATED ZigBee coordinator radio available (trusthub.simulated=true): the ZigBee bridge uses it"
                + " unless a dongle is configured; no real ZigBee device is reachable through it");
    }

    @Deactivate
    void deactivate() {
        context = null;
    }

    @Override
    public boolean isSimulated() {
        return true;
    }

    @Override
    public String label() {
        return "SIMULATED coordinator and radio";
    }

    @Override
    public synchronized SimulatedCoordinator open(HubAir hub) {
        BundleContext bc = context;
        ServiceRegistration<?>[] registration = new ServiceRegistration<?>[1];
        SimulatedCoordinator[] opened = new SimulatedCoordinator[1];
        SimulatedCoordinator coordinator = new SimulatedCoordinator(hub, () -> closed(opened[0], registration[0]));
        opened[0] = coordinator;
        current = coordinator;
        if (bc != null) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(SIMULATED, Boolean.TRUE);
            registration[0] = bc.registerService(SimulatedZigbeeNetwork.class, coordinator.simulation(), props);
        }
        return coordinator;
    }

    /** The simulated devices of the network that has this radio open now. */
    public Optional<SimulatedZigbeeNetwork> simulation() {
        SimulatedCoordinator c = current;
        return c == null ? Optional.empty() : Optional.of(c.simulation());
    }

    private synchronized void closed(SimulatedCoordinator coordinator, ServiceRegistration<?> registration) {
        if (current == coordinator) {
            current = null;
        }
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // this bundle stopped first: the framework unregistered it
            }
        }
    }
}
