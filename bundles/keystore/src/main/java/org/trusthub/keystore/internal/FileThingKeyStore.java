package org.trusthub.keystore.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.Mechanisms;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.keystore.TrustAnchorEntry;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.KeystoreRecords.Anchor;
import org.trusthub.keystore.internal.KeystoreRecords.AnchorRemoved;
import org.trusthub.keystore.internal.KeystoreRecords.Discard;
import org.trusthub.keystore.internal.KeystoreRecords.ThingRec;
import org.trusthub.storage.AesGcmSealer;
import org.trusthub.storage.StoreException;

/**
 * The keystore itself, without OSGi, with the whole state in memory. Unit tests, the benchmarks and the DS component
 * use it directly. A facade over parts of its own: the records on disk ({@link KeystoreJournal}), the state they
 * build ({@link KeystoreState}: the things in {@link ThingStates}, the {@link TrustAnchors}, the hub identity in
 * {@link HubIdentityKeeper}), the records that start, rotate and end keys ({@link Enrollments}), nonce counters
 * ({@link NonceCounters}), replay marks ({@link ReplayMarkTable}), stored keys ({@link StoredKeyTable}) and the
 * locks ({@link KeystoreLock}).
 *
 * <p>Every change is validated first, then written as one record (durable when the write returns), and only then
 * applied to memory through the same code that replays the store at start; so a failed write changes nothing, and
 * what a restart finds is what callers were told.
 *
 * <p>Concurrency: deriving keys, drawing counters and moving replay marks take the read lock, so they run in
 * parallel; enrollment, rotation, revocation, compaction and close take the write lock. Each counter and each replay
 * mark has its own monitor, and writes to the store are serialised by the journal's store mutex (lock order:
 * read/write lock, counter or mark, store mutex). A change that destroys key material compacts the store before it
 * returns, outside the write lock, so the destroyed bytes leave the files before anybody hears of the change.
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
    public static final int MAX_REPLAY_MARKS_PER_KEY = ReplayMarkTable.MAX_MARKS_PER_KEY;

    private static final Logger LOG = LoggerFactory.getLogger(FileThingKeyStore.class);

    private final Path storeDirectory;
    private final Path masterKeyFile;
    private final Clock clock;
    private final Consumer<KeyEvent> events;
    private final SecureRandom random = new SecureRandom();

    private final KeystoreState state = new KeystoreState();
    private final ThingStates things = state.things;
    private final TrustAnchors anchors = state.anchors;
    private final HubIdentityKeeper identity = state.identity;
    private final KeystoreJournal journal;
    private final KeystoreLock lock;
    private final NonceCounters counters;
    private final ReplayMarkTable marks;
    private final StoredKeyTable storedKeys;

    private AesGcmSealer sealer;

    private FileThingKeyStore(Path storeDirectory, Path masterKeyFile, Clock clock, int counterReservation,
            int replayReservation, Consumer<KeyEvent> events) {
        this.storeDirectory = Objects.requireNonNull(storeDirectory, "storeDirectory");
        this.masterKeyFile = Objects.requireNonNull(masterKeyFile, "masterKeyFile");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = Objects.requireNonNull(events, "events");
        this.journal = new KeystoreJournal(storeDirectory, state);
        this.lock = new KeystoreLock(storeDirectory, journal);
        this.counters = new NonceCounters(counterReservation, journal, lock, things);
        this.marks = new ReplayMarkTable(replayReservation, journal, lock, things);
        this.storedKeys = new StoredKeyTable(journal, lock, things);
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
            journal.open(STORE_NAME, sealer, masterKeyFile);
        } catch (KeystoreException e) {
            abandon();
            throw e;
        }
        things.resume();
        try {
            identity.createIfAbsent(journal, things.isEmpty(), random, clock.instant(), storeDirectory);
            lock.writing(() -> {
                journal.compactIfDue(true);
                return null;
            });
        } catch (RuntimeException e) {
            journal.abandon();
            abandon();
            throw e;
        }
        LOG.info("Keystore {} open: {} things", storeDirectory, things.size());
        List<String> migrated = anchors.migrated();
        if (!migrated.isEmpty()) {
            // they keep serving the identity paths they served, never firmware; told once per start until each is
            // added again with its purposes
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
        state.wipeAll();
        sealer.destroy();
        lock.abandon();
    }

    /** Writes pending usage times and exact replay marks, compacts if due, closes the store and wipes every key. */
    @Override
    public void close() {
        lock.close(() -> {
            journal.close(ReplayMarkTable.exact(things.all()));
            things.all().forEach(ThingState::wipeAll);
            sealer.destroy();
        });
    }

    // ------------------------------------------------------------------------------------------------ thing keys

    @Override
    public void enroll(ThingId thing, RootCredential root) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(root, "root");
        KeyEvent event = lock.writing(() -> {
            ThingRec rec = Enrollments.enrollment(things, thing, root, identity.get(), anchors, clock);
            journal.writeAndApply(rec);
            return new KeyEvent(TrustHubEvents.KEYS_ENROLLED, thing, null, 1, rec.enrolled());
        });
        lock.compactIfWanted();
        publish(event);
    }

    @Override
    public boolean isActive(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        return lock.reading(() -> {
            ThingState t = things.get(thing);
            return t != null && t.active();
        });
    }

    @Override
    public List<ThingId> things() {
        return lock.reading(things::ids);
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
        return lock.readingThenCompact(() -> {
            ThingState t = things.active(thing);
            LayerState l = t.layer(layer);
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
        });
    }

    @Override
    public void recordUse(DerivedKey key) {
        Objects.requireNonNull(key, "key");
        lock.readingThenCompact(() -> {
            recordUse(things.active(key.thing()), things.keyLayer(key), key.mechanism());
            return null;
        });
    }

    // Caller holds the read lock and checked that the thing is active. discardEnrollment must know for sure that no
    // key was handed out: the first use is durable before the key leaves (or, for a key checked before use, before
    // its use is acknowledged); later ones are written lazily.
    private void recordUse(ThingState t, LayerState l, String mechanism) {
        things.noteUse(t, l, mechanism, clock.instant());
        if (!t.used) {
            journal.writeUsage(() -> t.used, () -> t.used = true);
        }
    }

    @Override
    public int rotate(ThingId thing, Layer layer) {
        Objects.requireNonNull(layer, "layer");
        KeyEvent event = rotateLayers(thing, layer);
        // a rotation destroys the layer's stored keys: they leave the files before anybody hears of it
        lock.compactIfWanted();
        publish(event);
        return event.generation();
    }

    @Override
    public void rotateAll(ThingId thing) {
        KeyEvent event = rotateLayers(thing, null);
        lock.compactIfWanted();
        publish(event);
    }

    private KeyEvent rotateLayers(ThingId thing, Layer only) {
        Objects.requireNonNull(thing, "thing");
        return lock.writing(() -> {
            ThingState t = things.active(thing);
            Instant now = clock.instant();
            journal.writeAndApply(Enrollments.rotation(t, only, now));
            Integer generation = only == null ? null : things.get(thing).layer(only).generation;
            return new KeyEvent(TrustHubEvents.KEYS_ROTATED, thing, only, generation, now);
        });
    }

    @Override
    public boolean revoke(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        KeyEvent event = lock.writing(() -> {
            ThingState t = things.known(thing);
            if (!t.active()) {
                return null;
            }
            Instant now = clock.instant();
            journal.writeAndApply(Enrollments.revocation(t, now));
            return new KeyEvent(TrustHubEvents.KEYS_REVOKED, thing, null, null, now);
        });
        if (event == null) {
            return false;
        }
        // The destroyed root still sits in the snapshot or in the journal's enrollment record: compact now so it
        // leaves the store before the call returns. Outside the write lock, so derivations and counters within
        // their reserved blocks go on meanwhile; if it fails, the next write and the next start retry it.
        lock.compactIfWanted();
        publish(event);
        return true;
    }

    @Override
    public boolean discardEnrollment(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        boolean discarded = lock.writing(() -> {
            ThingState t = things.get(thing);
            if (t == null || !t.active() || t.used) {
                return false;
            }
            journal.writeAndApply(new Discard(thing));
            return true;
        });
        if (discarded) {
            lock.compactIfWanted(); // the discarded root leaves the files with the enrollment record
        }
        return discarded;
    }

    @Override
    public KeyMetadata metadata(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        return lock.reading(() -> things.metadata(thing));
    }

    @Override
    public Optional<X509Certificate> rootCertificate(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        byte[] der = lock.reading(() -> things.known(thing).certificate);
        if (der == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(HubIdentities.certificate(der));
        } catch (GeneralSecurityException e) {
            throw new KeystoreException("stored root certificate of thing '" + thing + "' cannot be parsed", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ delegated

    @Override
    public long nextCounter(ThingId thing, Layer layer, String mechanism, long limit) {
        return counters.next(thing, layer, mechanism, limit);
    }

    @Override
    public long nextCounter(DerivedKey key, long limit) {
        return counters.next(key, limit);
    }

    @Override
    public long replayMark(DerivedKey key, String name) {
        return marks.mark(key, name);
    }

    @Override
    public boolean advanceReplayMark(DerivedKey key, String name, long counter) {
        return marks.advance(key, name, counter);
    }

    @Override
    public Map<String, Long> replayMarks(DerivedKey key) {
        return marks.marks(key);
    }

    @Override
    public void storeKey(ThingId thing, Layer layer, String mechanism, byte[] key) {
        storedKeys.storeKey(thing, layer, mechanism, key);
    }

    @Override
    public Optional<DerivedKey> storedKey(ThingId thing, Layer layer, String mechanism) {
        return storedKeys.storedKey(thing, layer, mechanism);
    }

    @Override
    public boolean deleteStoredKey(ThingId thing, Layer layer, String mechanism) {
        return storedKeys.deleteStoredKey(thing, layer, mechanism);
    }

    // ------------------------------------------------------------------------------------------------ anchors, hub

    @Override
    public Map<String, X509Certificate> trustAnchors() {
        Map<String, X509Certificate> out = new LinkedHashMap<>();
        trustAnchorEntries().forEach(e -> out.put(e.alias(), e.certificate()));
        return java.util.Collections.unmodifiableMap(out);
    }

    @Override
    public List<TrustAnchorEntry> trustAnchorEntries() {
        return TrustAnchors.entries(lock.reading(anchors::copy));
    }

    @Override
    public void addTrustAnchor(String alias, X509Certificate anchor, Set<TrustPurpose> purposes) {
        Anchor record = TrustAnchors.record(alias, anchor, purposes);
        lock.writing(() -> {
            anchors.checkFree(alias, () -> things.holderOfKey(anchor.getPublicKey().getEncoded(), identity.get()));
            journal.writeAndApply(record);
            return null;
        });
        lock.compactIfWanted();
    }

    @Override
    public boolean removeTrustAnchor(String alias) {
        Objects.requireNonNull(alias, "alias");
        boolean removed = lock.writing(() -> {
            if (!anchors.contains(alias)) {
                return false;
            }
            journal.writeAndApply(new AnchorRemoved(alias));
            return true;
        });
        if (removed) {
            lock.compactIfWanted();
        }
        return removed;
    }

    @Override
    public HubIdentity hubIdentity() {
        return lock.reading(identity::get);
    }

    // ------------------------------------------------------------------------------------------------ store

    /** The directory of the store files. */
    public Path storeDirectory() {
        return storeDirectory;
    }

    /** Folds the journal into a new snapshot now (also writes pending usage times). */
    public void compact() {
        lock.writing(() -> {
            try {
                journal.compact();
            } catch (StoreException e) {
                throw new KeystoreException("cannot compact keystore " + storeDirectory + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    @Override
    public String toString() {
        return "FileThingKeyStore[" + storeDirectory + (lock.closed() ? ", closed]" : "]");
    }

    private void publish(KeyEvent event) {
        try {
            events.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("Keystore event listener failed on {} for thing '{}'", event.topic(), event.thing(), e);
        }
    }
}
