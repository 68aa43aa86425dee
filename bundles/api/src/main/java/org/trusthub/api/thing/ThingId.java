package org.trusthub.api.thing;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The identity of a thing on this hub: a short ASCII name such as {@code lamp-kitchen-1} or
 * {@code zigbee:00124b0001abcdef}. It is stable over the thing's whole life on this hub, across re-bootstrapping
 * and re-commissioning, and is bound into every key the hub derives for the thing.
 */
public final class ThingId implements Comparable<ThingId> {

    /** Longest accepted id, in characters. */
    public static final int MAX_LENGTH = 64;

    private static final Pattern SYNTAX = Pattern.compile("[a-z0-9][a-z0-9._:-]*");

    private final String value;

    private ThingId(String value) {
        this.value = value;
    }

    /**
     * Parses an id.
     *
     * @throws IllegalArgumentException naming what is wrong with the text when it is not a valid id: ids are 1 to
     *         64 characters of lower-case ASCII letters, digits and {@code . _ : -}, starting with a letter or digit
     */
    public static ThingId of(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("malformed thing id: it is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "malformed thing id: " + text.length() + " characters, at most " + MAX_LENGTH + " allowed");
        }
        if (!SYNTAX.matcher(text).matches()) {
            throw new IllegalArgumentException("malformed thing id '" + printable(text)
                    + "': use lower-case letters, digits and . _ : - and start with a letter or digit");
        }
        return new ThingId(text);
    }

    /** Whether {@link #of(String)} would accept the text. */
    public static boolean isValid(String text) {
        return text != null && !text.isEmpty() && text.length() <= MAX_LENGTH && SYNTAX.matcher(text).matches();
    }

    /** The id as text, exactly as given to {@link #of(String)}. */
    public String value() {
        return value;
    }

    @Override
    public int compareTo(ThingId other) {
        return value.compareTo(other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ThingId other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }

    // Bad input is echoed in errors; control characters must not forge log lines.
    private static String printable(String text) {
        StringBuilder b = new StringBuilder();
        text.codePoints().limit(MAX_LENGTH).forEach(c -> {
            if (c >= 0x20 && c < 0x7f) {
                b.appendCodePoint(c);
            } else {
                b.append(String.format("\\u%04x", c));
            }
        });
        return text.length() > MAX_LENGTH ? b + "..." : b.toString();
    }
}
