package org.trusthub.binding.coap.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.trusthub.api.model.InvalidValueException;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyType;
import org.trusthub.api.model.PropertyValue;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.model.Quality;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.thing.ThingId;

/**
 * Things of other bindings (a ZigBee lamp, a Bluetooth LE thermometer, a DPWS device, an MQTT thing) as CoAP
 * resources {@code /things/<thing>/<property>}, read from and written through the hub's thing model only: a GET
 * answers the model's last value in the format the caller accepts (text/plain, JSON or CBOR), a PUT goes to
 * {@link ThingModelRegistry#write}, which hands it to the owning binding and returns once the thing confirmed. No
 * other binding is reached directly. Authorization and protection are decided before (in {@link ThingsResource}).
 */
final class ModelThings {
    /** The content formats a property is served and written in. */
    static final int[] FORMATS = {MediaTypeRegistry.TEXT_PLAIN, MediaTypeRegistry.APPLICATION_JSON,
            MediaTypeRegistry.APPLICATION_CBOR};

    private ModelThings() {
    }

    /** Serves the property's last value, or refuses (no value yet, unavailable, a format it has none in). */
    static void get(CoapExchange exchange, ThingModel model, String property) {
        Optional<Property> p = model.property(property);
        if (p.isEmpty()) {
            Refusals.refuse(exchange, ResponseCode.NOT_FOUND, "no such property");
            return;
        }
        int format = exchange.getRequestOptions().hasAccept() ? exchange.getRequestOptions().getAccept()
                : MediaTypeRegistry.TEXT_PLAIN;
        if (!served(format)) {
            Refusals.refuse(exchange, ResponseCode.NOT_ACCEPTABLE, "accept text/plain (0), JSON (50) or CBOR (60)");
            return;
        }
        Optional<PropertyValue> value = p.get().value();
        if (value.isEmpty()) {
            Refusals.refuse(exchange, ResponseCode.NOT_FOUND, "no value yet");
            return;
        }
        if (!model.available() || value.get().quality() != Quality.GOOD) {
            // The last value may no longer hold (its binding is gone, or the thing's frames fall below the policy).
            Refusals.refuse(exchange, ResponseCode.SERVICE_UNAVAILABLE, "the thing is unavailable");
            return;
        }
        Response response = new Response(ResponseCode.CONTENT);
        response.setPayload(CoapValueCodec.encode(value.get().value(), format));
        response.getOptions().setContentFormat(format);
        exchange.respond(response);
    }

    /** Writes the property through the model; answers 2.04 once the thing confirmed. */
    static void put(CoapExchange exchange, ThingModelRegistry registry, ThingModel model, String property) {
        Optional<Property> p = model.property(property);
        if (p.isEmpty()) {
            Refusals.refuse(exchange, ResponseCode.NOT_FOUND, "no such property");
            return;
        }
        PropertyDescriptor d = p.get().descriptor();
        if (!d.writable()) {
            Refusals.refuse(exchange, ResponseCode.METHOD_NOT_ALLOWED, "property '" + d.id() + "' is read-only");
            return;
        }
        int format = exchange.getRequestOptions().hasContentFormat() ? exchange.getRequestOptions().getContentFormat()
                : MediaTypeRegistry.TEXT_PLAIN;
        if (!served(format)) {
            Refusals.refuse(exchange, ResponseCode.UNSUPPORTED_CONTENT_FORMAT,
                    "send text/plain (0), JSON (50) or CBOR (60)");
            return;
        }
        byte[] payload = exchange.getRequestPayload();
        Optional<Object> value = value(d, payload, format);
        if (value.isEmpty()) {
            Refusals.refuse(exchange, ResponseCode.BAD_REQUEST, "property '" + d.id() + "' (" + d.type()
                    + ") takes a scalar; this payload is none");
            return;
        }
        try {
            registry.write(model.thing(), d.id(), value.get());
        } catch (InvalidValueException e) {
            Refusals.refuse(exchange, ResponseCode.BAD_REQUEST, e.getMessage());
            return;
        } catch (PropertyWriteException e) {
            // The binding's own words (a broker's TLS failure, a device's state) stay at the hub: the caller is
            // another thing, told only that its target did not take the write now.
            Refusals.refuse(exchange, ResponseCode.SERVICE_UNAVAILABLE, model.thing().value() + " did not take the "
                    + "write of '" + d.id() + "' now");
            return;
        } catch (IllegalArgumentException e) {
            Refusals.refuse(exchange, ResponseCode.NOT_FOUND, "no property '" + d.id() + "' of "
                    + model.thing().value() + " to write now");
            return;
        } catch (RuntimeException e) {
            // a binding's own failure: the caller still gets an answer
            Refusals.refuse(exchange, ResponseCode.INTERNAL_SERVER_ERROR, "the write failed");
            return;
        }
        exchange.respond(ResponseCode.CHANGED);
    }

    /** The payload as a value of the property's type's class, or empty if it is no scalar. */
    static Optional<Object> value(PropertyDescriptor d, byte[] payload, int format) {
        if (d.type() == PropertyType.STRING && format == MediaTypeRegistry.TEXT_PLAIN) {
            return Optional.of(new String(payload, StandardCharsets.UTF_8));
        }
        return CoapValueCodec.decode(d.id(), payload, format).map(CoapValueCodec.Property::value);
    }

    private static boolean served(int format) {
        for (int f : FORMATS) {
            if (f == format) {
                return true;
            }
        }
        return false;
    }

    /**
     * One link in CoRE Link Format per property the caller may read, with its resource type ({@code rt}, the model's
     * type: {@code trusthub.switch}, {@code trusthub.level}, ...), interface ({@code if}: {@code core.a} for a
     * writable property, an actuator; {@code core.s}, a sensor, otherwise), content formats ({@code ct}) and
     * {@code obs}; {@code anchor} is the hub's address when given.
     */
    static void links(StringBuilder out, ThingModel model, Predicate<String> readable, String anchor) {
        for (Property p : model.properties()) {
            if (!readable.test(p.id())) {
                continue;
            }
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(link(model.thing(), p.descriptor()));
            if (anchor != null) {
                out.append(";anchor=\"").append(anchor).append('"');
            }
        }
    }

    static String link(ThingId thing, PropertyDescriptor d) {
        StringBuilder b = new StringBuilder();
        b.append("</things/").append(thing.value()).append('/').append(d.id()).append('>');
        b.append(";rt=\"").append(resourceType(d.type())).append('"');
        b.append(";if=\"").append(d.writable() ? "core.a" : "core.s").append('"');
        b.append(";ct=\"");
        for (int i = 0; i < FORMATS.length; i++) {
            b.append(i == 0 ? "" : " ").append(FORMATS[i]);
        }
        b.append("\";obs");
        return b.toString();
    }

    static String resourceType(PropertyType type) {
        return "trusthub." + type.name().toLowerCase(Locale.ROOT);
    }

    /** The models of every thing no CoAP thing keeps itself (those are served from their raw values). */
    static List<ThingModel> bridged(ThingModelRegistry registry) {
        return registry.models().stream().filter(m -> !Callers.PROTOCOL.equals(m.binding())).toList();
    }
}
