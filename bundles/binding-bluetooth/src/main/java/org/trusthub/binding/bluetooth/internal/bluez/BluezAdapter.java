package org.trusthub.binding.bluetooth.internal.bluez;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.binding.bluetooth.spi.Advertisement;
import org.trusthub.binding.bluetooth.spi.AirLink;
import org.trusthub.binding.bluetooth.spi.BleAdapter;
import org.trusthub.binding.bluetooth.internal.HostStackAdapter;
import org.trusthub.binding.bluetooth.internal.PairingConfirmations;
import org.trusthub.binding.bluetooth.internal.PairingResult;
import org.trusthub.security.link.ble.BleAddress;

/**
 * A real adapter through BlueZ over D-Bus (bluez-dbus). Optional: it runs only when configured
 * (etc/org.trusthub.binding.bluetooth.bluez.cfg), when bluez-dbus is installed (feature trusthub-bluetooth-bluez) and
 * when the bus and BlueZ answer; otherwise it stays down with one clear log line.
 *
 * <p>BlueZ runs pairing (SMP) and link-layer encryption in the kernel and the controller, so this adapter is a
 * {@link HostStackAdapter}: it pairs with Device1.Pair through the hub's own agent, speaks GATT through
 * GattCharacteristic1, and removes bonds with Adapter1.RemoveDevice. After pairing it reads BlueZ's bond file
 * (LTK, IRK, and the key type that says whether LE Secure Connections made it) so the bridge can keep the bond in
 * the keystore and refuse legacy pairing. That file is root's: a hub that may not read it refuses the pairing and
 * removes the device from BlueZ again, rather than hold a bond outside its keystore.
 */
@Component(service = BleAdapter.class, configurationPid = BluezAdapter.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = "trusthub.simulated=false")
@Designate(ocd = BluezAdapter.Config.class)
public final class BluezAdapter implements BleAdapter, HostStackAdapter {

    public static final String PID = "org.trusthub.binding.bluetooth.bluez";
    private static final Logger LOG = LoggerFactory.getLogger(BluezAdapter.class);

    @ObjectClassDefinition(name = "trusthub Bluetooth LE adapter (BlueZ)")
    public @interface Config {
        @AttributeDefinition(description = "BlueZ adapter name, such as hci0 (default: the first)")
        String adapter() default "";

        @AttributeDefinition(description = "How long a scan listens, in milliseconds")
        int scanMillis() default 5000;

        @AttributeDefinition(description = "D-Bus address of the bus BlueZ is on (default: the system bus)")
        String busAddress() default "";

        @AttributeDefinition(description = "Where BlueZ keeps its bonds (read after pairing to import LTK and IRK "
                + "into the keystore; root only unless granted)")
        String bondDirectory() default "/var/lib/bluetooth";

        @AttributeDefinition(description = "IO capability of the hub's pairing agent: NoInputNoOutput (Just Works "
                + "with LE Secure Connections), DisplayOnly, DisplayYesNo, KeyboardOnly or KeyboardDisplay")
        String agentCapability() default "NoInputNoOutput";

        @AttributeDefinition(description = "How long to wait for BlueZ to resolve a device's GATT services, ms")
        int servicesWaitMillis() default 10000;

        @AttributeDefinition(description = "How long a numeric comparison (agentCapability DisplayYesNo or "
                + "KeyboardDisplay) waits for trusthub:ble-pairing-confirm before the pairing is refused, seconds "
                + "(1 to 120; BlueZ itself gives an agent 60 s)")
        int confirmationSeconds() default 30;
    }

    private final BluezBus bus;
    private final int scanMillis;
    private final Path bondDirectory;

    @Activate
    public BluezAdapter(Config config, @Reference PairingConfirmations confirmations) {
        this(config.adapter(), config.busAddress(), Path.of(config.bondDirectory()), config.agentCapability(),
                config.scanMillis(), config.servicesWaitMillis(), confirmations, config.confirmationSeconds());
    }

    public BluezAdapter(String adapter, String busAddress, Path bondDirectory, String agentCapability, int scanMillis,
            int servicesWaitMillis, PairingConfirmations confirmations, int confirmationSeconds) {
        if (confirmationSeconds < 1 || confirmationSeconds > 120) {
            throw new IllegalArgumentException("confirmationSeconds must be 1 to 120, got " + confirmationSeconds);
        }
        try {
            Class.forName("com.github.hypfvieh.bluetooth.DeviceManager", false, getClass().getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("bluez-dbus is not installed: install feature trusthub-bluetooth-bluez");
        }
        try {
            this.bus = new BluezBus(adapter, busAddress, agentCapability, servicesWaitMillis,
                    new HubAgent(confirmations, Duration.ofSeconds(confirmationSeconds)));
        } catch (Exception e) {
            LOG.warn("BlueZ adapter not started: {}", e.getMessage());
            throw new IllegalStateException("BlueZ is not reachable on the bus: " + e.getMessage(), e);
        }
        this.scanMillis = scanMillis;
        this.bondDirectory = bondDirectory;
        LOG.info("BlueZ adapter {} ({}) up; pairing agent {}, bonds read from {}", bus.name(), bus.address(),
                agentCapability, bondDirectory);
    }

    /** The hub's unique name on BlueZ's bus, for tests that call the agent as BlueZ would. */
    String busUniqueName() {
        return bus.uniqueName();
    }

    @Deactivate
    public void close() {
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
        throw new IllegalStateException("BlueZ keeps the link layer in the kernel: the bridge pairs and talks GATT "
                + "through BlueZ instead of raw link-layer PDUs");
    }

    @Override
    public PairingResult pair(BleAddress address) {
        BluezBus.Paired paired = bus.pair(address.toString());
        Path info = BluezBondFile.of(bondDirectory, bus.address(), paired.identityAddress());
        BluezBondFile.Keys keys;
        try {
            keys = BluezBondFile.read(info);
        } catch (BluezBondFile.Unreadable e) {
            bus.remove(paired.identityAddress());
            throw new IllegalStateException(e.getMessage() + "; the hub keeps bonds in its keystore only, so the "
                    + "device was removed from BlueZ again");
        }
        boolean sc = keys.secureConnections() && !Boolean.TRUE.equals(paired.legacyPairing());
        LOG.info("BlueZ paired with {} (identity {}): key type {}, {}, IRK {}", address, paired.identityAddress(),
                keys.ltkType(), sc ? "LE Secure Connections" : "NOT LE Secure Connections",
                keys.irk() != null ? "distributed" : "not distributed");
        return new PairingResult(keys.ltk(), keys.irk(), BleAddress.parse(paired.identityAddress(), paired.random()),
                sc);
    }

    @Override
    public byte[] read(BleAddress identity, String characteristicUuid) {
        return bus.read(identity.toString(), characteristicUuid);
    }

    @Override
    public void write(BleAddress identity, String characteristicUuid, byte[] value) {
        bus.write(identity.toString(), characteristicUuid, value);
    }

    @Override
    public void subscribe(BleAddress identity, String characteristicUuid, Consumer<byte[]> sink) {
        bus.subscribe(identity.toString(), characteristicUuid, sink);
    }

    @Override
    public boolean remove(BleAddress identity) {
        return bus.remove(identity.toString());
    }
}
