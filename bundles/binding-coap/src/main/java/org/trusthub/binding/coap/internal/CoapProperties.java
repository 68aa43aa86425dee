package org.trusthub.binding.coap.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.model.RawValue;
import org.trusthub.api.model.RawValues;
import org.trusthub.api.thing.ThingId;

/**
 * The CoAP things' values as typed properties, so they sit beside the ZigBee and Bluetooth things under one model:
 * each value a thing keeps at {@code /things/<thing>/<name>} (the model's {@link RawValues}: written by the thing over
 * DTLS or OSCORE, or read and observed from it by the hub) that is a number, a boolean or a string in text/plain, JSON
 * or CBOR becomes a property (see {@link CoapValueCodec}). A write from the model sets the raw value, held for the
 * thing in its own format, and the binding tells the thing's observers of that path, exactly as if the thing had
 * written it; it needs no exchange with the thing, which reads or observes its values over its own secured session.
 */
@Component(service = PropertyProvider.class, property = ProtocolBinding.PROTOCOL + "=coap")
public final class CoapProperties implements PropertyProvider, RawValues.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(CoapProperties.class);

    private final RawValues values;
    private volatile PropertySink sink;
    // What each thing was last described with, so a thing is described again only when a value is new or changed type.
    private final Map<ThingId, Map<String, PropertyDescriptor>> described = new ConcurrentHashMap<>();
    private final Set<String> unmappedLogged = ConcurrentHashMap.newKeySet();

    @Activate
    public CoapProperties(@Reference RawValues values) {
        this.values = values;
        values.listen(this);
    }

    @Deactivate
    void deactivate() {
        values.unlisten(this);
    }

    @Override
    public String binding() {
        return "coap";
    }

    @Override
    public boolean isSimulated() {
        return false;
    }

    @Override
    public void attach(PropertySink s) {
        sink = s;
        described.clear();
        for (ThingId thing : values.things()) {
            values.values(thing).forEach((name, value) -> changed(thing, name, value));
        }
    }

    @Override
    public void detach(PropertySink s) {
        sink = null;
    }

    @Override
    public void changed(ThingId thing, String name, RawValue value) {
        PropertySink s = sink;
        if (s == null) {
            return;
        }
        Optional<CoapValueCodec.Property> p = CoapValueCodec.decode(name, value.bytes(), value.format());
        if (p.isEmpty()) {
            if (unmappedLogged.add(thing.value() + "/" + name)) {
                LOG.info("CoAP value {} of {} (content format {}) is not a thing model property: the model shows"
                        + " scalars in text/plain, JSON or CBOR under names of a-z 0-9 - (at most 32, starting with a"
                        + " letter)", name, thing, value.format());
            }
            return;
        }
        try {
            synchronized (described) {
                Map<String, PropertyDescriptor> known = described.computeIfAbsent(thing, t -> new LinkedHashMap<>());
                PropertyDescriptor d = p.get().descriptor();
                if (!d.equals(known.get(name))) {
                    Map<String, PropertyDescriptor> next = new LinkedHashMap<>(known);
                    next.put(name, d);
                    s.describe(thing, new ArrayList<>(next.values()));
                    known.put(name, d);
                }
            }
            s.update(thing, name, p.get().value(), value.origin());
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.info("CoAP value {} of {} not taken by the thing model: {}", name, thing, e.getMessage());
        }
    }

    @Override
    public void forgotten(ThingId thing) {
        described.remove(thing);
        PropertySink s = sink;
        if (s != null) {
            try {
                s.unavailable(thing);
            } catch (IllegalArgumentException | IllegalStateException notInTheModel) {
                // never described, or already removed with its decommissioning
            }
        }
    }

    @Override
    public void write(ThingId thing, PropertyDescriptor property, Object value) {
        RawValue current = values.get(thing, property.id()).orElse(null);
        if (current == null) {
            throw new PropertyWriteException(thing, property.id(), "CoAP thing " + thing + " has no value '"
                    + property.id() + "' at the hub");
        }
        try {
            // the hub sets it for the thing: held like what the thing writes, and its observers are told
            values.put(thing, property.id(), CoapValueCodec.encode(value, current.format()), current.format(),
                    Origin.WRITE, true);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new PropertyWriteException(thing, property.id(), "CoAP thing " + thing + ": " + e.getMessage(), e);
        }
    }
}
