package org.trusthub.binding.dpws.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import javax.xml.namespace.QName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.model.PropertyType;
import org.trusthub.api.thing.ThingId;

/**
 * What the DPWS binding knows of its things, as properties of the hub's thing model: a discovered device's discovery
 * data and metadata (read-only), its operations (writable: a write calls the operation, its answer is the value) and
 * its events (read-only: the last notification's payload), a hosted thing's state as its device serves it (GetStatus, StateChanged). The model
 * takes only things that are enrolled and no other binding describes: a device found on the network but not enrolled
 * is listed by {@code trusthub:dpws-devices} only, and a hosted thing that another binding owns (a ZigBee lamp
 * presented over DPWS) keeps that binding's model.
 */
final class DpwsModel {

    static final String STATUS = "dpws-status";
    static final String TYPES = "dpws-types";
    static final String SCOPES = "dpws-scopes";
    static final String XADDRS = "dpws-xaddrs";
    static final String FRIENDLY_NAME = "friendly-name";
    static final String MANUFACTURER = "manufacturer";
    static final String MODEL_NAME = "model-name";
    static final String FIRMWARE = "firmware";
    static final String SERIAL = "serial";
    static final String DEVICE = "dpws-device";
    /** A discovered device's operations and events by name, or why they are unknown. */
    static final String OPERATIONS = "dpws-operations";
    static final String OPERATION_PREFIX = "op-";
    static final String EVENT_PREFIX = "ev-";
    /** The most properties the thing model takes of one thing; operations beyond that get none. */
    static final int MAX_PROPERTIES = 32;

    static final List<PropertyDescriptor> DISCOVERED = List.of(text(STATUS, "DPWS status"),
            text(TYPES, "DPWS types"), text(SCOPES, "DPWS scopes"), text(XADDRS, "DPWS transport addresses"),
            text(FRIENDLY_NAME, "Friendly name"), text(MANUFACTURER, "Manufacturer"), text(MODEL_NAME, "Model"),
            text(FIRMWARE, "Firmware version"), text(SERIAL, "Serial number"),
            text(OPERATIONS, "DPWS operations and events"));
    static final List<PropertyDescriptor> HOSTED = List.of(text(DeviceHost.STATE_PROPERTY, "State served over DPWS"),
            text(DEVICE, "DPWS device address"));

    private static final Logger LOG = LoggerFactory.getLogger(DpwsModel.class);

    private final PropertySink sink;
    /** A discovered device's operation (or event) a property stands for. */
    record Target(String device, String service, Wsdl.Operation operation) {
    }

    // The things this binding described, with what they were described with; others it leaves alone.
    private final Map<ThingId, List<PropertyDescriptor>> described = new ConcurrentHashMap<>();
    private final Map<ThingId, Map<String, Target>> targets = new ConcurrentHashMap<>();
    private final Map<ThingId, String> hostedState = new ConcurrentHashMap<>();

    DpwsModel(PropertySink sink) {
        this.sink = sink;
    }

    private static PropertyDescriptor text(String id, String label) {
        return new PropertyDescriptor(id, PropertyType.STRING, label, null, false, null, null);
    }

    /** A device was discovered, or its discovery data or metadata changed. */
    void deviceChanged(DiscoveredDevice d) {
        Map<String, Target> ops = operations(d);
        List<PropertyDescriptor> properties = new java.util.ArrayList<>(DISCOVERED);
        ops.forEach((id, t) -> properties.add(t.operation().isEvent()
                ? new PropertyDescriptor(id, PropertyType.STRING, label("Event ", t), null, false, null, null)
                : new PropertyDescriptor(id, PropertyType.STRING, label("Operation ", t), null, true, null, null)));
        if (!describe(d.thing(), List.copyOf(properties))) {
            return;
        }
        targets.put(d.thing(), ops);
        update(d.thing(), OPERATIONS, operationsText(d));
        update(d.thing(), STATUS, "online");
        update(d.thing(), TYPES, d.types().stream().map(QName::getLocalPart).collect(Collectors.joining(" ")));
        update(d.thing(), SCOPES, String.join(" ", d.scopes()));
        update(d.thing(), XADDRS, String.join(" ", d.xaddrs()));
        DiscoveredDevice.Metadata m = d.metadata();
        if (m != null) {
            update(d.thing(), FRIENDLY_NAME, m.friendlyName());
            update(d.thing(), MANUFACTURER, m.manufacturer());
            update(d.thing(), MODEL_NAME, m.modelName());
            update(d.thing(), FIRMWARE, m.firmwareVersion());
            update(d.thing(), SERIAL, m.serialNumber());
        }
    }

    /** Whether the model took this thing from this binding. */
    boolean describes(ThingId thing) {
        return described.containsKey(thing);
    }

    /** A discovered device's operations could not be read: the operations property says why. */
    void operationsUnknown(ThingId thing, String reason) {
        if (described.containsKey(thing)) {
            update(thing, OPERATIONS, "unknown: " + reason);
        }
    }

    /** The operation or event a property of a discovered device stands for. */
    java.util.Optional<Target> target(ThingId thing, String property) {
        return java.util.Optional.ofNullable(targets.getOrDefault(thing, Map.of()).get(property));
    }

    /** A value an operation answered or an event carried, as the property's text. */
    void operationValue(ThingId thing, String property, String value, Origin origin) {
        if (described.containsKey(thing) && value != null) {
            try {
                sink.update(thing, property, Xml.printable(value), origin);
            } catch (IllegalArgumentException | IllegalStateException e) {
                LOG.debug("DPWS: {} of {} not taken by the thing model: {}", property, thing, e.getMessage());
            }
        }
    }

    /** A notification from a discovered device: the event property whose action it carries takes its payload. */
    void event(ThingId thing, String action, String payload) {
        targets.getOrDefault(thing, Map.of()).forEach((id, t) -> {
            if (t.operation().isEvent() && t.operation().outputAction().equals(action)) {
                operationValue(thing, id, payload, Origin.REPORT);
            }
        });
    }

    // A property id per operation and event of every service whose operations are known, in WSDL order.
    static Map<String, Target> operations(DiscoveredDevice d) {
        Map<String, Target> out = new java.util.LinkedHashMap<>();
        if (d.metadata() == null) {
            return out;
        }
        for (DiscoveredDevice.HostedService s : d.metadata().services()) {
            for (Wsdl.Operation op : s.operations()) {
                String base = (op.isEvent() ? EVENT_PREFIX : OPERATION_PREFIX) + op.name()
                        .toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
                String id = fit(base, "");
                for (int n = 2; out.containsKey(id); n++) {
                    id = fit(base, "-" + n);
                }
                if (out.size() == MAX_PROPERTIES - DISCOVERED.size()) {
                    return out;
                }
                out.put(id, new Target(d.address(), s.address(), op));
            }
        }
        return out;
    }

    private static String fit(String base, String suffix) {
        String cut = base.length() > 32 - suffix.length() ? base.substring(0, 32 - suffix.length()) : base;
        return cut.replaceAll("-+$", "") + suffix;
    }

    private static String label(String kind, Target t) {
        String l = kind + t.operation().name();
        return l.length() > 64 ? l.substring(0, 64) : l;
    }

    // What the operations property says: the names, or why they are unknown, or that they are not read yet.
    static String operationsText(DiscoveredDevice d) {
        if (d.metadata() == null) {
            return "not read yet";
        }
        List<String> parts = new java.util.ArrayList<>();
        for (DiscoveredDevice.HostedService s : d.metadata().services()) {
            String name = s.serviceId() != null ? s.serviceId() : s.address();
            if (s.unknown() != null) {
                parts.add(name + ": unknown: " + s.unknown());
            } else if (s.operations().isEmpty()) {
                parts.add(name + ": none read");
            } else {
                parts.add(name + ": " + s.operations().stream().map(o -> (o.isEvent() ? "event " : "") + o.name())
                        .collect(Collectors.joining(", ")));
            }
        }
        int all = d.metadata().services().stream().mapToInt(s -> s.operations().size()).sum();
        String left = all > MAX_PROPERTIES - DISCOVERED.size() ? " (only the first "
                + (MAX_PROPERTIES - DISCOVERED.size()) + " are properties)" : "";
        return parts.isEmpty() ? "no hosted services" : String.join("; ", parts) + left;
    }

    /** A device said Bye or was forgotten: its values are unavailable until it is seen again. */
    void deviceGone(DiscoveredDevice d) {
        if (described.containsKey(d.thing())) {
            try {
                sink.unavailable(d.thing());
            } catch (IllegalArgumentException | IllegalStateException e) {
                described.remove(d.thing());
            }
        }
    }

    /** A hosted thing's state, as its device serves it; {@code device} its urn:uuid address. */
    void hosted(ThingId thing, String device, String state) {
        if (state.equals(hostedState.get(thing)) && described.containsKey(thing)) {
            return;
        }
        if (!describe(thing, HOSTED)) {
            return;
        }
        hostedState.put(thing, state);
        update(thing, DeviceHost.STATE_PROPERTY, state);
        update(thing, DEVICE, device);
    }

    /** A hosted thing is no longer hosted (it left OPERATIONAL): its device is gone, its values unavailable. */
    void hostedGone(ThingId thing) {
        if (hostedState.remove(thing) != null && described.containsKey(thing)) {
            try {
                sink.unavailable(thing);
            } catch (IllegalArgumentException | IllegalStateException e) {
                described.remove(thing);
            }
        }
    }

    private boolean describe(ThingId thing, List<PropertyDescriptor> properties) {
        if (properties.equals(described.get(thing))) {
            return true;
        }
        try {
            sink.describe(thing, properties);
            described.put(thing, properties);
            return true;
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Not enrolled, or another binding's: the network decides how often, so never above DEBUG.
            LOG.debug("DPWS: {} is not in the thing model: {}", thing, e.getMessage());
            return false;
        }
    }

    private void update(ThingId thing, String property, String value) {
        if (value == null) {
            return;
        }
        try {
            // What a device sent: printable ASCII, at most 200 characters, well within the model's text limit.
            sink.update(thing, property, Xml.printable(value), Origin.REPORT);
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.debug("DPWS: {} of {} not taken by the thing model: {}", property, thing, e.getMessage());
        }
    }
}
