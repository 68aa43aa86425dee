package org.trusthub.keystore.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.keystore.CounterExhaustedException;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.KeyRevokedException;
import org.trusthub.api.keystore.KeyStatus;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.LayerKeyMetadata;
import org.trusthub.api.keystore.Mechanisms;
import org.trusthub.api.keystore.ReplayMarks;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.StaleKeyException;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.keystore.TrustAnchorEntry;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.keystore.internal.KeystoreRecords.Anchor;
import org.trusthub.keystore.internal.KeystoreRecords.AnchorRemoved;
import org.trusthub.keystore.internal.KeystoreRecords.CounterMark;
import org.trusthub.keystore.internal.KeystoreRecords.DeleteStoredKey;
import org.trusthub.keystore.internal.KeystoreRecords.Discard;
import org.trusthub.keystore.internal.KeystoreRecords.Hub;
import org.trusthub.keystore.internal.KeystoreRecords.LayerRec;
import org.trusthub.keystore.internal.KeystoreRecords.LayerUse;
import org.trusthub.keystore.internal.KeystoreRecords.MalformedRecordException;
import org.trusthub.keystore.internal.KeystoreRecords.Rec;
import org.trusthub.keystore.internal.KeystoreRecords.ReplayMark;
import org.trusthub.keystore.internal.KeystoreRecords.Revoke;
import org.trusthub.keystore.internal.KeystoreRecords.Rotate;
import org.trusthub.keystore.internal.KeystoreRecords.StoredKey;
import org.trusthub.keystore.internal.KeystoreRecords.ThingRec;
import org.trusthub.keystore.internal.KeystoreRecords.Usage;
import org.trusthub.storage.AesGcmSealer;
import org.trusthub.storage.RecordStore;
import org.trusthub.storage.StoreCorruptedException;
import org.trusthub.storage.StoreException;
import org.trusthub.storage.WrongKeyException;

/**
 * The keystore itself, without OSGi: a {@link RecordStore} sealed under the hub master key, with the whole state in
 * memory. Unit tests, the benchmarks and the DS component use it directly.
 *
 * <p>Every change is validated first, then written as one record (durable when the write returns), and only then
 * applied to memory through the same {@link #apply} that replays the store at start; so a failed write changes
 * nothing, and what a restart finds is what callers were told.
 *
 * <p>Concurrency: deriving keys, drawing counters and moving replay marks take the read lock, so they run in
 * parallel; enrollment, rotation, revocation, compaction and close take the write lock. Each counter and each replay
 * mark has its own monitor, and writes to the store are serialised by {@code storeMutex} (lock order: read/write
 * lock, counter or mark, store mutex).
 *
 * <p>Replay marks (incoming counters, 1.2): like counters they are reserved ahead, {@code replayReservation} at a
 * time, durable before a counter above the reservation is accepted; a restart resumes at the reservation (so after a
 * crash up to one block of fresh counters is refused), and close writes the marks as accepted. They are kept per
 * layer generation and mechanism, so a rotation, a revocation and a replaced or deleted stored key drop them.
 */
public final class FileThingKeyStore implements ThingKeyStore, AutoCloseable {

    /** Name of the record store files in the store directory ({@code keys.snapshot}, {@code keys.journal}). */
    public static final String STORE_NAME = "keys";
    /** How many counter values are reserved with one write, unless configured otherwise. */
    public static final int DEFAULT_COUNTER_RESERVATION = 1024;
    /**
     * How far ahead of an accepted incoming counter a replay mark is written, unless configured otherwise: one write
     * per this many frames from a source, and at most this many fresh frames refused after a crash.
     */
    public static final int DEFAULT_REPLAY_RESERVATION = 32;
    /** Most replay marks one key may have (a sender holding a shared key could otherwise grow the store at will). */
    public static final int MAX_REPLAY_MARKS_PER_KEY = 16_384;

    private static final Logger LOG = LoggerFactory.getLogger(FileThingKeyStore.class);
    private static final byte[] RETIRED_ROOT_LABEL = "trusthub/v1 retired root".getBytes(StandardCharsets.UTF_8);
    private static final Layer[] LAYERS = Layer.values();

    private final Path storeDirectory;
    private final Path masterKeyFile;
    private final Clock clock;
    private final int counterReservation;
    private final int replayReservation;
    private final Consumer<KeyEvent> events;
    private final SecureRandom random = new SecureRandom();

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Lock read = lock.readLock();
    private final Lock write = lock.writeLock();
    private final Object storeMutex = new Object();

    // Changed under the write lock only.
    private final TreeMap<ThingId, ThingState> things = new TreeMap<>();
    // Trust anchors by alias (DER and purposes); changed under the write lock only.
    private final TreeMap<String, Anchor> anchors = new TreeMap<>();
    // lastUsed and mechanisms change on every derive, under the read lock: they are kept in memory and written lazily,
    // with the next record that is written anyway, at compaction and at close, so deriving a key never waits for
    // the disk. A crash may lose the latest usage times, never a key or a counter reservation.
    private final Set<ThingId> usageDirty = ConcurrentHashMap.newKeySet();

    // Set when a record destroys key material (revocation, discarded enrollment, deleted, replaced or rotated
    // stored key) whose bytes are still in the store files; cleared by a compaction. Set at replay too, so a
    // revocation whose compaction failed or was cut short by a crash is compacted away at the next start.
    // Guarded by storeMutex (and single-threaded during load).
    private boolean destructionPending;
    // Whether the last write asks for a compaction; it runs once the writer has left the write lock.
    private volatile boolean compactionDue;

    private AesGcmSealer sealer;
    private RecordStore store;
    private HubIdentity identity;
    private volatile boolean closed;

    private FileThingKeyStore(Path storeDirectory, Path masterKeyFile, Clock clock, int counterReservation,
            int replayReservation, Consumer<KeyEvent> events) {
        this.storeDirectory = Objects.requireNonNull(storeDirectory, "storeDirectory");
        this.masterKeyFile = Objects.requireNonNull(masterKeyFile, "masterKeyFile");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = Objects.requireNonNull(events, "events");
        if (counterReservation < 1) {
            throw new IllegalArgumentException(
                    "counterReservation is " + counterReservation + "; it must be at least 1");
        }
        this.counterReservation = counterReservation;
        if (replayReservation < 1) {
            throw new IllegalArgumentException(
                    "replayMarkReservation is " + replayReservation + "; it must be at least 1");
        }
        this.replayReservation = replayReservation;
    }

    /**
     * Opens the keystore in {@code storeDirectory}, creating the master key file and the hub identity at first start.
     *
     * @param counterReservation how many counter values one write reserves (at least 1)
     * @param events receives each change once it is durable
     * @throws KeystoreException naming the file when the master key file is refused or missing for an existing
     *         store, the store was sealed under another master key, or the store is damaged; nothing is changed then
     */
    public static FileThingKeyStore open(Path storeDirectory, Path masterKeyFile, Clock clock, int counterReservation,
            Consumer<KeyEvent> events) {
        return open(storeDirectory, masterKeyFile, clock, counterReservation, DEFAULT_REPLAY_RESERVATION, events);
    }

    /**
     * As {@link #open(Path, Path, Clock, int, Consumer)}, with the block replay marks are written ahead in.
     *
     * @param replayReservation how far ahead of an accepted incoming counter a replay mark is written (at least 1):
     *        1 writes on every accepted frame and refuses nothing fresh after a crash; n writes once per n frames
     *        from a source and refuses at most n - 1 fresh ones after a crash
     */
    public static FileThingKeyStore open(Path storeDirectory, Path masterKeyFile, Clock clock, int counterReservation,
            int replayReservation, Consumer<KeyEvent> events) {
        FileThingKeyStore keystore = new FileThingKeyStore(storeDirectory, masterKeyFile, clock, counterReservation,
                replayReservation, events);
        keystore.load();
        return keystore;
    }

    /** Opens with the system clock, the default counter reservation and no event listener. */
    public static FileThingKeyStore open(Path storeDirectory, Path masterKeyFile) {
        return open(storeDirectory, masterKeyFile, Clock.systemUTC(), DEFAULT_COUNTER_RESERVATION, e -> {
        });
    }

    // ------------------------------------------------------------------------------------------------ start, stop

    private void load() {
        byte[] masterKey;
        if (MasterKeyFile.exists(masterKeyFile)) {
            masterKey = MasterKeyFile.read(masterKeyFile);
        } else if (storeExists()) {
            throw new KeystoreException("master key file " + masterKeyFile + " is missing but keystore "
                    + storeDirectory + " exists: restore the master key that belongs to it (a new key could not "
                    + "open the store); nothing was changed");
        } else {
            masterKey = MasterKeyFile.create(masterKeyFile, random);
            LOG.info("Created a new hub master key file {}", masterKeyFile);
        }
        try {
            sealer = new AesGcmSealer(masterKey);
        } finally {
            Arrays.fill(masterKey, (byte) 0);
        }
        try {
            store = RecordStore.open(storeDirectory, STORE_NAME, sealer, this::replay);
        } catch (WrongKeyException e) {
            abandon();
            throw new KeystoreException("keystore " + storeDirectory + " was sealed under another master key than "
                    + "the one in " + masterKeyFile + "; nothing was changed: restore the master key file that "
                    + "belongs to this store (" + e.getMessage() + ")", e);
        } catch (StoreCorruptedException e) {
            abandon();
            throw new KeystoreException("keystore " + storeDirectory + " is damaged and was left as found for "
                    + "inspection; restore it from a backup (" + e.getMessage() + ")", e);
        } catch (StoreException e) {
            abandon();
            throw new KeystoreException("cannot open keystore " + storeDirectory + ": " + e.getMessage(), e);
        }
        // Values between a counter's last reservation mark and the end of its block may have been handed out
        // before the stop: resume at the mark.
        for (ThingState t : things.values()) {
            for (LayerState l : t.layers) {
                l.counters.values().forEach(c -> c.next = c.reserved);
                // Counters up to a replay mark's reservation may have been accepted before a crash: refuse them.
                l.marks.values().forEach(byName -> byName.values().forEach(m -> m.accepted = m.reserved));
            }
        }
        try {
            if (identity == null) {
                if (!things.isEmpty()) {
                    throw new KeystoreException("keystore " + storeDirectory + " holds things but no hub identity; "
                            + "it was left as found: restore it from a backup");
                }
                HubIdentity fresh = HubIdentities.generate(random, clock.instant());
                byte[] record = KeystoreRecords.encode(hubRecord(fresh));
                try {
                    store.append(record);
                } catch (StoreException e) {
                    throw new KeystoreException("cannot write the new hub identity to keystore " + storeDirectory
                            + ": " + e.getMessage(), e);
                } finally {
                    Arrays.fill(record, (byte) 0);
                }
                identity = fresh;
                LOG.info("Created the hub identity {}", fresh.certificate().getSubjectX500Principal().getName());
            }
            write.lock();
            try {
                compactIfDue();
            } finally {
                write.unlock();
            }
        } catch (RuntimeException e) {
            store.close();
            abandon();
            throw e;
        }
        LOG.info("Keystore {} open: {} things", storeDirectory, things.size());
        warnMigratedAnchors();
    }

    // Anchors stored before anchors had purposes keep serving the identity paths they served, never firmware; the
    // operator is told once per start until each is added again with its purposes.
    private void warnMigratedAnchors() {
        List<String> migrated = new ArrayList<>();
        anchors.values().stream().filter(a -> a.purposes() == null).forEach(a -> migrated.add(a.alias()));
        if (!migrated.isEmpty()) {
            LOG.warn("Keystore {}: trust anchors {} were added before anchors had purposes; they serve only {} until "
                    + "removed and added again with their purposes (trusthub:trust-anchor-add --purpose ...)",
                    storeDirectory, migrated, TrustPurpose.MIGRATED);
        }
    }

    private boolean storeExists() {
        return Files.exists(storeDirectory.resolve(STORE_NAME + ".snapshot"))
                || Files.exists(storeDirectory.resolve(STORE_NAME + ".journal"));
    }

    private void abandon() {
        things.values().forEach(ThingState::wipeAll);
        things.clear();
        identity = null;
        sealer.destroy();
        closed = true;
    }

    /** Writes pending usage times, compacts if due, closes the store and wipes every key held in memory. */
    @Override
    public void close() {
        write.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            synchronized (storeMutex) {
                try {
                    List<byte[]> usage = drainUsage(new ArrayList<>());
                    List<ReplayMark> exact = exactReplayMarks();
                    exact.forEach(r -> usage.add(KeystoreRecords.encode(r)));
                    store.appendAll(usage);
                    exact.forEach(this::apply);
                    if (store.shouldCompact()) {
                        compactLocked();
                    }
                } catch (StoreException | RuntimeException e) {
                    LOG.warn("Keystore {}: could not write the latest key usage times at close: {}", storeDirectory,
                            e.getMessage());
                }
                store.close();
            }
            things.values().forEach(ThingState::wipeAll);
            sealer.destroy();
        } finally {
            write.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ ThingKeyStore

    @Override
    public void enroll(ThingId thing, RootCredential root) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(root, "root");
        KeyEvent event;
        write.lock();
        try {
            checkOpen();
            ThingState existing = things.get(thing);
            if (existing != null && existing.active()) {
                throw new DuplicateThingException(thing, "its keys are active; revoke them before enrolling it "
                        + "again with a fresh root credential");
            }
            byte[] certificate = null;
            String fingerprint = null;
            byte[] ikm;
            if (root instanceof RootCredential.Secret secret) {
                ikm = secret.bytes();
            } else {
                X509Certificate cert = ((RootCredential.Certificate) root).certificate();
                ECPublicKey key = HubIdentities.requireP256(cert);
                String anchor = anchorWithKey(key.getEncoded());
                if (anchor != null) {
                    throw new IllegalArgumentException("the root certificate of thing '" + thing + "' has the key of "
                            + "trust anchor '" + anchor + "'; a certification authority is no thing");
                }
                try {
                    certificate = cert.getEncoded();
                } catch (CertificateEncodingException e) {
                    throw new IllegalArgumentException("root certificate cannot be encoded: " + e.getMessage(), e);
                }
                fingerprint = HexFormat.of().formatHex(sha256(certificate));
                ikm = HubIdentities.ecdh(identity.privateKey(), key);
            }
            byte[] prk;
            try {
                prk = DerivationProfile.rootPrk(ikm);
            } finally {
                Arrays.fill(ikm, (byte) 0);
            }
            List<byte[]> retired = new ArrayList<>();
            if (existing != null) {
                byte[] tag = retiredTag(prk);
                for (byte[] old : existing.retiredRoots) {
                    if (MessageDigest.isEqual(old, tag)) {
                        Arrays.fill(prk, (byte) 0);
                        throw new IllegalArgumentException("the root credential given for thing '" + thing
                                + "' is the one that was revoked; enroll it with a fresh root credential");
                    }
                }
                retired.addAll(existing.retiredRoots);
            }
            Instant now = clock.instant();
            List<LayerRec> layers = new ArrayList<>();
            for (int i = 0; i < LAYERS.length; i++) {
                layers.add(new LayerRec(1, now, null, Set.of(), Map.of()));
            }
            ThingRec rec = new ThingRec(thing, root.kind(), certificate, fingerprint, now, prk, null, retired, layers);
            writeAndApply(rec);
            event = new KeyEvent(TrustHubEvents.KEYS_ENROLLED, thing, null, 1, now);
        } finally {
            write.unlock();
        }
        compactIfWanted();
        publish(event);
    }

    @Override
    public boolean isActive(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        read.lock();
        try {
            checkOpen();
            ThingState t = things.get(thing);
            return t != null && t.active();
        } finally {
            read.unlock();
        }
    }

    @Override
    public List<ThingId> things() {
        read.lock();
        try {
            checkOpen();
            return List.copyOf(things.keySet());
        } finally {
            read.unlock();
        }
    }

    @Override
    public DerivedKey deriveKey(ThingId thing, Layer layer, String mechanism, int length) {
        return derive(thing, layer, mechanism, length, true);
    }

    @Override
    public DerivedKey deriveKeyUnrecorded(ThingId thing, Layer layer, String mechanism, int length) {
        return derive(thing, layer, mechanism, length, false);
    }

    private DerivedKey derive(ThingId thing, Layer layer, String mechanism, int length, boolean record) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(layer, "layer");
        Mechanisms.check(mechanism);
        if (length < MIN_KEY_LENGTH || length > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key length " + length + " bytes is out of range: it must be "
                    + MIN_KEY_LENGTH + " to " + MAX_KEY_LENGTH + " bytes");
        }
        read.lock();
        try {
            checkOpen();
            ThingState t = active(thing);
            LayerState l = t.layers[layer.ordinal()];
            byte[] key = DerivationProfile.layerKey(t.prk, thing, layer, mechanism, l.generation, length);
            if (record) {
                try {
                    recordUse(t, l, mechanism);
                } catch (RuntimeException e) {
                    Arrays.fill(key, (byte) 0);
                    throw e;
                }
            }
            return new DerivedKey(thing, layer, mechanism, l.generation, key);
        } finally {
            read.unlock();
            compactIfWanted(false);
        }
    }

    @Override
    public void recordUse(DerivedKey key) {
        Objects.requireNonNull(key, "key");
        read.lock();
        try {
            checkOpen();
            recordUse(active(key.thing()), keyLayer(key), key.mechanism());
        } finally {
            read.unlock();
            compactIfWanted(false);
        }
    }

    // Caller holds the read lock and checked that the thing is active.
    private void recordUse(ThingState t, LayerState l, String mechanism) {
        l.lastUsed = clock.instant();
        l.mechanisms.add(mechanism);
        usageDirty.add(t.id);
        if (!t.used) {
            // discardEnrollment must know for sure that no key was handed out: the first use is durable before the
            // key leaves (or, for a key checked before use, before its use is acknowledged); later ones are written
            // lazily.
            markUsed(t);
        }
    }

    @Override
    public int rotate(ThingId thing, Layer layer) {
        Objects.requireNonNull(layer, "layer");
        KeyEvent event = rotateLayers(thing, layer);
        // a rotation destroys the layer's stored keys: they leave the files before anybody hears of it
        compactIfWanted();
        publish(event);
        return event.generation();
    }

    @Override
    public void rotateAll(ThingId thing) {
        KeyEvent event = rotateLayers(thing, null);
        compactIfWanted();
        publish(event);
    }

    private KeyEvent rotateLayers(ThingId thing, Layer only) {
        Objects.requireNonNull(thing, "thing");
        write.lock();
        try {
            checkOpen();
            ThingState t = active(thing);
            int[] generations = new int[LAYERS.length];
            for (Layer layer : LAYERS) {
                if (only == null || layer == only) {
                    int current = t.layers[layer.ordinal()].generation;
                    if (current == Integer.MAX_VALUE) {
                        throw new KeystoreException("thing '" + thing + "' " + layer
                                + " keys reached the last generation; re-enroll it with a fresh root credential");
                    }
                    generations[layer.ordinal()] = current + 1;
                }
            }
            Instant now = clock.instant();
            writeAndApply(new Rotate(thing, now, generations));
            Integer generation = only == null ? null : generations[only.ordinal()];
            return new KeyEvent(TrustHubEvents.KEYS_ROTATED, thing, only, generation, now);
        } finally {
            write.unlock();
        }
    }

    @Override
    public boolean revoke(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        KeyEvent event;
        write.lock();
        try {
            checkOpen();
            ThingState t = things.get(thing);
            if (t == null) {
                throw new UnknownThingException(thing);
            }
            if (!t.active()) {
                return false;
            }
            Instant now = clock.instant();
            writeAndApply(new Revoke(thing, now, retiredTag(t.prk)));
            event = new KeyEvent(TrustHubEvents.KEYS_REVOKED, thing, null, null, now);
        } finally {
            write.unlock();
        }
        // The destroyed root still sits in the snapshot or in the journal's enrollment record: compact now so it
        // leaves the store before the call returns. Outside the write lock, so derivations and counters within
        // their reserved blocks go on meanwhile; if it fails, the next write and the next start retry it.
        compactIfWanted();
        publish(event);
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Values are reserved {@code counterReservation} at a time: the reservation mark is durable before the first
     * value of a block is handed out, and a restart resumes at the mark. The largest value handed out is
     * {@code min(limit, Long.MAX_VALUE - 1)}, so the mark can always lie above it.
     */
    @Override
    public long nextCounter(ThingId thing, Layer layer, String mechanism, long limit) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(layer, "layer");
        Mechanisms.check(mechanism);
        checkLimit(limit);
        read.lock();
        try {
            checkOpen();
            ThingState t = active(thing);
            return draw(t, layer, mechanism, limit);
        } finally {
            read.unlock();
            compactIfWanted(false);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Besides the generation, the key's bytes must be the current key's (the stored key, or the key derived at
     * this length): after a revocation and a re-enrollment generations start over at 1, and a key of the old root
     * must not draw the new root's counter values.
     */
    @Override
    public long nextCounter(DerivedKey key, long limit) {
        Objects.requireNonNull(key, "key");
        checkLimit(limit);
        ThingId thing = key.thing();
        Layer layer = key.layer();
        read.lock();
        try {
            checkOpen();
            keyLayer(key);
            return draw(active(thing), layer, key.mechanism(), limit);
        } finally {
            read.unlock();
            compactIfWanted(false);
        }
    }

    private static void checkLimit(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("counter limit " + limit + " is negative");
        }
    }

    // Caller holds the read lock and checked that the thing is active.
    private long draw(ThingState t, Layer layer, String mechanism, long limit) {
        long max = Math.min(limit, Long.MAX_VALUE - 1);
        LayerState l = t.layers[layer.ordinal()];
        Counter c = l.counters.computeIfAbsent(mechanism, m -> new Counter());
        synchronized (c) {
            if (c.next > max) {
                throw new CounterExhaustedException(t.id, layer, mechanism, limit);
            }
            if (c.next >= c.reserved) {
                long mark = c.next + Math.min(counterReservation, Long.MAX_VALUE - c.next);
                CounterMark rec = new CounterMark(t.id, layer, mechanism, l.generation, mark);
                write(KeystoreRecords.encode(rec), () -> apply(rec));
            }
            return c.next++;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>After a crash the mark is the last one written ahead, so up to {@code replayReservation - 1} fresh counters
     * above the last accepted one are refused.
     */
    @Override
    public long replayMark(DerivedKey key, String name) {
        Objects.requireNonNull(key, "key");
        ReplayMarks.checkName(name);
        read.lock();
        try {
            checkOpen();
            Map<String, Mark> byName = keyLayer(key).marks.get(key.mechanism());
            Mark mark = byName == null ? null : byName.get(name);
            if (mark == null) {
                return -1;
            }
            synchronized (mark) {
                return mark.accepted;
            }
        } finally {
            read.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A counter above the mark's reservation first writes a new reservation, {@code counter + replayReservation -
     * 1}, durable before the counter is accepted; counters up to it are then accepted without a write.
     */
    @Override
    public boolean advanceReplayMark(DerivedKey key, String name, long counter) {
        Objects.requireNonNull(key, "key");
        ReplayMarks.checkName(name);
        if (counter < 0) {
            throw new IllegalArgumentException("incoming counter " + counter + " is negative");
        }
        read.lock();
        try {
            checkOpen();
            ThingState t = active(key.thing());
            LayerState l = keyLayer(key);
            Map<String, Mark> byName = l.marks.computeIfAbsent(key.mechanism(), m -> new ConcurrentHashMap<>());
            Mark mark = byName.get(name);
            if (mark == null) {
                synchronized (byName) {
                    if (!byName.containsKey(name) && byName.size() >= MAX_REPLAY_MARKS_PER_KEY) {
                        throw new KeystoreException("key of thing '" + t.id + "' " + key.layer() + "/"
                                + key.mechanism() + " has " + MAX_REPLAY_MARKS_PER_KEY + " replay marks, the most"
                                + " one key may have: rotate the key; the frame was not accepted");
                    }
                    mark = byName.computeIfAbsent(name, n -> new Mark());
                }
            }
            synchronized (mark) {
                if (counter <= mark.accepted) {
                    return false;
                }
                if (counter > mark.reserved) {
                    long ahead = counter + Math.min(replayReservation - 1L, Long.MAX_VALUE - counter);
                    ReplayMark rec = new ReplayMark(t.id, key.layer(), key.mechanism(), l.generation, name, ahead);
                    write(KeystoreRecords.encode(rec), () -> apply(rec));
                }
                mark.accepted = counter;
                return true;
            }
        } finally {
            read.unlock();
            compactIfWanted(false);
        }
    }

    @Override
    public Map<String, Long> replayMarks(DerivedKey key) {
        Objects.requireNonNull(key, "key");
        read.lock();
        try {
            checkOpen();
            Map<String, Mark> byName = keyLayer(key).marks.get(key.mechanism());
            Map<String, Long> out = new TreeMap<>();
            if (byName != null) {
                byName.forEach((n, m) -> {
                    synchronized (m) {
                        if (m.accepted >= 0) {
                            out.put(n, m.accepted);
                        }
                    }
                });
            }
            return java.util.Collections.unmodifiableMap(out);
        } finally {
            read.unlock();
        }
    }

    // Caller holds the read lock. The layer of a key that is the current key of an active thing.
    private LayerState keyLayer(DerivedKey key) {
        ThingId thing = key.thing();
        Layer layer = key.layer();
        ThingState t = active(thing);
        LayerState l = t.layers[layer.ordinal()];
        if (key.generation() != l.generation) {
            throw new StaleKeyException(thing, layer, key.generation(), l.generation);
        }
        if (!l.isCurrent(t, key)) {
            throw new StaleKeyException(thing, layer, "it was handed out for an earlier root credential or"
                    + " has been replaced");
        }
        return l;
    }

    // Caller holds the write lock: the marks as accepted, where a crash would have left them higher.
    private List<ReplayMark> exactReplayMarks() {
        List<ReplayMark> out = new ArrayList<>();
        for (ThingState t : things.values()) {
            if (!t.active()) {
                continue;
            }
            for (Layer layer : LAYERS) {
                LayerState l = t.layers[layer.ordinal()];
                l.marks.forEach((mechanism, byName) -> byName.forEach((name, m) -> {
                    if (m.accepted >= 0 && m.accepted < m.reserved) {
                        out.add(new ReplayMark(t.id, layer, mechanism, l.generation, name, m.accepted));
                    }
                }));
            }
        }
        return out;
    }

    @Override
    public void storeKey(ThingId thing, Layer layer, String mechanism, byte[] key) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(layer, "layer");
        Mechanisms.check(mechanism);
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_KEY_LENGTH || key.length > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("stored key is " + key.length + " bytes; it must be "
                    + MIN_KEY_LENGTH + " to " + MAX_KEY_LENGTH + " bytes");
        }
        write.lock();
        try {
            checkOpen();
            ThingState t = active(thing);
            LayerState l = t.layers[layer.ordinal()];
            writeAndApply(new StoredKey(thing, layer, mechanism, l.generation, key.clone()));
        } finally {
            write.unlock();
        }
        compactIfWanted(); // a replaced key leaves the files
    }

    @Override
    public Optional<DerivedKey> storedKey(ThingId thing, Layer layer, String mechanism) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(layer, "layer");
        Mechanisms.check(mechanism);
        read.lock();
        try {
            checkOpen();
            ThingState t = active(thing);
            LayerState l = t.layers[layer.ordinal()];
            byte[] key = l.stored.get(mechanism);
            if (key == null) {
                return Optional.empty();
            }
            // lastUsed stays: it tells when a key was last derived, and looking a stored key up (as the shell does
            // to list them) must not change what the metadata says
            return Optional.of(new DerivedKey(thing, layer, mechanism, l.generation, key.clone()));
        } finally {
            read.unlock();
        }
    }

    @Override
    public boolean deleteStoredKey(ThingId thing, Layer layer, String mechanism) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(layer, "layer");
        Mechanisms.check(mechanism);
        write.lock();
        try {
            checkOpen();
            ThingState t = known(thing);
            LayerState l = t.layers[layer.ordinal()];
            if (!t.active() || !l.stored.containsKey(mechanism)) {
                return false;
            }
            writeAndApply(new DeleteStoredKey(thing, layer, mechanism, l.generation));
        } finally {
            write.unlock();
        }
        compactIfWanted();
        return true;
    }

    @Override
    public boolean discardEnrollment(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        write.lock();
        try {
            checkOpen();
            ThingState t = things.get(thing);
            if (t == null || !t.active() || t.used) {
                return false;
            }
            writeAndApply(new Discard(thing));
        } finally {
            write.unlock();
        }
        compactIfWanted(); // the discarded root leaves the files with the enrollment record
        return true;
    }

    @Override
    public Map<String, X509Certificate> trustAnchors() {
        Map<String, X509Certificate> out = new LinkedHashMap<>();
        trustAnchorEntries().forEach(e -> out.put(e.alias(), e.certificate()));
        return java.util.Collections.unmodifiableMap(out);
    }

    @Override
    public List<TrustAnchorEntry> trustAnchorEntries() {
        List<Anchor> copy;
        read.lock();
        try {
            checkOpen();
            copy = new ArrayList<>(anchors.values());
        } finally {
            read.unlock();
        }
        List<TrustAnchorEntry> out = new ArrayList<>(copy.size());
        for (Anchor a : copy) {
            X509Certificate certificate;
            try {
                certificate = HubIdentities.certificate(a.certificate());
            } catch (GeneralSecurityException ex) {
                throw new KeystoreException("stored trust anchor '" + a.alias() + "' cannot be parsed", ex);
            }
            out.add(new TrustAnchorEntry(a.alias(), certificate,
                    a.purposes() == null ? TrustPurpose.MIGRATED : a.purposes(), a.purposes() == null));
        }
        return java.util.Collections.unmodifiableList(out);
    }

    @Override
    public void addTrustAnchor(String alias, X509Certificate anchor, Set<TrustPurpose> purposes) {
        TrustAnchors.checkAlias(alias);
        Objects.requireNonNull(anchor, "anchor");
        Set<TrustPurpose> chosen = TrustAnchors.checkPurposes(alias, purposes);
        TrustAnchors.checkAuthority(alias, anchor);
        byte[] der;
        try {
            der = anchor.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("trust anchor '" + alias + "' cannot be encoded: " + e.getMessage(),
                    e);
        }
        write.lock();
        try {
            checkOpen();
            if (anchors.containsKey(alias)) {
                throw new IllegalArgumentException("trust anchor alias '" + alias + "' is taken; remove it first");
            }
            String holder = holderOfKey(anchor.getPublicKey().getEncoded());
            if (holder != null) {
                throw new IllegalArgumentException("trust anchor '" + alias + "' refused: its key is that of "
                        + holder + "; a thing or the hub is no certification authority");
            }
            writeAndApply(new Anchor(alias, der, chosen));
        } finally {
            write.unlock();
        }
        compactIfWanted();
    }

    // A key that is both a thing's (or the hub's) and an anchor's would let that thing issue certificates the hub
    // trusts. Called under the write lock.
    private String holderOfKey(byte[] publicKey) {
        if (Arrays.equals(identity.certificate().getPublicKey().getEncoded(), publicKey)) {
            return "the hub";
        }
        for (ThingState t : things.values()) {
            if (t.certificate != null && Arrays.equals(publicKeyOf(t.certificate, "root certificate of thing '"
                    + t.id + "'"), publicKey)) {
                return "thing '" + t.id + "'";
            }
        }
        return null;
    }

    // Called under the write lock.
    private String anchorWithKey(byte[] publicKey) {
        for (Anchor a : anchors.values()) {
            if (Arrays.equals(publicKeyOf(a.certificate(), "trust anchor '" + a.alias() + "'"), publicKey)) {
                return a.alias();
            }
        }
        return null;
    }

    private static byte[] publicKeyOf(byte[] der, String what) {
        try {
            return HubIdentities.certificate(der).getPublicKey().getEncoded();
        } catch (GeneralSecurityException e) {
            throw new KeystoreException("stored " + what + " cannot be parsed", e);
        }
    }

    @Override
    public boolean removeTrustAnchor(String alias) {
        Objects.requireNonNull(alias, "alias");
        write.lock();
        try {
            checkOpen();
            if (!anchors.containsKey(alias)) {
                return false;
            }
            writeAndApply(new AnchorRemoved(alias));
        } finally {
            write.unlock();
        }
        compactIfWanted();
        return true;
    }

    @Override
    public KeyMetadata metadata(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        read.lock();
        try {
            checkOpen();
            ThingState t = known(thing);
            List<LayerKeyMetadata> layers = new ArrayList<>(LAYERS.length);
            for (Layer layer : LAYERS) {
                LayerState l = t.layers[layer.ordinal()];
                Set<String> mechanisms = new LinkedHashSet<>(l.mechanisms);
                mechanisms.addAll(l.stored.keySet());
                layers.add(new LayerKeyMetadata(layer, l.generation, l.created, l.lastUsed, mechanisms));
            }
            return new KeyMetadata(thing, t.kind, t.fingerprint, t.enrolled,
                    t.active() ? KeyStatus.ACTIVE : KeyStatus.REVOKED, t.revoked, layers);
        } finally {
            read.unlock();
        }
    }

    @Override
    public Optional<X509Certificate> rootCertificate(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        byte[] der;
        read.lock();
        try {
            checkOpen();
            der = known(thing).certificate;
        } finally {
            read.unlock();
        }
        if (der == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(HubIdentities.certificate(der));
        } catch (GeneralSecurityException e) {
            throw new KeystoreException("stored root certificate of thing '" + thing + "' cannot be parsed", e);
        }
    }

    @Override
    public HubIdentity hubIdentity() {
        read.lock();
        try {
            checkOpen();
            return identity;
        } finally {
            read.unlock();
        }
    }

    /** The directory of the store files. */
    public Path storeDirectory() {
        return storeDirectory;
    }

    /** Folds the journal into a new snapshot now (also writes pending usage times). */
    public void compact() {
        write.lock();
        try {
            checkOpen();
            synchronized (storeMutex) {
                try {
                    compactLocked();
                } catch (StoreException e) {
                    throw new KeystoreException("cannot compact keystore " + storeDirectory + ": " + e.getMessage(),
                            e);
                }
            }
        } finally {
            write.unlock();
        }
    }

    @Override
    public String toString() {
        return "FileThingKeyStore[" + storeDirectory + (closed ? ", closed]" : "]");
    }

    // ------------------------------------------------------------------------------------------------ writing

    /** Writes a validated change, then applies it; a failed write leaves memory as it was. */
    private void writeAndApply(Rec rec) {
        byte[] record = KeystoreRecords.encode(rec);
        try {
            write(record, () -> apply(rec));
        } catch (RuntimeException e) {
            KeystoreRecords.wipe(rec);
            throw e;
        } finally {
            Arrays.fill(record, (byte) 0);
        }
    }

    /**
     * Appends the record, preceded by pending usage records, with one force to disk, then applies it while still
     * holding the store mutex, so no compaction can fall between the write and the change in memory.
     */
    private void write(byte[] record, Runnable applied) {
        synchronized (storeMutex) {
            List<ThingId> drained = new ArrayList<>();
            List<byte[]> batch = drainUsage(drained);
            batch.add(record);
            try {
                store.appendAll(batch);
            } catch (StoreException | RuntimeException e) {
                usageDirty.addAll(drained);
                throw new KeystoreException("cannot write to keystore " + storeDirectory + "; nothing was changed: "
                        + e.getMessage(), e);
            }
            applied.run();
            // Besides destroyed keys, a journal that has outgrown the snapshot is folded in, so it stays within a
            // constant factor of the state (amortised: each compaction follows at least a snapshot's worth of
            // appends).
            compactionDue = destructionPending || store.shouldCompact();
        }
    }

    /** Writes the thing's usage now, so its first use is durable. */
    private void markUsed(ThingState t) {
        synchronized (storeMutex) {
            if (t.used) {
                return;
            }
            List<ThingId> drained = new ArrayList<>();
            List<byte[]> batch = drainUsage(drained);
            try {
                store.appendAll(batch);
            } catch (StoreException | RuntimeException e) {
                usageDirty.addAll(drained);
                throw new KeystoreException("cannot write to keystore " + storeDirectory + ": " + e.getMessage(), e);
            }
            t.used = true;
            compactionDue = destructionPending || store.shouldCompact();
        }
    }

    private List<byte[]> drainUsage(List<ThingId> drained) {
        List<byte[]> batch = new ArrayList<>();
        for (ThingId id : usageDirty) {
            ThingState t = things.get(id);
            if (usageDirty.remove(id) && t != null) {
                drained.add(id);
                List<LayerUse> layers = new ArrayList<>(LAYERS.length);
                for (LayerState l : t.layers) {
                    layers.add(new LayerUse(l.generation, l.lastUsed, Set.copyOf(l.mechanisms)));
                }
                batch.add(KeystoreRecords.encode(new Usage(id, layers)));
            }
        }
        return batch;
    }

    /**
     * Compacts when destroyed key material is still in the files or when the store says it pays off. A failure is
     * logged: the change that asked for it is already durable, and the compaction is retried with the next write
     * and at the next start.
     */
    private void compactIfDue() {
        compactIfDue(true);
    }

    /**
     * @param destructionToo whether to compact for destroyed key material too; readers (derivations, counters) pass
     *        false and leave that compaction to the thread that destroyed the material, so they do not stall for it
     */
    private void compactIfDue(boolean destructionToo) {
        synchronized (storeMutex) {
            try {
                if ((destructionToo && destructionPending) || store.shouldCompact()) {
                    compactLocked();
                }
            } catch (StoreException | RuntimeException e) {
                LOG.warn("Keystore {}: compaction failed, the journal still holds every change; retried with the "
                        + "next write: {}", storeDirectory, e.getMessage());
            } finally {
                compactionDue = destructionPending && !destructionToo;
            }
        }
    }

    /**
     * Runs the compaction the last write asked for, under the read lock: derivations and counter values within
     * reserved blocks go on meanwhile, writes wait for the store mutex. Callers hold no lock.
     */
    private void compactIfWanted() {
        compactIfWanted(true);
    }

    private void compactIfWanted(boolean destructionToo) {
        if (!compactionDue) {
            return;
        }
        read.lock();
        try {
            if (!closed) {
                compactIfDue(destructionToo);
            }
        } finally {
            read.unlock();
        }
    }

    // Caller holds the read or the write lock (so no record is applied but under the store mutex) and the store
    // mutex. Counter marks are read without the counters' monitors (a drawing thread holds its counter's monitor
    // while it waits for the store mutex); they change only under the store mutex.
    private void compactLocked() throws StoreException {
        List<byte[]> records = new ArrayList<>(things.size() + 1);
        // usage recorded from here on by concurrent derivations stays pending for the next write
        List<ThingId> dirty = new ArrayList<>(usageDirty);
        usageDirty.removeAll(dirty);
        boolean done = false;
        try {
            records.add(KeystoreRecords.encode(hubRecord(identity)));
            anchors.values().forEach(a -> records.add(KeystoreRecords.encode(a)));
            for (ThingState t : things.values()) {
                if (t.predecessor != null && !t.used) {
                    // kept so that discarding this enrollment brings the revoked predecessor (and its retired
                    // roots) back
                    records.add(KeystoreRecords.encode(t.predecessor.toRecord()));
                }
                records.add(KeystoreRecords.encode(t.toRecord()));
                for (Layer layer : LAYERS) {
                    LayerState l = t.layers[layer.ordinal()];
                    l.stored.forEach((m, k) -> records.add(KeystoreRecords.encode(
                            new StoredKey(t.id, layer, m, l.generation, k))));
                    if (t.active()) {
                        l.marks.forEach((m, byName) -> byName.forEach((n, mark) -> {
                            if (mark.reserved >= 0) {
                                records.add(KeystoreRecords.encode(
                                        new ReplayMark(t.id, layer, m, l.generation, n, mark.reserved)));
                            }
                        }));
                    }
                }
            }
            store.compact(records);
            destructionPending = false;
            done = true;
        } finally {
            records.forEach(r -> Arrays.fill(r, (byte) 0));
            if (!done) {
                usageDirty.addAll(dirty);
            }
        }
    }

    private static Hub hubRecord(HubIdentity id) {
        try {
            return new Hub(id.certificate().getEncoded(), id.privateKey().getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("hub certificate cannot be encoded", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ applying

    private void replay(byte[] record) {
        Rec rec;
        try {
            rec = KeystoreRecords.decode(record);
        } catch (MalformedRecordException e) {
            throw new IllegalStateException(e.getMessage());
        } finally {
            Arrays.fill(record, (byte) 0);
        }
        apply(rec);
    }

    /**
     * Applies one record to memory, at start (replay) and after each write. Live changes are validated before they
     * are written, so here a failed check means the store's history is inconsistent.
     */
    private void apply(Rec rec) {
        if (rec instanceof Hub h) {
            try {
                identity = HubIdentities.load(h.certificate(), h.pkcs8());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the hub identity record cannot be read: " + e.getClass().getName());
            } finally {
                KeystoreRecords.wipe(h);
            }
        } else if (rec instanceof ThingRec r) {
            ThingState fresh = new ThingState(r);
            ThingState old = things.put(r.thing(), fresh);
            if (old != null) {
                old.wipe();
                if (!old.active() && fresh.active()) {
                    fresh.predecessor = old;
                }
            }
        } else if (rec instanceof Rotate r) {
            ThingState t = inHistory(r.thing());
            for (int i = 0; i < LAYERS.length; i++) {
                int g = r.generations()[i];
                if (g != 0) {
                    if (g != t.layers[i].generation + 1) {
                        throw new IllegalStateException("rotation of thing '" + r.thing() + "' " + LAYERS[i]
                                + " jumps from generation " + t.layers[i].generation + " to " + g);
                    }
                    destructionPending |= !t.layers[i].stored.isEmpty();
                    t.layers[i].wipe();
                    t.layers[i] = new LayerState(g, r.at(), null, Set.of());
                    t.setUsed();
                }
            }
        } else if (rec instanceof Revoke r) {
            ThingState t = inHistory(r.thing());
            if (!t.active()) {
                throw new IllegalStateException("thing '" + r.thing() + "' is revoked twice");
            }
            t.wipe();
            t.prk = null;
            t.revoked = r.at();
            destructionPending = true;
            t.retiredRoots.add(r.retiredRoot());
            for (LayerState l : t.layers) {
                l.wipe();
                l.counters.clear();
                l.marks.clear();
            }
            t.setUsed();
        } else if (rec instanceof CounterMark r) {
            ThingState t = inHistory(r.thing());
            LayerState l = t.layers[r.layer().ordinal()];
            if (!t.active() || l.generation != r.generation()) {
                throw new IllegalStateException("counter of thing '" + r.thing() + "' " + r.layer() + "/"
                        + r.mechanism() + " is reserved for generation " + r.generation() + " but the layer is at "
                        + l.generation + (t.active() ? "" : " and revoked"));
            }
            Counter c = l.counters.computeIfAbsent(r.mechanism(), m -> new Counter());
            c.reserved = Math.max(c.reserved, r.mark());
            t.setUsed();
        } else if (rec instanceof Usage r) {
            ThingState t = inHistory(r.thing());
            t.setUsed();
            for (int i = 0; i < LAYERS.length; i++) {
                LayerUse use = r.layers().get(i);
                LayerState l = t.layers[i];
                // usage of an older generation (written before a rotation in the same batch) no longer applies
                if (use.generation() == l.generation) {
                    if (use.lastUsed() != null && (l.lastUsed == null || use.lastUsed().isAfter(l.lastUsed))) {
                        l.lastUsed = use.lastUsed();
                    }
                    l.mechanisms.addAll(use.mechanisms());
                }
            }
        } else if (rec instanceof StoredKey r) {
            LayerState l = currentLayer(r.thing(), r.layer(), r.generation(), "stored key " + r.mechanism());
            byte[] old = l.stored.put(r.mechanism(), r.key());
            if (old != null) {
                if (!MessageDigest.isEqual(old, r.key())) {
                    // another key: its senders' counters start over, and frames under the old key no longer open
                    l.marks.remove(r.mechanism());
                }
                Arrays.fill(old, (byte) 0);
                destructionPending = true;
            }
            things.get(r.thing()).setUsed();
        } else if (rec instanceof DeleteStoredKey r) {
            LayerState l = currentLayer(r.thing(), r.layer(), r.generation(), "deleted key " + r.mechanism());
            byte[] old = l.stored.remove(r.mechanism());
            if (old == null) {
                throw new IllegalStateException("thing '" + r.thing() + "' " + r.layer() + "/" + r.mechanism()
                        + " has no stored key to delete");
            }
            Arrays.fill(old, (byte) 0);
            l.marks.remove(r.mechanism());
            destructionPending = true;
        } else if (rec instanceof Discard r) {
            ThingState t = inHistory(r.thing());
            if (!t.active()) {
                throw new IllegalStateException("discarded enrollment of thing '" + r.thing() + "' is revoked");
            }
            t.wipe();
            for (LayerState l : t.layers) {
                l.wipe();
            }
            if (t.predecessor != null) {
                things.put(r.thing(), t.predecessor);
            } else {
                things.remove(r.thing());
            }
            usageDirty.remove(r.thing());
            destructionPending = true;
        } else if (rec instanceof ReplayMark r) {
            LayerState l = currentLayer(r.thing(), r.layer(), r.generation(), "replay mark " + r.mechanism() + "/"
                    + r.name());
            // the latest record wins: see ReplayMark
            l.marks.computeIfAbsent(r.mechanism(), m -> new ConcurrentHashMap<>())
                    .computeIfAbsent(r.name(), n -> new Mark()).reserved = r.mark();
            things.get(r.thing()).setUsed();
        } else if (rec instanceof Anchor r) {
            if (anchors.putIfAbsent(r.alias(), r) != null) {
                throw new IllegalStateException("trust anchor '" + r.alias() + "' is added twice");
            }
        } else if (rec instanceof AnchorRemoved r) {
            if (anchors.remove(r.alias()) == null) {
                throw new IllegalStateException("trust anchor '" + r.alias() + "' is removed but was not there");
            }
        }
    }

    private LayerState currentLayer(ThingId thing, Layer layer, int generation, String what) {
        ThingState t = inHistory(thing);
        LayerState l = t.layers[layer.ordinal()];
        if (!t.active() || l.generation != generation) {
            throw new IllegalStateException(what + " of thing '" + thing + "' " + layer + " is for generation "
                    + generation + " but the layer is at " + l.generation + (t.active() ? "" : " and revoked"));
        }
        return l;
    }

    private ThingState inHistory(ThingId thing) {
        ThingState t = things.get(thing);
        if (t == null) {
            throw new IllegalStateException("record for thing '" + thing + "' precedes its enrollment");
        }
        return t;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("keystore " + storeDirectory + " is closed");
        }
    }

    private ThingState known(ThingId thing) {
        ThingState t = things.get(thing);
        if (t == null) {
            throw new UnknownThingException(thing);
        }
        return t;
    }

    private ThingState active(ThingId thing) {
        ThingState t = known(thing);
        if (!t.active()) {
            throw new KeyRevokedException(thing);
        }
        return t;
    }

    private void publish(KeyEvent event) {
        try {
            events.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("Keystore event listener failed on {} for thing '{}'", event.topic(), event.thing(), e);
        }
    }

    // A one-way tag of a revoked root: re-enrolling the same root would hand out the old keys with counters that
    // start over, so the same nonces under the same keys.
    private static byte[] retiredTag(byte[] prk) {
        return Hkdf.hmac(prk, RETIRED_ROOT_LABEL);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JCA has no SHA-256", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ state

    private static final class ThingState {
        final ThingId id;
        final RootCredential.Kind kind;
        final byte[] certificate;
        final String fingerprint;
        final Instant enrolled;
        final List<byte[]> retiredRoots;
        final LayerState[] layers = new LayerState[LAYERS.length];
        byte[] prk;
        Instant revoked;
        // Whether a key, stored key or counter value may have been handed out (then the enrollment cannot be
        // discarded). Set once the fact is durable; read without the write lock by deriveKey.
        volatile boolean used;
        // The revoked state this enrollment replaced, kept while the enrollment could still be discarded.
        ThingState predecessor;

        ThingState(ThingRec r) {
            id = r.thing();
            kind = r.kind();
            certificate = r.certificate();
            fingerprint = r.fingerprint();
            enrolled = r.enrolled();
            prk = r.prk();
            revoked = r.revoked();
            if ((prk == null) == (revoked == null)) {
                throw new IllegalStateException("thing '" + id + "' is neither clearly active nor revoked");
            }
            retiredRoots = new ArrayList<>(r.retiredRoots());
            for (int i = 0; i < LAYERS.length; i++) {
                LayerRec l = r.layers().get(i);
                if (l.generation() < 1) {
                    throw new IllegalStateException("thing '" + id + "' has generation " + l.generation());
                }
                layers[i] = new LayerState(l.generation(), l.created(), l.lastUsed(), l.mechanisms());
                if (l.generation() > 1 || !l.mechanisms().isEmpty() || !l.counterMarks().isEmpty()) {
                    used = true;
                }
                for (Map.Entry<String, Long> c : l.counterMarks().entrySet()) {
                    Counter counter = new Counter();
                    counter.reserved = c.getValue();
                    layers[i].counters.put(c.getKey(), counter);
                }
            }
        }

        boolean active() {
            return prk != null;
        }

        void setUsed() {
            used = true;
            predecessor = null;
        }

        ThingRec toRecord() {
            List<LayerRec> ls = new ArrayList<>(LAYERS.length);
            for (LayerState l : layers) {
                Map<String, Long> marks = new LinkedHashMap<>();
                l.counters.forEach((m, c) -> marks.put(m, c.reserved));
                ls.add(new LayerRec(l.generation, l.created, l.lastUsed, new LinkedHashSet<>(l.mechanisms), marks));
            }
            return new ThingRec(id, kind, certificate, fingerprint, enrolled, prk, revoked, retiredRoots, ls);
        }

        void wipe() {
            if (prk != null) {
                Arrays.fill(prk, (byte) 0);
            }
        }

        void wipeAll() {
            wipe();
            for (LayerState l : layers) {
                l.wipe();
            }
        }
    }

    private static final class LayerState {
        final int generation;
        final Instant created;
        volatile Instant lastUsed;
        final Set<String> mechanisms = ConcurrentHashMap.newKeySet();
        final Map<String, Counter> counters = new ConcurrentHashMap<>();
        // Incoming replay marks by mechanism, then by name (the source).
        final Map<String, Map<String, Mark>> marks = new ConcurrentHashMap<>();
        // Keys kept with storeKey, by mechanism; changed under the write lock.
        final Map<String, byte[]> stored = new ConcurrentHashMap<>();
        // Derived keys already checked by nextCounter(DerivedKey), by mechanism and length, so the check costs a
        // comparison rather than an HKDF per draw.
        final Map<CacheKey, byte[]> derivedCache = new ConcurrentHashMap<>();

        LayerState(int generation, Instant created, Instant lastUsed, Set<String> mechanisms) {
            this.generation = generation;
            this.created = created;
            this.lastUsed = lastUsed;
            this.mechanisms.addAll(mechanisms);
        }

        /** Whether the key is this generation's stored or derived key for its mechanism. */
        boolean isCurrent(ThingState t, DerivedKey key) {
            byte[] given = key.bytes();
            try {
                byte[] kept = stored.get(key.mechanism());
                if (kept != null && MessageDigest.isEqual(kept, given)) {
                    return true;
                }
                byte[] derived = derivedCache.computeIfAbsent(new CacheKey(key.mechanism(), given.length),
                        k -> DerivationProfile.layerKey(t.prk, t.id, key.layer(), key.mechanism(), generation,
                                given.length));
                return MessageDigest.isEqual(derived, given);
            } finally {
                Arrays.fill(given, (byte) 0);
            }
        }

        void wipe() {
            stored.values().forEach(k -> Arrays.fill(k, (byte) 0));
            stored.clear();
            derivedCache.values().forEach(k -> Arrays.fill(k, (byte) 0));
            derivedCache.clear();
        }
    }

    /** A derived key's mechanism and length (a record: no string is built per lookup). */
    private record CacheKey(String mechanism, int length) {
    }

    /**
     * An incoming replay mark, guarded by its own monitor. Counters up to {@code reserved} may be accepted without a
     * write; after a restart everything up to it is refused.
     */
    private static final class Mark {
        long accepted = -1;
        // written under the mark's monitor (or the write lock) and the store mutex; read by compaction under the
        // store mutex alone
        volatile long reserved = -1;
    }

    /** Guarded by its own monitor. Values below {@code reserved} may be handed out without a write. */
    private static final class Counter {
        long next;
        // written under the counter's monitor and the store mutex, read by compaction under the store mutex alone
        volatile long reserved;
    }
}
