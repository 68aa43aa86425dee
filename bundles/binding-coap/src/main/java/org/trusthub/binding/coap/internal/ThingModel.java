package org.trusthub.binding.coap.internal;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import org.trusthub.api.thing.ThingId;

/**
 * The hub's view of its CoAP things' data: named values a thing wrote to the hub or the hub read or observed from
 * the thing. Bounded: at most {@value #MAX_VALUES} values of at most {@value #MAX_VALUE_BYTES} bytes per thing.
 */
public final class ThingModel {
    /** The source of a value the hub itself set. */
    static final String HUB = "hub";
    static final int MAX_VALUES = 32;
    static final int MAX_VALUE_BYTES = 1024;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /** A value, its CoAP content format, when it changed and where it came from. */
    public record Value(byte[] bytes, int contentFormat, Instant changed, String source) {
        public Value {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && Arrays.equals(bytes, v.bytes) && contentFormat == v.contentFormat
                    && changed.equals(v.changed) && source.equals(v.source);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes) * 31 + contentFormat;
        }

        @Override
        public String toString() {
            return "Value[" + bytes.length + " bytes, format " + contentFormat + ", " + source + "]";
        }
    }

    /** Told of every change after it is made, on the thread that made it; must not block. */
    interface Listener {
        void changed(ThingId thing, String name, Value value);

        void forgotten(ThingId thing);
    }

    private final Map<ThingId, SortedMap<String, Value>> values = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    void listen(Listener listener) {
        listeners.add(listener);
    }

    void unlisten(Listener listener) {
        listeners.remove(listener);
    }

    /** The things that have values now. */
    Set<ThingId> things() {
        return Set.copyOf(values.keySet());
    }

    static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * Sets a value.
     *
     * @return whether it was new
     * @throws IllegalArgumentException naming what is wrong, changing nothing
     */
    boolean put(ThingId thing, String name, byte[] bytes, int contentFormat, String source) {
        if (!isName(name)) {
            throw new IllegalArgumentException("value name must be 1 to 64 of a-z 0-9 . _ - (starting alphanumeric)");
        }
        if (bytes.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("value is " + bytes.length + " bytes; at most " + MAX_VALUE_BYTES);
        }
        boolean[] created = new boolean[1];
        Value value = new Value(bytes, contentFormat, Instant.now(), source);
        values.compute(thing, (t, map) -> {
            SortedMap<String, Value> m = map == null ? new java.util.concurrent.ConcurrentSkipListMap<>() : map;
            if (!m.containsKey(name) && m.size() >= MAX_VALUES) {
                throw new IllegalArgumentException("thing already has " + MAX_VALUES + " values");
            }
            created[0] = m.put(name, value) == null;
            return m;
        });
        listeners.forEach(l -> l.changed(thing, name, value));
        return created[0];
    }

    Optional<Value> get(ThingId thing, String name) {
        SortedMap<String, Value> m = values.get(thing);
        return m == null ? Optional.empty() : Optional.ofNullable(m.get(name));
    }

    SortedMap<String, Value> all(ThingId thing) {
        SortedMap<String, Value> m = values.get(thing);
        return m == null ? new TreeMap<>() : new TreeMap<>(m);
    }

    void forget(ThingId thing) {
        if (values.remove(thing) != null) {
            listeners.forEach(l -> l.forgotten(thing));
        }
    }
}
