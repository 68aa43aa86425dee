package org.trusthub.model.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.RawValue;
import org.trusthub.api.model.RawValues;
import org.trusthub.api.thing.ThingId;
import org.trusthub.storage.ChecksumSealer;
import org.trusthub.storage.RecordStore;
import org.trusthub.storage.StoreException;

/**
 * The model's raw values: held values journalled in a {@link RecordStore} before a write is acknowledged, the others
 * in memory only. Writes are serialised; reads see the last completed write.
 */
public final class RawValueStore implements RawValues, AutoCloseable {

    static final String STORE_NAME = "held-values";

    private static final Logger LOG = LoggerFactory.getLogger(RawValueStore.class);
    private static final byte PUT = 'P';
    private static final byte DROP = 'D';
    private static final byte FORGET = 'F';

    private final Map<ThingId, SortedMap<String, RawValue>> values = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final RecordStore store;
    private final Clock clock;
    // Which values are on disk, so a value read from the thing that replaces one is dropped there too.
    private final Set<String> stored = new HashSet<>();
    private final Object writes = new Object();

    /** Values in memory only. */
    public RawValueStore(Clock clock) {
        this.store = null;
        this.clock = Objects.requireNonNull(clock);
    }

    private RawValueStore(Path directory, Clock clock) throws StoreException {
        this.clock = Objects.requireNonNull(clock);
        this.store = RecordStore.open(directory, STORE_NAME, ChecksumSealer.INSTANCE, this::replay);
    }

    /**
     * The held values kept in {@code directory}, as the last run left them.
     *
     * @throws StoreException if the files cannot be read or are damaged (they are left as found)
     */
    public static RawValueStore open(Path directory, Clock clock) throws StoreException {
        return new RawValueStore(directory, clock);
    }

    @Override
    public void listen(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void unlisten(Listener listener) {
        listeners.remove(listener);
    }

    @Override
    public Set<ThingId> things() {
        return Set.copyOf(values.keySet());
    }

    @Override
    public boolean put(ThingId thing, String name, byte[] bytes, int format, Origin origin, boolean held) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(bytes, "bytes");
        if (!RawValues.isName(name)) {
            throw new IllegalArgumentException("value name must be 1 to 64 of a-z 0-9 . _ - (starting alphanumeric)");
        }
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("value is " + bytes.length + " bytes; at most " + MAX_BYTES);
        }
        RawValue value = new RawValue(bytes, format, clock.instant(), origin, held);
        boolean created;
        synchronized (writes) {
            SortedMap<String, RawValue> m = values.get(thing);
            created = m == null || !m.containsKey(name);
            if (created && m != null && m.size() >= MAX_VALUES) {
                throw new IllegalArgumentException("thing already has " + MAX_VALUES + " values");
            }
            String key = key(thing, name);
            if (held) {
                persist(putRecord(thing, name, value));
                stored.add(key);
            } else if (stored.contains(key)) {
                persist(dropRecord(thing, name));
                stored.remove(key);
            }
            values.computeIfAbsent(thing, t -> new ConcurrentSkipListMap<>()).put(name, value);
            compactIfDue();
        }
        listeners.forEach(l -> l.changed(thing, name, value));
        return created;
    }

    /**
     * Takes held values from an earlier store as they were, each only where the thing has no value of that name
     * yet (what the thing wrote since is newer), in one write.
     *
     * @return how many were taken
     * @throws IllegalStateException if they cannot be stored; nothing changed
     */
    int adopt(Map<ThingId, SortedMap<String, RawValue>> earlier) {
        Map<ThingId, SortedMap<String, RawValue>> taken = new TreeMap<>();
        synchronized (writes) {
            List<byte[]> records = new ArrayList<>();
            earlier.forEach((thing, m) -> m.forEach((name, v) -> {
                SortedMap<String, RawValue> now = values.get(thing);
                int size = now == null ? 0 : now.size();
                int pending = taken.getOrDefault(thing, new TreeMap<>()).size();
                if (v.held() && (now == null || !now.containsKey(name)) && size + pending < MAX_VALUES) {
                    records.add(putRecord(thing, name, v));
                    taken.computeIfAbsent(thing, t -> new TreeMap<>()).put(name, v);
                }
            }));
            if (records.isEmpty()) {
                return 0;
            }
            if (store != null) {
                try {
                    store.appendAll(records);
                } catch (StoreException e) {
                    throw new IllegalStateException("held values cannot be stored in " + store.directory() + ": "
                            + e.getMessage(), e);
                }
            }
            taken.forEach((thing, m) -> m.forEach((name, v) -> {
                values.computeIfAbsent(thing, t -> new ConcurrentSkipListMap<>()).put(name, v);
                stored.add(key(thing, name));
            }));
            compactIfDue();
        }
        taken.forEach((thing, m) -> m.forEach((name, v) -> listeners.forEach(l -> l.changed(thing, name, v))));
        return taken.values().stream().mapToInt(Map::size).sum();
    }

    private static String key(ThingId thing, String name) {
        return thing.value() + "/" + name;
    }

    @Override
    public Optional<RawValue> get(ThingId thing, String name) {
        SortedMap<String, RawValue> m = values.get(thing);
        return m == null ? Optional.empty() : Optional.ofNullable(m.get(name));
    }

    @Override
    public SortedMap<String, RawValue> values(ThingId thing) {
        SortedMap<String, RawValue> m = values.get(thing);
        return m == null ? new TreeMap<>() : new TreeMap<>(m);
    }

    /** The thing's values go, from disk too (it was decommissioned). */
    public void forget(ThingId thing) {
        boolean had;
        synchronized (writes) {
            String prefix = thing.value() + "/";
            if (stored.stream().anyMatch(k -> k.startsWith(prefix))) {
                persist(forgetRecord(thing));
                stored.removeIf(k -> k.startsWith(prefix));
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
            throw new IllegalStateException("held values cannot be stored in " + store.directory() + ": "
                    + e.getMessage(), e);
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
                state.add(putRecord(thing, name, v));
            }
        }));
        try {
            store.compact(state);
        } catch (StoreException e) {
            LOG.warn("held values store in {} not compacted: {}", store.directory(), e.getMessage());
        }
    }

    private static byte[] putRecord(ThingId thing, String name, RawValue v) {
        return record(PUT, out -> {
            out.writeUTF(thing.value());
            out.writeUTF(name);
            out.writeInt(v.format());
            out.writeLong(v.changed().toEpochMilli());
            out.writeUTF(v.origin().name());
            out.writeInt(v.length());
            out.write(v.bytes());
        });
    }

    private static byte[] dropRecord(ThingId thing, String name) {
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
                    Origin origin = Origin.valueOf(in.readUTF());
                    byte[] bytes = readBytes(in, name);
                    values.computeIfAbsent(thing, t -> new ConcurrentSkipListMap<>()).put(name,
                            new RawValue(bytes, format, changed, origin, true));
                    stored.add(key(thing, name));
                }
                case DROP -> {
                    String name = in.readUTF();
                    SortedMap<String, RawValue> m = values.get(thing);
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

    /** A value's length and bytes, checked against the bounds every writer was held to. */
    static byte[] readBytes(DataInputStream in, String name) throws IOException {
        int length = in.readInt();
        if (!RawValues.isName(name) || length < 0 || length > MAX_BYTES) {
            throw new IllegalArgumentException("value record out of bounds");
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new IllegalArgumentException("value record cut short");
        }
        return bytes;
    }
}
