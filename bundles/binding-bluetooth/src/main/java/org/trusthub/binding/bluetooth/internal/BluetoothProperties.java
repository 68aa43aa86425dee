package org.trusthub.binding.bluetooth.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.model.InvalidValueException;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.model.PropertyType;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;

/**
 * The bonded Bluetooth LE things' GATT values in the hub's thing model, the only way to their values and commands:
 * the environmental sensing temperature (read-only, from reads and notifications over the encrypted link, each
 * accepted by the sessions' inbound path first) and the writable measurement interval. The bridge registers it as a
 * {@link PropertyProvider}, describes a thing when it is commissioned and takes it out of service when it is released.
 */
public final class BluetoothProperties implements PropertyProvider {

    /** The measurement interval (org.bluetooth.characteristic 0x2A21), whole seconds. */
    static final String INTERVAL = "interval";
    static final List<PropertyDescriptor> SENSOR = List.of(PropertyDescriptor.temperature(),
            new PropertyDescriptor(INTERVAL, PropertyType.NUMBER, "Measurement interval", "s", true, 1.0, 65535.0));

    private static final Logger LOG = LoggerFactory.getLogger(BluetoothProperties.class);

    private final BluetoothBridgeImpl bridge;
    private final GattSessions sessions;
    private final ThingRegistry registry;
    private volatile PropertySink sink;
    private volatile ExecutorService reads;
    /** The last temperature accepted per thing, published again when a model attaches. */
    private final Map<ThingId, Double> last = new ConcurrentHashMap<>();

    BluetoothProperties(BluetoothBridgeImpl bridge, GattSessions sessions, ThingRegistry registry) {
        this.bridge = bridge;
        this.sessions = sessions;
        this.registry = registry;
    }

    @Override
    public String binding() {
        return BluetoothBridgeImpl.PROTOCOL;
    }

    @Override
    public boolean isSimulated() {
        return bridge.isSimulated();
    }

    @Override
    public void attach(PropertySink s) {
        reads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "trusthub-bluetooth-model");
            t.setDaemon(true);
            return t;
        });
        sink = s;
        for (BluetoothBridge.BondInfo bond : bridge.bonds()) {
            describe(bond.thing());
        }
    }

    @Override
    public void detach(PropertySink s) {
        sink = null;
        close();
    }

    void close() {
        ExecutorService r = reads;
        if (r != null) {
            r.shutdownNow();
        }
    }

    /** Puts an operational, bonded thing in the model with its last known temperature. */
    void describe(ThingId thing) {
        PropertySink s = sink;
        if (s == null || !isOperational(thing) || !bridge.isBonded(thing)) {
            return;
        }
        try {
            s.describe(thing, SENSOR);
            Double celsius = last.get(thing);
            if (celsius != null) {
                s.update(thing, PropertyDescriptor.TEMPERATURE, celsius, Origin.READ);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.info("Bluetooth LE thing {} not in the thing model: {}", thing, e.getMessage());
        }
    }

    /** A temperature the bridge accepted; it also brings an unavailable thing back into service. */
    void publish(ThingId thing, double celsius, Origin origin) {
        last.put(thing, celsius);
        PropertySink s = sink;
        if (s == null) {
            return;
        }
        try {
            s.update(thing, PropertyDescriptor.TEMPERATURE, celsius, origin);
        } catch (IllegalArgumentException notDescribed) {
            describe(thing);
        } catch (IllegalStateException e) {
            LOG.info("Bluetooth LE temperature of {} not taken by the thing model: {}", thing, e.getMessage());
        }
    }

    /** The thing is out of service (no link, or its values no longer meet the policy): values go UNAVAILABLE. */
    void unavailable(ThingId thing) {
        PropertySink s = sink;
        if (s == null) {
            return;
        }
        try {
            s.unavailable(thing);
        } catch (IllegalArgumentException | IllegalStateException notDescribed) {
            // it never was in the model
        }
    }

    /** The bond is gone: the last value is forgotten (the model drops a decommissioned thing itself). */
    void forget(ThingId thing) {
        last.remove(thing);
        if (registry.find(thing).map(t -> t.state() != LifecycleState.DECOMMISSIONED).orElse(false)) {
            unavailable(thing);
        }
    }

    private boolean isOperational(ThingId thing) {
        return registry.find(thing).map(Thing::state).filter(LifecycleState::isOperational).isPresent();
    }

    @Override
    public void write(ThingId thing, PropertyDescriptor property, Object value) {
        if (!INTERVAL.equals(property.id())) {
            throw new PropertyWriteException(thing, property.id(), "Bluetooth LE thing " + thing
                    + " has no writable '" + property.id() + "'");
        }
        double seconds = (Double) value;
        if (seconds != Math.rint(seconds)) {
            throw new InvalidValueException(INTERVAL, PropertyType.NUMBER, "property 'interval' (NUMBER) refuses "
                    + seconds + ": it takes whole seconds");
        }
        try {
            sessions.writeInterval(thing, (int) seconds);
        } catch (RuntimeException e) {
            throw new PropertyWriteException(thing, INTERVAL, "Bluetooth LE thing " + thing + " did not take the"
                    + " interval: " + e.getMessage(), e);
        }
        // The peripheral confirmed the GATT write (Write Response); the bridge has no read of the interval.
        PropertySink s = sink;
        if (s != null) {
            s.update(thing, INTERVAL, seconds, Origin.WRITE);
        }
    }

    /** Reads in the background, then keeps notifications coming. */
    @Override
    public void refresh(ThingId thing) {
        ExecutorService r = reads;
        if (r == null) {
            return;
        }
        try {
            r.execute(() -> {
                try {
                    read(thing);
                    sessions.subscribe(thing);
                } catch (RuntimeException e) {
                    LOG.info("Bluetooth LE thing {} could not be read: {}", thing, e.getMessage());
                }
            });
        } catch (RejectedExecutionException detached) {
            // the model detached meanwhile
        }
    }

    /**
     * Reads the temperature from the thing now, over its encrypted link, into the model.
     *
     * @return the value the model took
     * @throws org.trusthub.security.link.ble.BleSecurityException {@code POLICY} when the link gives less than the
     *         security policy requires of the thing (its model values then go UNAVAILABLE), {@code PROVIDER_ABSENT}
     *         while the link provider or the policy is absent
     * @throws IllegalStateException if the thing is not operational or cannot be reached
     */
    public double read(ThingId thing) {
        return sessions.readTemperature(thing);
    }

    /** The last temperature the bridge accepted from the thing. */
    Optional<Double> lastTemperature(ThingId thing) {
        return Optional.ofNullable(last.get(thing));
    }
}
