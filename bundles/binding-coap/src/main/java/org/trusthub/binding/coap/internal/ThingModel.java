package org.trusthub.binding.coap.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import org.trusthub.api.thing.ThingId;
import org.trusthub.storage.ChecksumSealer;
import org.trusthub.storage.RecordStore;
import org.trusthub.storage.StoreException;

/**
 * The hub's view of its CoAP things' data: named values a thing wrote to the hub or the hub read or observed from
 * the thing. Bounded: at most {@value #MAX_VALUES} values of at most {@value #MAX_VALUE_BYTES} bytes per thing.
 *
 * <p>With a store, the values a thing wrote to the hub and the values the hub set survive a restart: the hub holds
 * them on the thing's behalf, and nobody else has them. A value read or observed from the thing is its own state,
 * read again when needed, so it costs no disk write (a frequently observed sensor would wear a gateway's flash).
 * A write is acknowledged only once it is on disk.
 */
public final class ThingModel implements AutoCloseable {
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

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ThingModel.class);
    private static final String STORE_NAME = "coap-values";
    private static final byte PUT = 'P';
    private static final byte DROP = 'D';
    private static final byte FORGET = 'F';

    private final Map<ThingId, SortedMap<String, Value>> values = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final RecordStore store;
    // Which values are on disk, so a read value replacing one is dropped there too.
    private final Set<String> stored = new HashSet<>();
    private final Object writes = new Object();

    /** Values in memory only. */
    ThingModel() {
        this.store = null;
    }

    private ThingModel(Path directory) throws StoreException {
        this.store = RecordStore.open(directory, STORE_NAME, ChecksumSealer.INSTANCE, this::replay);
    }

    /**
     * The values kept in {@code directory}, as the last run left them.
     *
     * @throws StoreException if the files cannot be read or are damaged (they are left as found)
     */
    static ThingModel open(Path directory) throws StoreException {
        return new ThingModel(directory);
    }

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
        Value value = new Value(bytes, contentFormat, Instant.now(), source);
        boolean created;
        synchronized (writes) {
            SortedMap<String, Value> m = values.get(thing);
            created = m == null || !m.containsKey(name);
            if (created && m != null && m.size() >= MAX_VALUES) {
                throw new IllegalArgumentException("thing already has " + MAX_VALUES + " values");
            }
            String key = key(thing, name);
            if (isKept(source)) {
                persist(put(thing, name, value));
                stored.add(key);
            } else if (stored.contains(key)) {
                persist(drop(thing, name));
                stored.remove(key);
            }
            values.computeIfAbsent(thing, t -> new ConcurrentSkipListMap<>()).put(name, value);
            compactIfDue();
        }
        listeners.forEach(l -> l.changed(thing, name, value));
        return created;
    }

    // What the hub holds on the thing's behalf: what the thing wrote to it, and what the hub set.
    private static boolean isKept(String source) {
        return "written".equals(source) || HUB.equals(source);
    }

    private static String key(ThingId thing, String name) {
        return thing.value() + "/" + name;
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
        boolean had;
        synchronized (writes) {
            String prefix = thing.value() + "/";
            if (stored.removeIf(k -> k.startsWith(prefix))) {
                persist(forgetRecord(thing));
            }
            had = values.remove(thing) != null;
            compactIfDue();
        }
        if (had) {
            listeners.forEach(l -> l.forgotten(thing));
        }
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }

    // ------------------------------------------------------------------------------------------ on disk

    private void persist(byte[] record) {
        if (store == null) {
            return;
        }
        try {
            store.append(record);
        } catch (StoreException e) {
            throw new IllegalStateException("the values things keep at the hub cannot be stored in "
                    + store.directory() + ": " + e.getMessage(), e);
        }
    }

    // The journal already holds every change: a compaction that fails only leaves it longer.
    private void compactIfDue() {
        if (store == null || !store.shouldCompact()) {
            return;
        }
        List<byte[]> state = new ArrayList<>();
        values.forEach((thing, m) -> m.forEach((name, v) -> {
            if (stored.contains(key(thing, name))) {
                state.add(put(thing, name, v));
            }
        }));
        try {
            store.compact(state);
        } catch (StoreException e) {
            LOG.warn("CoAP values store in {} not compacted: {}", store.directory(), e.getMessage());
        }
    }

    private static byte[] put(ThingId thing, String name, Value v) {
        return record(PUT, out -> {
            out.writeUTF(thing.value());
            out.writeUTF(name);
            out.writeInt(v.contentFormat());
            out.writeLong(v.changed().toEpochMilli());
            out.writeUTF(v.source());
            out.writeInt(v.bytes().length);
            out.write(v.bytes());
        });
    }

    private static byte[] drop(ThingId thing, String name) {
        return record(DROP, out -> {
            out.writeUTF(thing.value());
            out.writeUTF(name);
        });
    }

    private static byte[] forgetRecord(ThingId thing) {
        return record(FORGET, out -> out.writeUTF(thing.value()));
    }

    private interface Fields {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] record(byte kind, Fields fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(kind);
            fields.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    // Records of a run that checked every value before it wrote it; one that does not read back is a damaged store.
    private void replay(byte[] record) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            byte kind = in.readByte();
            ThingId thing = ThingId.of(in.readUTF());
            switch (kind) {
                case PUT -> {
                    String name = in.readUTF();
                    int format = in.readInt();
                    Instant changed = Instant.ofEpochMilli(in.readLong());
                    String source = in.readUTF();
                    int length = in.readInt();
                    if (!isName(name) || length < 0 || length > MAX_VALUE_BYTES) {
                        throw new IllegalArgumentException("value record out of bounds");
                    }
                    byte[] bytes = in.readNBytes(length);
                    if (bytes.length != length) {
                        throw new IllegalArgumentException("value record cut short");
                    }
                    values.computeIfAbsent(thing, t -> new ConcurrentSkipListMap<>()).put(name,
                            new Value(bytes, format, changed, source));
                    stored.add(key(thing, name));
                }
                case DROP -> {
                    String name = in.readUTF();
                    SortedMap<String, Value> m = values.get(thing);
                    if (m != null) {
                        m.remove(name);
                        if (m.isEmpty()) {
                            values.remove(thing);
                        }
                    }
                    stored.remove(key(thing, name));
                }
                case FORGET -> {
                    values.remove(thing);
                    stored.removeIf(k -> k.startsWith(thing.value() + "/"));
                }
                default -> throw new IllegalArgumentException("unknown value record kind " + kind);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("value record cut short", e);
        }
    }
}
