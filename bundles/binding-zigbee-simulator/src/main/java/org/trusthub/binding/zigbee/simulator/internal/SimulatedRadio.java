package org.trusthub.binding.zigbee.simulator.internal;

import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork;
import org.trusthub.binding.zigbee.spi.CoordinatorRadio;
import org.trusthub.binding.zigbee.spi.HubAir;

/**
 * The SIMULATED coordinator radio, registered for the ZigBee bridge to use when no dongle is configured. Each time
 * the bridge opens it (a network starts) it gets a fresh simulated air, and {@link SimulatedZigbeeNetwork} is
 * registered ({@code trusthub.simulated=true}) for that network's simulated devices until the network stops. The
 * devices keep what they know in their memory (a directory), so they are on the next network's air too: after an
 * update of this bundle or of the ZigBee binding they rejoin without being commissioned again.
 */
@Component(service = CoordinatorRadio.class, immediate = true, property = "trusthub.simulated=true",
        configurationPid = SimulatedRadio.PID)
@Designate(ocd = SimulatedRadio.Config.class)
public final class SimulatedRadio implements CoordinatorRadio {

    public static final String PID = "org.trusthub.binding.zigbee.simulated";

    @ObjectClassDefinition(name = "trusthub SIMULATED ZigBee radio",
            description = "A simulated coordinator radio with simulated devices, for tests and the demo")
    public @interface Config {
        @AttributeDefinition(description = "Directory of the simulated devices' memory (their keys and frame "
                + "counters, as a device's flash holds them; default: ${karaf.data}/trusthub/zigbee-simulated)")
        String dataDirectory() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedRadio.class);
    static final String SIMULATED = "trusthub.simulated";

    private volatile BundleContext context;
    private volatile SimulatedCoordinator current;
    private volatile DeviceMemory memory;

    /**
     * Outside OSGi (tests, benchmarks): nothing is registered, {@link #simulation()} gives the devices, which keep
     * nothing beyond their network.
     */
    public SimulatedRadio() {
        this.memory = DeviceMemory.NONE;
    }

    /** Outside OSGi, with the devices' memory in {@code directory}: each network opened finds them again. */
    public SimulatedRadio(Path directory) {
        this.memory = new DeviceMemory(directory);
    }

    @Activate
    void activate(BundleContext context, Config config) {
        this.context = context;
        this.memory = new DeviceMemory(directory(config.dataDirectory()));
        LOG.warn("SIMULATED ZigBee coordinator radio available (trusthub.simulated=true): the ZigBee bridge uses it"
                + " unless a dongle is configured; no real ZigBee device is reachable through it");
    }

    /** A changed configuration does not pull the radio from under a running network: it applies at the next start. */
    @Modified
    void modified(Config config) {
        LOG.info("SIMULATED ZigBee radio: the new configuration applies when the bundle next starts");
    }

    private static Path directory(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String data = System.getProperty("karaf.data");
        if (data == null) {
            throw new IllegalStateException("set dataDirectory: karaf.data is not defined");
        }
        return Path.of(data, "trusthub", "zigbee-simulated");
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
        SimulatedCoordinator coordinator = new SimulatedCoordinator(hub, memory,
                () -> closed(opened[0], registration[0]));
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
