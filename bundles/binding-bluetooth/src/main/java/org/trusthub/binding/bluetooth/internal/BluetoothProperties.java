package org.trusthub.binding.bluetooth.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.event.TrustHubEvents;
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
import org.trusthub.binding.bluetooth.BluetoothBridge;

/**
 * The bonded Bluetooth LE things' GATT values in the hub's thing model: the environmental sensing temperature
 * (read-only, from reads and notifications over the encrypted link) and the writable measurement interval. Things are
 * described while OPERATIONAL; a thing that leaves that state is unavailable (the bridge closes its link).
 */
@Component(service = { PropertyProvider.class, EventHandler.class },
        property = { ProtocolBinding.PROTOCOL + "=bluetooth",
            EventConstants.EVENT_TOPIC + "=" + BluetoothBridgeImpl.VALUE_TOPIC,
            EventConstants.EVENT_TOPIC + "=" + TrustHubEvents.LIFECYCLE_ALL })
public final class BluetoothProperties implements PropertyProvider, EventHandler {

    /** The measurement interval (org.bluetooth.characteristic 0x2A21), whole seconds. */
    static final String INTERVAL = "interval";
    static final List<PropertyDescriptor> SENSOR = List.of(PropertyDescriptor.temperature(),
            new PropertyDescriptor(INTERVAL, PropertyType.NUMBER, "Measurement interval", "s", true, 1.0, 65535.0));

    private static final Logger LOG = LoggerFactory.getLogger(BluetoothProperties.class);

    private final BluetoothBridge bridge;
    private final ThingRegistry registry;
    private volatile PropertySink sink;
    private volatile ExecutorService reads;
    // A value this provider read itself also comes back as the bridge's VALUE event: published once, as a read.
    private final Map<ThingId, Double> ownReads = new ConcurrentHashMap<>();

    @Activate
    public BluetoothProperties(@Reference BluetoothBridge bridge, @Reference ThingRegistry registry) {
        this.bridge = bridge;
        this.registry = registry;
    }

    @Deactivate
    void deactivate() {
        ExecutorService r = reads;
        if (r != null) {
            r.shutdownNow();
        }
    }

    @Override
    public String binding() {
        return "bluetooth";
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
            if (isOperational(bond.thing())) {
                describe(bond.thing());
            }
        }
    }

    @Override
    public void detach(PropertySink s) {
        sink = null;
        deactivate();
    }

    private boolean isOperational(ThingId thing) {
        return registry.find(thing).map(Thing::state).filter(LifecycleState::isOperational).isPresent();
    }

    private boolean isBonded(ThingId thing) {
        return bridge.bonds().stream().anyMatch(b -> b.thing().equals(thing));
    }

    private void describe(ThingId thing) {
        PropertySink s = sink;
        if (s == null) {
            return;
        }
        try {
            s.describe(thing, SENSOR);
            Optional<Double> last = bridge.lastTemperature(thing);
            if (last.isPresent()) {
                s.update(thing, PropertyDescriptor.TEMPERATURE, last.get(), Origin.READ);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.info("Bluetooth LE thing {} not in the thing model: {}", thing, e.getMessage());
        }
    }

    @Override
    public void handleEvent(Event event) {
        if (!(event.getProperty(TrustHubEvents.THING) instanceof String id) || !id.startsWith(BondStore.PREFIX)
                || !ThingId.isValid(id)) {
            return;
        }
        ThingId thing = ThingId.of(id);
        PropertySink s = sink;
        if (s == null) {
            return;
        }
        if (BluetoothBridgeImpl.VALUE_TOPIC.equals(event.getTopic())) {
            if (PropertyDescriptor.TEMPERATURE.equals(event.getProperty("property"))
                    && event.getProperty("value") instanceof Double value && !ownReads.remove(thing, value)) {
                publish(thing, value, Origin.REPORT);
            }
            return;
        }
        // events arrive asynchronously: act on the thing's state now
        if (isOperational(thing) && isBonded(thing)) {
            describe(thing);
        } else if (registry.find(thing).map(t -> t.state() != LifecycleState.DECOMMISSIONED).orElse(false)) {
            try {
                s.unavailable(thing);
            } catch (IllegalArgumentException | IllegalStateException notDescribed) {
                // it never was in the model
            }
        }
    }

    private void publish(ThingId thing, double celsius, Origin origin) {
        PropertySink s = sink;
        if (s == null) {
            return;
        }
        try {
            s.update(thing, PropertyDescriptor.TEMPERATURE, celsius, origin);
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.info("Bluetooth LE temperature of {} not taken by the thing model: {}", thing, e.getMessage());
        }
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
            bridge.writeInterval(thing, (int) seconds);
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

    @Override
    public void refresh(ThingId thing) {
        ExecutorService r = reads;
        if (r == null) {
            return;
        }
        try {
            r.execute(() -> {
                try {
                    double celsius = bridge.readTemperature(thing);
                    ownReads.put(thing, celsius);
                    publish(thing, celsius, Origin.READ);
                } catch (RuntimeException e) {
                    LOG.info("Bluetooth LE thing {} could not be read: {}", thing, e.getMessage());
                }
            });
        } catch (RejectedExecutionException detached) {
            // the model detached meanwhile
        }
    }
}
