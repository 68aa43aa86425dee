package org.trusthub.api.model;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a property is: its id on the thing, its type, unit, range and whether the hub may write it. Descriptors
 * validate values: {@link #validate(Object)} for values from bindings and programs, {@link #parse(String)} for text
 * an operator typed.
 *
 * @param id 1 to 32 characters of lower-case letters, digits and {@code -}, starting with a letter, such as
 *        {@code on}, {@code level}, {@code temperature}
 * @param type the kind of value
 * @param label a short human name
 * @param unit the unit values are in: the type's own for LEVEL and TEMPERATURE, free text of up to 16 characters for
 *        NUMBER, empty otherwise
 * @param writable whether the hub may write it (through the binding that owns the thing)
 * @param min the smallest value for LEVEL, TEMPERATURE and NUMBER ({@code null}: the type's own limit)
 * @param max the largest value for LEVEL, TEMPERATURE and NUMBER ({@code null}: the type's own limit)
 */
public record PropertyDescriptor(String id, PropertyType type, String label, String unit, boolean writable,
        Double min, Double max) {

    /** Well-known property ids, so every binding names the same capability alike. */
    public static final String ON = "on";
    public static final String LEVEL = "level";
    public static final String TEMPERATURE = "temperature";

    /** Longest STRING value, in characters. */
    public static final int MAX_TEXT = 256;
    /** Absolute zero, the lowest temperature there is, in degrees Celsius. */
    public static final double ABSOLUTE_ZERO = -273.15;

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    public PropertyDescriptor {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("malformed property id '" + printable(String.valueOf(id))
                    + "': 1 to 32 of a-z 0-9 -, starting with a letter");
        }
        Objects.requireNonNull(type, "type");
        label = label == null || label.isBlank() ? id : label.strip();
        if (label.length() > 64 || !isPrintable(label)) {
            throw new IllegalArgumentException("label of property '" + id + "' must be 1 to 64 printable characters");
        }
        if (type == PropertyType.NUMBER) {
            unit = unit == null ? "" : unit.strip();
            if (unit.length() > 16 || !isPrintable(unit)) {
                throw new IllegalArgumentException("unit of property '" + id + "' must be up to 16 printable characters");
            }
        } else {
            unit = type.unit();
        }
        if (type == PropertyType.SWITCH || type == PropertyType.STRING) {
            if (min != null || max != null) {
                throw new IllegalArgumentException(type + " property '" + id + "' takes no range");
            }
        } else {
            if (min != null && !Double.isFinite(min) || max != null && !Double.isFinite(max)) {
                throw new IllegalArgumentException("range of property '" + id + "' must be finite");
            }
            if (min != null && max != null && min > max) {
                throw new IllegalArgumentException("range of property '" + id + "' is empty: " + min + " > " + max);
            }
            if (type == PropertyType.LEVEL && (min != null && min < 0 || max != null && max > 100)) {
                throw new IllegalArgumentException("a LEVEL range lies within 0 to 100");
            }
            if (type == PropertyType.TEMPERATURE && min != null && min < ABSOLUTE_ZERO) {
                throw new IllegalArgumentException("a TEMPERATURE range starts at absolute zero or above");
            }
        }
    }

    /** A writable on/off switch, id {@value #ON}. */
    public static PropertyDescriptor onOff() {
        return new PropertyDescriptor(ON, PropertyType.SWITCH, "On/off", null, true, null, null);
    }

    /** A writable level in percent, id {@value #LEVEL}. */
    public static PropertyDescriptor level() {
        return new PropertyDescriptor(LEVEL, PropertyType.LEVEL, "Level", null, true, null, null);
    }

    /** A measured temperature in degrees Celsius (read-only), id {@value #TEMPERATURE}. */
    public static PropertyDescriptor temperature() {
        return new PropertyDescriptor(TEMPERATURE, PropertyType.TEMPERATURE, "Temperature", null, false, null, null);
    }

    /** A number in a unit within a range. */
    public static PropertyDescriptor number(String id, String label, String unit, boolean writable, Double min,
            Double max) {
        return new PropertyDescriptor(id, PropertyType.NUMBER, label, unit, writable, min, max);
    }

    /** The smallest accepted value, or {@code null} when there is none. */
    public Double lowest() {
        return switch (type) {
            case LEVEL -> min == null ? 0.0 : min;
            case TEMPERATURE -> min == null ? ABSOLUTE_ZERO : min;
            case NUMBER -> min;
            default -> null;
        };
    }

    /** The largest accepted value, or {@code null} when there is none. */
    public Double highest() {
        return switch (type) {
            case LEVEL -> max == null ? 100.0 : max;
            case TEMPERATURE, NUMBER -> max;
            default -> null;
        };
    }

    /**
     * Checks a value and returns it in the type's class ({@link PropertyType#valueClass()}): a whole number for
     * LEVEL, a double for TEMPERATURE and NUMBER.
     *
     * @throws InvalidValueException naming the property, what was given and what is accepted
     */
    public Object validate(Object value) {
        return check(value, null);
    }

    // shown: how the refusal names the value (the operator's text when it was parsed)
    private Object check(Object value, String shown) {
        if (value == null) {
            throw invalid("no value", null);
        }
        return switch (type) {
            case SWITCH -> {
                if (value instanceof Boolean b) {
                    yield b;
                }
                throw invalid(describe(value), "true or false");
            }
            case LEVEL -> {
                if (!(value instanceof Number n) || !isWhole(n)) {
                    throw invalid(describe(value), "a whole number " + range());
                }
                yield Integer.valueOf((int) inRange(n.doubleValue(), value, shown));
            }
            case TEMPERATURE, NUMBER -> {
                if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                    throw invalid(describe(value), "a finite number" + (range().isEmpty() ? "" : " " + range()));
                }
                yield Double.valueOf(inRange(n.doubleValue(), value, shown));
            }
            case STRING -> {
                if (!(value instanceof String s)) {
                    throw invalid(describe(value), "text");
                }
                if (s.length() > MAX_TEXT || !isPrintable(s)) {
                    throw invalid("text of " + s.length() + " characters",
                            "at most " + MAX_TEXT + " printable characters");
                }
                yield s;
            }
        };
    }

    /**
     * Parses text an operator typed: {@code on}/{@code off} (or true/false, 1/0) for a SWITCH, a number with or
     * without the unit ({@code 40}, {@code 40%}, {@code 21.5C}, {@code 21.5°C}) for the others.
     *
     * @throws InvalidValueException naming the property, what was given and what is accepted
     */
    public Object parse(String text) {
        if (text == null) {
            throw invalid("no value", null);
        }
        String t = text.strip();
        return switch (type) {
            case SWITCH -> switch (t.toLowerCase(Locale.ROOT)) {
                case "on", "true", "1" -> Boolean.TRUE;
                case "off", "false", "0" -> Boolean.FALSE;
                default -> throw invalid("'" + printable(t) + "'", "on or off");
            };
            case STRING -> validate(text);
            default -> {
                String number = stripUnit(t);
                double d;
                try {
                    d = Double.parseDouble(number);
                } catch (NumberFormatException e) {
                    throw invalid("'" + printable(t) + "'", "a number" + (unit.isEmpty() ? "" : " in " + unit));
                }
                String shown = "'" + printable(t) + "'";
                if (number.matches("[-+]?\\d+")) {
                    try {
                        yield check(Long.parseLong(number), shown);
                    } catch (NumberFormatException tooLong) {
                        yield check(d, shown);
                    }
                }
                yield check(d, shown);
            }
        };
    }

    private String stripUnit(String t) {
        String lower = t.toLowerCase(Locale.ROOT);
        for (String suffix : type == PropertyType.TEMPERATURE ? new String[] {"\u00b0c", "c"}
                : new String[] {unit.toLowerCase(Locale.ROOT)}) {
            if (!suffix.isEmpty() && lower.endsWith(suffix)) {
                return t.substring(0, t.length() - suffix.length()).strip();
            }
        }
        return t;
    }

    private double inRange(double d, Object given, String shown) {
        Double lo = lowest();
        Double hi = highest();
        if (lo != null && d < lo || hi != null && d > hi) {
            throw invalid(shown != null ? shown : describe(given),
                    (type == PropertyType.LEVEL ? "a whole number " : "a number ") + range());
        }
        return d;
    }

    private String range() {
        Double lo = lowest();
        Double hi = highest();
        String u = unit.isEmpty() ? "" : " " + unit;
        if (lo != null && hi != null) {
            return "from " + number(lo) + " to " + number(hi) + u;
        }
        if (lo != null) {
            return "from " + number(lo) + u + " up";
        }
        if (hi != null) {
            return "up to " + number(hi) + u;
        }
        return "";
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static boolean isWhole(Number n) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            return true;
        }
        double d = n.doubleValue();
        return Double.isFinite(d) && d == Math.rint(d);
    }

    private InvalidValueException invalid(String given, String accepted) {
        return new InvalidValueException(id, type, "property '" + id + "' (" + type + ") refuses " + given
                + (accepted == null || accepted.isEmpty() ? "" : ": it takes " + accepted));
    }

    private static String describe(Object value) {
        if (value instanceof String s) {
            return "text '" + printable(s) + "'";
        }
        String shown = String.valueOf(value);
        return value.getClass().getSimpleName() + " " + printable(shown);
    }

    private static boolean isPrintable(String s) {
        return s.codePoints().noneMatch(Character::isISOControl);
    }

    // Echoed input must not forge log lines or console output.
    static String printable(String text) {
        StringBuilder b = new StringBuilder();
        text.codePoints().limit(64).forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return text.length() > 64 ? b + "..." : b.toString();
    }
}
