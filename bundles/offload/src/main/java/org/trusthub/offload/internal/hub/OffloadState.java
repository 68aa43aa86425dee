package org.trusthub.offload.internal.hub;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.trusthub.api.offload.IssuedToken;
import org.trusthub.api.thing.ThingId;
import org.trusthub.storage.ChecksumSealer;
import org.trusthub.storage.RecordStore;
import org.trusthub.storage.StoreException;

import com.upokecenter.cbor.CBORObject;

/**
 * What the hub must remember across a restart besides the keystore: the issued tokens until they expire, and each
 * group's members and kept epochs (number, members, start). Kept in a {@link RecordStore} (crash-safe journal and
 * snapshot); a write is durable before the request it belongs to is answered. Request sequence marks are the
 * keystore's replay marks ({@link Gate#MARK}); the marks earlier versions recorded here are read once, handed to the
 * keystore ({@link #legacyMarks}) and dropped.
 *
 * <p>No key is stored here, so the store needs no secret and is sealed with {@link ChecksumSealer} only: the epoch
 * keys are stored keys in the keystore ({@link EpochVault}), encrypted under its master key, and this store only
 * says which epochs exist.
 */
public final class OffloadState implements AutoCloseable {
    static final String STORE_NAME = "offload";

    private static final int SEQ = 1;
    private static final int SEQ_RESET = 2;
    private static final int TOKEN = 3;
    private static final int TOKENS_DROPPED = 4;
    private static final int GROUP = 5;
    private static final int GROUP_DELETED = 6;
    // SEQ, SEQ_RESET and SEQ_GEN (sequence marks) are no longer written, only read to carry them to the keystore;
    // GROUP of earlier runs is still read.
    private static final int SEQ_GEN = 7;
    private static final int GROUP_EPOCHS = 8;

    /**
     * A group as recorded: its members, the last epoch number it reached and the epochs whose keys are kept, oldest
     * first (empty in records of hubs that did not keep epoch keys).
     */
    public record GroupRecord(String name, List<ThingId> members, long lastEpoch, List<EpochRecord> epochs) {
        public GroupRecord {
            members = List.copyOf(members);
            epochs = List.copyOf(epochs);
        }
    }

    /** One kept epoch: its number, its members in sender-id order, when it started. Never its key. */
    public record EpochRecord(long number, List<ThingId> members, Instant started) {
        public EpochRecord {
            members = List.copyOf(members);
        }
    }

    /**
     * A high-water mark an earlier hub version recorded, and the key generation it belongs to ({@code null} for marks
     * recorded before generations were: they are taken to belong to whatever generation the thing has).
     */
    public record Mark(long mark, KeyGeneration generation) {
    }

    private final RecordStore store;
    private final Clock clock;
    private final Map<ThingId, Mark> marks = new HashMap<>();
    private final Map<String, IssuedToken> tokens = new LinkedHashMap<>();
    private final Map<String, GroupRecord> groups = new TreeMap<>();

    private OffloadState(Path directory, Clock clock) throws StoreException {
        this.clock = clock;
        this.store = directory == null ? null
                : RecordStore.open(directory, STORE_NAME, ChecksumSealer.INSTANCE, this::replay);
        if (store != null) {
            dropExpired(clock.instant());
        }
    }

    /** Nothing survives a restart (tests and benchmarks that do not restart). */
    public static OffloadState inMemory() {
        try {
            return new OffloadState(null, Clock.systemUTC());
        } catch (StoreException e) {
            throw new AssertionError(e);
        }
    }

    /** Opens or creates the state in {@code directory}, replaying what a previous run recorded. */
    public static OffloadState open(Path directory, Clock clock) throws StoreException {
        return new OffloadState(directory, clock);
    }

    public boolean durable() {
        return store != null;
    }

    /** The sequence marks an earlier hub version recorded here, to be carried over to the keystore. */
    public synchronized Map<ThingId, Mark> legacyMarks() {
        return Map.copyOf(marks);
    }

    /** Drops the legacy marks (carried over): the store is rewritten without them. */
    public synchronized void forgetLegacyMarks() {
        marks.clear();
        if (store != null) {
            compact();
        }
    }

    /** The recorded tokens that have not expired. */
    public synchronized List<IssuedToken> tokens() {
        Instant now = clock.instant();
        return tokens.values().stream().filter(t -> now.isBefore(t.expires())).toList();
    }

    public synchronized List<GroupRecord> groups() {
        return List.copyOf(groups.values());
    }

    public synchronized void tokenIssued(IssuedToken t) {
        if (store == null) {
            return;
        }
        write(record(TOKEN, t.id(), t.client().value(), t.audience().value(), t.scope(), t.profile(),
                t.issued().toEpochMilli(), t.expires().toEpochMilli()));
        tokens.put(t.id(), t);
    }

    /** Forgets the tokens a thing holds or is the audience of. */
    public synchronized void tokensDropped(ThingId thing) {
        if (store != null && tokens.values().stream().anyMatch(t -> involves(t, thing))) {
            write(record(TOKENS_DROPPED, thing.value()));
            tokens.values().removeIf(t -> involves(t, thing));
        }
    }

    /** Records a group's members, last epoch number and kept epochs (a re-key, or a window that shrank). */
    public synchronized void group(String name, Collection<ThingId> members, long lastEpoch,
            List<EpochRecord> epochs) {
        if (store == null) {
            return;
        }
        GroupRecord g = new GroupRecord(name, List.copyOf(members), lastEpoch, epochs);
        write(groupRecord(g));
        groups.put(name, g);
    }

    public synchronized void groupDeleted(String name) {
        if (store != null && groups.containsKey(name)) {
            write(record(GROUP_DELETED, name));
            groups.remove(name);
        }
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            store.close();
        }
    }

    private void write(CBORObject r) {
        try {
            store.append(r.EncodeToBytes());
            if (store.shouldCompact()) {
                compact();
            }
        } catch (StoreException e) {
            throw new UncheckedIOException("offload state cannot be written: " + e.getMessage(), e);
        }
    }

    // A failed compaction leaves the journal as it was (RecordStore's promise); it is retried after the next write.
    private void compact() {
        dropExpired(clock.instant());
        List<byte[]> all = new ArrayList<>();
        tokens.values().forEach(t -> all.add(record(TOKEN, t.id(), t.client().value(), t.audience().value(),
                t.scope(), t.profile(), t.issued().toEpochMilli(), t.expires().toEpochMilli()).EncodeToBytes()));
        groups.values().forEach(g -> all.add(groupRecord(g).EncodeToBytes()));
        try {
            store.compact(all);
        } catch (StoreException e) {
            org.slf4j.LoggerFactory.getLogger(OffloadState.class)
                    .warn("Offload state compaction failed, retried after the next write: {}", e.getMessage());
        }
    }

    private void dropExpired(Instant now) {
        tokens.values().removeIf(t -> !now.isBefore(t.expires()));
    }

    private void replay(byte[] bytes) {
        CBORObject r = CBORObject.DecodeFromBytes(bytes);
        switch (r.get(0).AsInt32Value()) {
            case SEQ -> marks.put(ThingId.of(r.get(1).AsString()), new Mark(r.get(2).AsInt64Value(), null));
            case SEQ_GEN -> marks.put(ThingId.of(r.get(1).AsString()), new Mark(r.get(2).AsInt64Value(),
                    new KeyGeneration(r.get(3).AsInt64Value(), r.get(4).AsInt32Value())));
            case SEQ_RESET -> marks.remove(ThingId.of(r.get(1).AsString()));
            case TOKEN -> {
                IssuedToken t = new IssuedToken(r.get(1).AsString(), ThingId.of(r.get(2).AsString()),
                        ThingId.of(r.get(3).AsString()), r.get(4).AsString(), r.get(5).AsString(),
                        Instant.ofEpochMilli(r.get(6).AsInt64Value()),
                        Instant.ofEpochMilli(r.get(7).AsInt64Value()));
                tokens.put(t.id(), t);
            }
            case TOKENS_DROPPED -> {
                ThingId thing = ThingId.of(r.get(1).AsString());
                tokens.values().removeIf(t -> involves(t, thing));
            }
            case GROUP, GROUP_EPOCHS -> {
                String name = r.get(1).AsString();
                List<EpochRecord> epochs = new ArrayList<>();
                if (r.get(0).AsInt32Value() == GROUP_EPOCHS) {
                    CBORObject es = r.get(4);
                    for (int i = 0; i < es.size(); i++) {
                        CBORObject e = es.get(i);
                        epochs.add(new EpochRecord(e.get(0).AsInt64Value(), things(e.get(1)),
                                Instant.ofEpochMilli(e.get(2).AsInt64Value())));
                    }
                }
                groups.put(name, new GroupRecord(name, things(r.get(2)), r.get(3).AsInt64Value(), epochs));
            }
            case GROUP_DELETED -> groups.remove(r.get(1).AsString());
            default -> throw new IllegalArgumentException("unknown offload record kind " + r.get(0));
        }
    }

    private static List<ThingId> things(CBORObject array) {
        List<ThingId> list = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            list.add(ThingId.of(array.get(i).AsString()));
        }
        return list;
    }

    private static CBORObject array(Collection<ThingId> things) {
        CBORObject a = CBORObject.NewArray();
        things.forEach(t -> a.Add(t.value()));
        return a;
    }

    private static CBORObject groupRecord(GroupRecord g) {
        CBORObject epochs = CBORObject.NewArray();
        for (EpochRecord e : g.epochs()) {
            CBORObject er = CBORObject.NewArray();
            er.Add(e.number());
            er.Add(array(e.members()));
            er.Add(e.started().toEpochMilli());
            epochs.Add(er);
        }
        return record(GROUP_EPOCHS, g.name(), array(g.members()), g.lastEpoch(), epochs);
    }

    private static boolean involves(IssuedToken t, ThingId thing) {
        return t.client().equals(thing) || t.audience().equals(thing);
    }

    private static CBORObject record(int kind, Object... fields) {
        CBORObject r = CBORObject.NewArray();
        r.Add(kind);
        for (Object f : fields) {
            r.Add(CBORObject.FromObject(f));
        }
        return r;
    }
}
