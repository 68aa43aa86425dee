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
 * What the DPWS binding knows of its things, as read-only properties of the hub's thing model: a discovered device's
 * discovery data and metadata, a hosted thing's state as its device serves it (GetStatus, StateChanged). The model
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

    static final List<PropertyDescriptor> DISCOVERED = List.of(text(STATUS, "DPWS status"),
            text(TYPES, "DPWS types"), text(SCOPES, "DPWS scopes"), text(XADDRS, "DPWS transport addresses"),
            text(FRIENDLY_NAME, "Friendly name"), text(MANUFACTURER, "Manufacturer"), text(MODEL_NAME, "Model"),
            text(FIRMWARE, "Firmware version"), text(SERIAL, "Serial number"));
    static final List<PropertyDescriptor> HOSTED = List.of(text(DeviceHost.STATE_PROPERTY, "State served over DPWS"),
            text(DEVICE, "DPWS device address"));

    private static final Logger LOG = LoggerFactory.getLogger(DpwsModel.class);

    private final PropertySink sink;
    // The things this binding described; others it leaves alone.
    private final Set<ThingId> described = ConcurrentHashMap.newKeySet();
    private final Map<ThingId, String> hostedState = new ConcurrentHashMap<>();

    DpwsModel(PropertySink sink) {
        this.sink = sink;
    }

    private static PropertyDescriptor text(String id, String label) {
        return new PropertyDescriptor(id, PropertyType.STRING, label, null, false, null, null);
    }

    /** A device was discovered, or its discovery data or metadata changed. */
    void deviceChanged(DiscoveredDevice d) {
        if (!describe(d.thing(), DISCOVERED)) {
            return;
        }
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

    /** A device said Bye or was forgotten: its values are unavailable until it is seen again. */
    void deviceGone(DiscoveredDevice d) {
        if (described.contains(d.thing())) {
            try {
                sink.unavailable(d.thing());
            } catch (IllegalArgumentException | IllegalStateException e) {
                described.remove(d.thing());
            }
        }
    }

    /** A hosted thing's state, as its device serves it; {@code device} its urn:uuid address. */
    void hosted(ThingId thing, String device, String state) {
        if (state.equals(hostedState.get(thing)) && described.contains(thing)) {
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
        if (hostedState.remove(thing) != null && described.contains(thing)) {
            try {
                sink.unavailable(thing);
            } catch (IllegalArgumentException | IllegalStateException e) {
                described.remove(thing);
            }
        }
    }

    private boolean describe(ThingId thing, List<PropertyDescriptor> properties) {
        if (described.contains(thing)) {
            return true;
        }
        try {
            sink.describe(thing, properties);
            described.add(thing);
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
