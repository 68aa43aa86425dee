package org.trusthub.binding.bluetooth.internal.bluez;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import com.github.hypfvieh.DbusHelper;
import com.github.hypfvieh.bluetooth.DeviceManager;
import com.github.hypfvieh.bluetooth.wrapper.BluetoothAdapter;
import com.github.hypfvieh.bluetooth.wrapper.BluetoothDevice;

import org.bluez.Adapter1;
import org.bluez.AgentManager1;
import org.bluez.Device1;
import org.bluez.GattCharacteristic1;
import org.bluez.exceptions.BluezAlreadyConnectedException;
import org.bluez.exceptions.BluezAlreadyExistsException;
import org.freedesktop.dbus.DBusAsyncReply;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.binding.bluetooth.spi.Advertisement;
import org.trusthub.security.link.ble.BleAddress;

/**
 * Every call into bluez-dbus, kept in this one class so the bridge bundle loads without it: BluezAdapter only touches
 * it after checking that the library is wired. Devices are found by their Address property, not by object path:
 * after pairing with a resolvable private address BlueZ keeps the object it made for that address and changes its
 * Address to the identity address.
 */
final class BluezBus implements AutoCloseable {

    static final String DEVICE = "org.bluez.Device1";
    static final String GATT_SERVICE = "org.bluez.GattService1";
    static final String GATT_CHARACTERISTIC = "org.bluez.GattCharacteristic1";
    private static final String BLUEZ = "org.bluez";
    private static final Logger LOG = LoggerFactory.getLogger(BluezBus.class);

    /** What BlueZ says about a device after pairing. */
    record Paired(String identityAddress, boolean random, Boolean legacyPairing) {
    }

    private final DeviceManager manager;
    private final DBusConnection connection;
    private final BluetoothAdapter adapter;
    private final String adapterPath;
    private final HubAgent agent;
    private final Map<String, AutoCloseable> notifications = new ConcurrentHashMap<>();
    private final long servicesWaitMillis;
    /** How much longer than the operator's comparison a pairing may take (BlueZ's own SMP exchange). */
    private static final java.time.Duration PAIR_MARGIN = java.time.Duration.ofSeconds(20);
    private static final String ALREADY_EXISTS = "org.bluez.Error.AlreadyExists";

    BluezBus(String adapterName, String busAddress, String agentCapability, long servicesWaitMillis,
            HubAgent agent) throws Exception {
        this.servicesWaitMillis = servicesWaitMillis;
        this.agent = agent;
        manager = busAddress == null || busAddress.isBlank() ? DeviceManager.createInstance(false)
                : DeviceManager.createInstance(busAddress);
        connection = manager.getDbusConnection();
        List<BluetoothAdapter> adapters = manager.getAdapters();
        BluetoothAdapter chosen = null;
        for (BluetoothAdapter a : adapters) {
            if (adapterName == null || adapterName.isBlank() || adapterName.equals(a.getDeviceName())) {
                chosen = a;
                break;
            }
        }
        if (chosen == null) {
            manager.closeConnection();
            throw new IllegalStateException("BlueZ has no adapter " + (adapterName == null ? "" : adapterName)
                    + " (found " + adapters.size() + ")");
        }
        adapter = chosen;
        adapterPath = "/org/bluez/" + adapter.getDeviceName();
        manager.setDefaultAdapter(adapter);
        try {
            connection.exportObject(agent);
            remote("/org/bluez", AgentManager1.class).RegisterAgent(new DBusPath(HubAgent.PATH), agentCapability);
        } catch (DBusException | DBusExecutionException e) {
            manager.closeConnection();
            throw new IllegalStateException("BlueZ refused the hub's pairing agent (" + agentCapability + "): "
                    + why(e), e);
        }
    }

    /** The hub's unique name on the bus (where BlueZ calls the agent). */
    String uniqueName() {
        return connection.getUniqueName();
    }

    String address() {
        return adapter.getAddress();
    }

    String name() {
        return adapter.getDeviceName();
    }

    List<Advertisement> scan(int millis) {
        List<Advertisement> out = new ArrayList<>();
        for (BluetoothDevice d : manager.scanForBluetoothDevices(millis)) {
            Short rssi = d.getRssi();
            out.add(new Advertisement(BleAddress.parse(d.getAddress(), true), d.getName() == null ? "" : d.getName(),
                    rssi == null ? 0 : rssi));
        }
        return out;
    }

    /** Device1.Pair through the hub's agent; blocks until BlueZ answers. */
    Paired pair(String address) {
        String path = devicePath(address).orElseThrow(() -> new IllegalArgumentException("BlueZ knows no device "
                + address + " on " + name() + ": scan first"));
        agent.expect(path, address);
        try {
            // dbus-java waits 20 s for a reply by default; a numeric comparison waits for the operator longer
            DBusAsyncReply<?> call = connection.callMethodAsync(remote(path, Device1.class), "Pair");
            Message reply = call.getCall().getReply(agent.confirmationWait().plus(PAIR_MARGIN).toMillis());
            if (reply == null) {
                throw new IllegalStateException("BlueZ could not pair with " + address + ": no answer within "
                        + agent.confirmationWait().plus(PAIR_MARGIN).toSeconds() + " s");
            }
            if (reply instanceof org.freedesktop.dbus.messages.Error error) {
                throw error.getException();
            }
        } catch (BluezAlreadyExistsException e) {
            LOG.info("BlueZ already had a bond with {}; the hub takes it over", address);
        } catch (DBusExecutionException e) {
            if (!ALREADY_EXISTS.equals(e.getType())) {
                throw new IllegalStateException("BlueZ could not pair with " + address + ": " + why(e));
            }
            LOG.info("BlueZ already had a bond with {}; the hub takes it over", address);
        } catch (DBusException e) {
            throw new IllegalStateException("BlueZ could not pair with " + address + ": " + why(e));
        } finally {
            agent.done(path);
        }
        if (!Boolean.TRUE.equals(property(path, DEVICE, "Paired"))) {
            throw new IllegalStateException("BlueZ reports " + address + " as not paired after pairing");
        }
        String identity = property(path, DEVICE, "Address");
        return new Paired(identity, "random".equals(property(path, DEVICE, "AddressType")),
                property(path, DEVICE, "LegacyPairing"));
    }

    byte[] read(String address, String uuid) {
        try {
            return remote(characteristic(address, uuid), GattCharacteristic1.class).ReadValue(Map.of());
        } catch (DBusException | DBusExecutionException e) {
            throw new IllegalStateException("BlueZ could not read " + uuid + " of " + address + ": " + why(e));
        }
    }

    void write(String address, String uuid, byte[] value) {
        try {
            remote(characteristic(address, uuid), GattCharacteristic1.class).WriteValue(value,
                    Map.of("type", new Variant<>("request")));
        } catch (DBusException | DBusExecutionException e) {
            throw new IllegalStateException("BlueZ could not write " + uuid + " of " + address + ": " + why(e));
        }
    }

    /** Notified values arrive as PropertiesChanged of the characteristic's Value. */
    void subscribe(String address, String uuid, Consumer<byte[]> sink) {
        String path = characteristic(address, uuid);
        try {
            // any local process may emit a signal with this path: only BlueZ's own are notifications
            String bluez = remote("/org/freedesktop/DBus", "org.freedesktop.DBus", DBus.class).GetNameOwner(BLUEZ);
            AutoCloseable handler = connection.addSigHandler(Properties.PropertiesChanged.class, signal -> {
                if (!bluez.equals(signal.getSource())) {
                    LOG.warn("a PropertiesChanged signal for {} from {}, not from BlueZ ({}), was ignored", path,
                            signal.getSource(), bluez);
                    return;
                }
                if (path.equals(signal.getPath()) && GATT_CHARACTERISTIC.equals(signal.getInterfaceName())) {
                    Variant<?> value = signal.getPropertiesChanged().get("Value");
                    if (value != null) {
                        sink.accept(bytes(value.getValue()));
                    }
                }
            });
            closeQuietly(notifications.put(path, handler));
            remote(path, GattCharacteristic1.class).StartNotify();
        } catch (DBusException | DBusExecutionException e) {
            closeQuietly(notifications.remove(path));
            throw new IllegalStateException("BlueZ could not start notifications of " + uuid + " of " + address
                    + ": " + why(e));
        }
    }

    /** Adapter1.RemoveDevice: BlueZ disconnects and deletes its bond. */
    boolean remove(String address) {
        Optional<String> path = devicePath(address);
        if (path.isEmpty()) {
            return false;
        }
        notifications.keySet().removeIf(p -> {
            if (p.startsWith(path.get() + "/")) {
                closeQuietly(notifications.get(p));
                return true;
            }
            return false;
        });
        try {
            remote(adapterPath, Adapter1.class).RemoveDevice(new DBusPath(path.get()));
            return true;
        } catch (DBusException | DBusExecutionException e) {
            throw new IllegalStateException("BlueZ could not remove " + address + ": " + why(e));
        }
    }

    /** The characteristic's object of a bonded device, connecting first and waiting for service discovery. */
    private String characteristic(String address, String uuid) {
        String device = devicePath(address).orElseThrow(() -> new IllegalStateException("BlueZ knows no device "
                + address + " (removed from BlueZ? pair again)"));
        if (!Boolean.TRUE.equals(property(device, DEVICE, "Paired"))) {
            throw new IllegalStateException("BlueZ has no bond with " + address + "; the hub talks to bonded "
                    + "devices only");
        }
        if (!Boolean.TRUE.equals(property(device, DEVICE, "Connected"))) {
            try {
                remote(device, Device1.class).Connect();
            } catch (BluezAlreadyConnectedException e) {
                // connected meanwhile
            } catch (DBusException | DBusExecutionException e) {
                throw new IllegalStateException("BlueZ could not connect to " + address + ": " + why(e));
            }
        }
        long deadline = System.nanoTime() + servicesWaitMillis * 1_000_000L;
        while (true) {
            Optional<String> found = findCharacteristic(device, uuid);
            if (found.isPresent()) {
                return found.get();
            }
            if (Boolean.TRUE.equals(property(device, DEVICE, "ServicesResolved")) || System.nanoTime() > deadline) {
                throw new IllegalStateException(address + " has no characteristic " + uuid);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while BlueZ resolved the services of " + address);
            }
        }
    }

    private Optional<String> findCharacteristic(String device, String uuid) {
        for (String s : DbusHelper.findNodes(connection, device)) {
            if (!s.startsWith("service")) {
                continue;
            }
            String service = device + "/" + s;
            for (String c : DbusHelper.findNodes(connection, service)) {
                String chr = service + "/" + c;
                if (c.startsWith("char") && uuid.equalsIgnoreCase(property(chr, GATT_CHARACTERISTIC, "UUID"))) {
                    return Optional.of(chr);
                }
            }
        }
        return Optional.empty();
    }

    /** The object of the device whose Address is this one (public, random or identity address). */
    private Optional<String> devicePath(String address) {
        for (String node : DbusHelper.findNodes(connection, adapterPath)) {
            if (!node.startsWith("dev_")) {
                continue;
            }
            String path = adapterPath + "/" + node;
            try {
                if (address.equalsIgnoreCase(property(path, DEVICE, "Address"))) {
                    return Optional.of(path);
                }
            } catch (DBusExecutionException e) {
                // removed while looking
            }
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private <A> A property(String path, String iface, String name) {
        try {
            return (A) remote(path, Properties.class).Get(iface, name);
        } catch (DBusException e) {
            throw new IllegalStateException("BlueZ property " + name + " of " + path + ": " + why(e));
        }
    }

    private <T extends org.freedesktop.dbus.interfaces.DBusInterface> T remote(String path, Class<T> type)
            throws DBusException {
        return connection.getRemoteObject(BLUEZ, path, type);
    }

    private <T extends org.freedesktop.dbus.interfaces.DBusInterface> T remote(String path, String busName,
            Class<T> type) throws DBusException {
        return connection.getRemoteObject(busName, path, type);
    }

    static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof List<?> list) {
            byte[] out = new byte[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) list.get(i)).byteValue();
            }
            return out;
        }
        throw new IllegalStateException("BlueZ sent a value of type " + (value == null ? "null"
                : value.getClass().getSimpleName()) + " where octets were expected");
    }

    private static String why(Exception e) {
        if (e instanceof DBusExecutionException x && x.getType() != null) {
            return x.getType() + (x.getMessage() == null ? "" : " (" + x.getMessage() + ")");
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing a BlueZ signal handler: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        notifications.values().forEach(BluezBus::closeQuietly);
        notifications.clear();
        try {
            remote("/org/bluez", AgentManager1.class).UnregisterAgent(new DBusPath(HubAgent.PATH));
        } catch (DBusException | DBusExecutionException e) {
            LOG.debug("unregistering the pairing agent: {}", e.toString());
        }
        manager.closeConnection();
    }
}
