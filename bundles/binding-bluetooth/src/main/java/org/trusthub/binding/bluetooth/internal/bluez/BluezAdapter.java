package org.trusthub.binding.bluetooth.internal.bluez;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.binding.bluetooth.Advertisement;
import org.trusthub.binding.bluetooth.AirLink;
import org.trusthub.binding.bluetooth.BleAdapter;
import org.trusthub.security.link.ble.BleAddress;

/**
 * A real adapter through BlueZ over D-Bus (bluez-dbus). Optional: it runs only when configured
 * (etc/org.trusthub.binding.bluetooth.bluez.cfg), when bluez-dbus is installed (feature trusthub-bluetooth-bluez) and
 * when the system bus and BlueZ answer; otherwise it stays down with one clear log line.
 *
 * <p>Scanning works. Connecting does not: BlueZ runs pairing and link-layer encryption in the kernel and its
 * controller and keeps the LTK in its own bond store, so the hub's provider cannot see the link layer through D-Bus.
 */
@Component(service = BleAdapter.class, configurationPid = BluezAdapter.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = "trusthub.simulated=false")
@Designate(ocd = BluezAdapter.Config.class)
public final class BluezAdapter implements BleAdapter {

    public static final String PID = "org.trusthub.binding.bluetooth.bluez";
    private static final Logger LOG = LoggerFactory.getLogger(BluezAdapter.class);

    @ObjectClassDefinition(name = "trusthub Bluetooth LE adapter (BlueZ)")
    public @interface Config {
        @AttributeDefinition(description = "BlueZ adapter name, such as hci0 (default: the first)")
        String adapter() default "";

        @AttributeDefinition(description = "How long a scan listens, in milliseconds")
        int scanMillis() default 5000;
    }

    private final BluezBus bus;
    private final int scanMillis;

    @Activate
    public BluezAdapter(Config config) {
        try {
            Class.forName("com.github.hypfvieh.bluetooth.DeviceManager", false, getClass().getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("bluez-dbus is not installed: install feature trusthub-bluetooth-bluez");
        }
        try {
            this.bus = new BluezBus(config.adapter());
        } catch (Exception e) {
            LOG.warn("BlueZ adapter not started: {}", e.getMessage());
            throw new IllegalStateException("BlueZ is not reachable on the system bus: " + e.getMessage(), e);
        }
        this.scanMillis = config.scanMillis();
        LOG.info("BlueZ adapter {} ({}) up", bus.name(), bus.address());
    }

    @Deactivate
    void close() {
        bus.close();
    }

    @Override
    public boolean isSimulated() {
        return false;
    }

    @Override
    public String name() {
        return "BlueZ adapter " + bus.name();
    }

    @Override
    public BleAddress localAddress() {
        return BleAddress.parse(bus.address(), false);
    }

    @Override
    public List<Advertisement> scan() {
        return bus.scan(scanMillis);
    }

    @Override
    public AirLink connect(BleAddress address) {
        throw new IllegalStateException("the BlueZ adapter can scan but not yet connect: BlueZ keeps pairing, the "
                + "LTK and link encryption inside the kernel, out of the hub keystore's reach");
    }
}
