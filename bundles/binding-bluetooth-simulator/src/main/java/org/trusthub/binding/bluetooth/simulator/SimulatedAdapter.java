package org.trusthub.binding.bluetooth.simulator;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.binding.bluetooth.spi.Advertisement;
import org.trusthub.binding.bluetooth.spi.AirLink;
import org.trusthub.binding.bluetooth.spi.BleAdapter;
import org.trusthub.security.link.ble.BleAddress;

/**
 * A SIMULATED Bluetooth LE adapter with simulated temperature sensors, for tests and the demo. Only runs when its
 * configuration exists (etc/org.trusthub.binding.bluetooth.simulated.cfg); it says SIMULATED in its service
 * properties, its name and every log line.
 */
@Component(service = { BleAdapter.class, SimulatedAdapter.class }, configurationPid = SimulatedAdapter.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = "trusthub.simulated=true")
@Designate(ocd = SimulatedAdapter.Config.class)
public final class SimulatedAdapter implements BleAdapter {

    public static final String PID = "org.trusthub.binding.bluetooth.simulated";
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedAdapter.class);

    @ObjectClassDefinition(name = "trusthub SIMULATED Bluetooth LE adapter",
            description = "A simulated adapter with simulated temperature sensors, for tests and the demo")
    public @interface Config {
        @AttributeDefinition(description = "How many simulated sensors with LE Secure Connections")
        int peripherals() default 2;

        @AttributeDefinition(description = "How many simulated sensors that only do legacy pairing")
        int legacyPeripherals() default 1;

        @AttributeDefinition(description = "Directory of the simulated sensors' flash "
                + "(default: ${karaf.data}/trusthub/ble-simulated)")
        String dataDirectory() default "";
    }

    private final SecureRandom random = new SecureRandom();
    private final List<SimulatedPeripheral> peripherals = new ArrayList<>();
    private final java.util.Map<String, SimulatedLink> lastLinks = new java.util.concurrent.ConcurrentHashMap<>();
    private final BleAddress local = BleAddress.parse("C0:FF:EE:00:00:01", true);

    @Activate
    public SimulatedAdapter(Config config) {
        this(directory(config.dataDirectory()), config.peripherals(), config.legacyPeripherals());
    }

    public SimulatedAdapter(Path directory, int sc, int legacy) {
        SimulatedFlash flash = new SimulatedFlash(directory);
        for (int i = 1; i <= sc + legacy; i++) {
            boolean isSc = i <= sc;
            String name = (isSc ? "sim-thermo-" : "sim-legacy-thermo-") + i;
            BleAddress identity = BleAddress.parse(String.format("C0:51:4D:00:00:%02X", i), true);
            peripherals.add(new SimulatedPeripheral(name, isSc, identity, flash, random));
        }
        LOG.info("SIMULATED Bluetooth LE adapter up with {} simulated peripherals ({} legacy-only) in {}",
                peripherals.size(), legacy, directory);
    }

    /**
     * A changed configuration (or Felix FileInstall touching the file) does not rebuild the simulated radio under
     * open links; the new numbers apply at the next start.
     */
    @Modified
    void modified(Config config) {
        LOG.info("SIMULATED Bluetooth LE adapter configuration changed; it applies at the next start");
    }

    private static Path directory(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String data = System.getProperty("karaf.data");
        if (data == null) {
            throw new IllegalStateException("set dataDirectory: karaf.data is not defined");
        }
        return Path.of(data, "trusthub", "ble-simulated");
    }

    @Override
    public boolean isSimulated() {
        return true;
    }

    @Override
    public String name() {
        return "SIMULATED adapter";
    }

    @Override
    public BleAddress localAddress() {
        return local;
    }

    @Override
    public List<Advertisement> scan() {
        List<Advertisement> out = new ArrayList<>();
        for (SimulatedPeripheral p : peripherals) {
            out.add(new Advertisement(p.advertise(), p.name() + " (SIMULATED)", -40 - out.size()));
        }
        return out;
    }

    @Override
    public AirLink connect(BleAddress address) {
        SimulatedPeripheral p = find(address).orElseThrow(() -> new IllegalArgumentException(
                "no simulated peripheral advertises as " + address));
        SimulatedLink link = new SimulatedLink(p, local, p.answerAt(address));
        lastLinks.put(p.name(), link);
        return link;
    }

    /** The latest connection to a simulated peripheral, for tests that play an attacker on the air. */
    public Optional<SimulatedLink> lastLink(String name) {
        return Optional.ofNullable(lastLinks.get(name));
    }

    public List<SimulatedPeripheral> peripherals() {
        return List.copyOf(peripherals);
    }

    public Optional<SimulatedPeripheral> peripheral(String name) {
        return peripherals.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private Optional<SimulatedPeripheral> find(BleAddress address) {
        return peripherals.stream().filter(p -> p.advertised().equals(address) || p.identity().equals(address)
                || p.owns(address)).findFirst();
    }
}
