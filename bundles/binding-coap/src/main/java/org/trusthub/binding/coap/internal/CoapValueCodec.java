package org.trusthub.binding.coap.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyType;

import com.upokecenter.cbor.CBORObject;
import com.upokecenter.cbor.CBORType;

/**
 * How a CoAP thing's value (bytes in a content format) reads as a typed property of the hub's thing model, and how a
 * value the model writes goes back in the same format. Only scalars in text/plain, application/json and
 * application/cbor are properties: a number, a boolean or a string. The well-known names keep their meaning across
 * bindings: {@code temperature} (degC), {@code on} (a switch), {@code level} (0-100 %).
 */
final class CoapValueCodec {

    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]{0,15})(\\.[0-9]{1,15})?([eE][-+]?[0-9]{1,3})?");

    /** A value read as a property: how it is described and its typed value. */
    record Property(PropertyDescriptor descriptor, Object value) {
    }

    private CoapValueCodec() {
    }

    /** The property a value is, or empty if its name or format is not one the model can show. */
    static Optional<Property> decode(String name, byte[] bytes, int contentFormat) {
        if (!isPropertyId(name)) {
            return Optional.empty();
        }
        Optional<Object> scalar = switch (contentFormat) {
            case MediaTypeRegistry.TEXT_PLAIN -> text(new String(bytes, StandardCharsets.UTF_8).strip());
            case MediaTypeRegistry.APPLICATION_JSON -> json(new String(bytes, StandardCharsets.UTF_8).strip());
            case MediaTypeRegistry.APPLICATION_CBOR -> cbor(bytes);
            default -> Optional.empty();
        };
        return scalar.map(v -> new Property(describe(name, v), v));
    }

    /** The bytes of {@code value} (already checked by the model against the property) in {@code contentFormat}. */
    static byte[] encode(Object value, int contentFormat) {
        return switch (contentFormat) {
            case MediaTypeRegistry.TEXT_PLAIN -> plain(value).getBytes(StandardCharsets.UTF_8);
            case MediaTypeRegistry.APPLICATION_JSON -> json(value).getBytes(StandardCharsets.UTF_8);
            case MediaTypeRegistry.APPLICATION_CBOR -> cbor(value).EncodeToBytes();
            default -> throw new IllegalArgumentException("content format " + contentFormat + " holds no property");
        };
    }

    static boolean isPropertyId(String name) {
        try {
            new PropertyDescriptor(name, PropertyType.STRING, null, null, false, null, null);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static PropertyDescriptor describe(String name, Object value) {
        if (value instanceof Boolean) {
            return PropertyDescriptor.ON.equals(name) ? PropertyDescriptor.onOff()
                    : new PropertyDescriptor(name, PropertyType.SWITCH, null, null, true, null, null);
        }
        if (value instanceof Double) {
            if (PropertyDescriptor.TEMPERATURE.equals(name)) {
                return PropertyDescriptor.temperature();
            }
            if (PropertyDescriptor.LEVEL.equals(name)) {
                return PropertyDescriptor.level();
            }
            return new PropertyDescriptor(name, PropertyType.NUMBER, null, null, true, null, null);
        }
        return new PropertyDescriptor(name, PropertyType.STRING, null, null, true, null, null);
    }

    private static Optional<Object> text(String s) {
        if (NUMBER.matcher(s).matches()) {
            return finite(Double.parseDouble(s));
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
            return Optional.of(Boolean.parseBoolean(lower));
        }
        return Optional.of(s);
    }

    private static Optional<Object> json(String s) {
        if (NUMBER.matcher(s).matches()) {
            return finite(Double.parseDouble(s));
        }
        if (s.equals("true") || s.equals("false")) {
            return Optional.of(Boolean.parseBoolean(s));
        }
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            String inner = s.substring(1, s.length() - 1);
            // plain strings only: an escape other than \" and \\ is not read as a property
            String unescaped = inner.replace("\\\\", "\u0000").replace("\\\"", "\"");
            if (unescaped.contains("\\") || unescaped.replace("\u0000", "").contains("\"")) {
                return Optional.empty();
            }
            return Optional.of(unescaped.replace("\u0000", "\\"));
        }
        return Optional.empty(); // objects, arrays, null
    }

    private static Optional<Object> cbor(byte[] bytes) {
        CBORObject o;
        try {
            o = CBORObject.DecodeFromBytes(bytes);
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
        if (o.isTagged()) {
            return Optional.empty();
        }
        if (o.getType() == CBORType.Boolean) {
            return Optional.of(o.AsBoolean());
        }
        if (o.getType() == CBORType.TextString) {
            return Optional.of(o.AsString());
        }
        if (o.isNumber()) {
            return finite(o.AsDouble());
        }
        return Optional.empty();
    }

    // 1e999 matches the number syntax but is no number the model can hold
    private static Optional<Object> finite(double d) {
        return Double.isFinite(d) ? Optional.of(d) : Optional.empty();
    }

    private static String plain(Object value) {
        return value instanceof Number n ? number(n.doubleValue()) : String.valueOf(value);
    }

    private static String json(Object value) {
        if (value instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return plain(value);
    }

    private static CBORObject cbor(Object value) {
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? CBORObject.FromObject((long) d) : CBORObject.FromObject(d);
        }
        if (value instanceof Boolean b) {
            return CBORObject.FromObject(b.booleanValue());
        }
        return CBORObject.FromObject(String.valueOf(value));
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
