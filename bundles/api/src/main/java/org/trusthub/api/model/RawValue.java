package org.trusthub.api.model;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A value as a thing's protocol carries it: its bytes and the protocol's content format ({@link #NO_FORMAT} where the
 * protocol has none), when the hub got it, how it came, and whether the hub holds it on the thing's behalf.
 *
 * @param held the hub holds it for the thing (the thing wrote it to the hub, or the hub set it): it is kept on disk
 *        and survives a restart. A value read or observed from the thing is the thing's own state and is not held.
 */
public record RawValue(byte[] bytes, int format, Instant changed, Origin origin, boolean held) {

    /** The format of a value whose protocol names none. */
    public static final int NO_FORMAT = -1;

    public RawValue {
        bytes = Objects.requireNonNull(bytes, "bytes").clone();
        Objects.requireNonNull(changed, "changed");
        Objects.requireNonNull(origin, "origin");
    }

    /** A copy of the bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** How many bytes the value has. */
    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawValue v && Arrays.equals(bytes, v.bytes) && format == v.format
                && changed.equals(v.changed) && origin == v.origin && held == v.held;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes) * 31 + format;
    }

    @Override
    public String toString() {
        return "RawValue[" + bytes.length + " bytes, format " + format + ", " + origin + (held ? ", held" : "") + "]";
    }
}
