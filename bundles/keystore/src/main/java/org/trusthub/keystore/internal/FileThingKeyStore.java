package org.trusthub.keystore.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.Mechanisms;
import org.trusthub.api.keystore.ReplayMarks;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.keystore.TrustAnchorEntry;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.keystore.internal.KeystoreRecords.Anchor;
import org.trusthub.keystore.internal.KeystoreRecords.AnchorRemoved;
import org.trusthub.keystore.internal.KeystoreRecords.DeleteStoredKey;
import org.trusthub.keystore.internal.KeystoreRecords.Discard;
import org.trusthub.keystore.internal.KeystoreRecords.Hub;
import org.trusthub.keystore.internal.KeystoreRecords.Rec;
import org.trusthub.keystore.internal.KeystoreRecords.StoredKey;
import org.trusthub.storage.AesGcmSealer;
import org.trusthub.storage.StoreCorruptedException;
import org.trusthub.storage.StoreException;
import org.trusthub.storage.WrongKeyException;

/**
 * The keystore itself, without OSGi, with the whole state in memory. Unit tests, the benchmarks and the DS component
 * use it directly. A facade: it checks arguments, takes the locks and hands the work to the parts, the records on
 * disk ({@link KeystoreJournal}), the things ({@link ThingStates}), nonce counters ({@link NonceCounters}), replay
 * marks ({@link ReplayMarkTable}), trust anchors ({@link TrustAnchors}) and the hub identity
 * ({@link HubIdentityKeeper}).
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

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Lock read = lock.readLock();
    private final Lock write = lock.writeLock();

    private final ThingStates things = new ThingStates();
    private final TrustAnchors anchors = new TrustAnchors();
    private final HubIdentityKeeper identity = new HubIdentityKeeper();
    private final KeystoreJournal journal;
    private final NonceCounters counters;
    private final ReplayMarkTable marks;

    private AesGcmSealer sealer;
    private volatile boolean closed;

    private FileThingKeyStore(Path storeDirectory, Path masterKeyFile, Clock clock, int counterReservation,
            int replayReservation, Consumer<KeyEvent> events) {
        this.storeDirectory = Objects.requireNonNull(storeDirectory, "storeDirectory");
        this.masterKeyFile = Objects.requireNonNull(masterKeyFile, "masterKeyFile");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = Objects.requireNonNull(events, "events");
        this.journal = new KeystoreJournal(storeDirectory, new Contents());
        this.counters = new NonceCounters(counterReservation, journal);
        this.marks = new ReplayMarkTable(replayReservation, journal);
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
            journal.open(STORE_NAME, sealer);
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
        things.resume();
        try {
            if (identity.get() == null) {
                createIdentity();
            }
            write.lock();
            try {
                journal.compactIfDue(true);
            } finally {
                write.unlock();
            }
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

    private void createIdentity() {
        if (!things.isEmpty()) {
            throw new KeystoreException("keystore " + storeDirectory + " holds things but no hub identity; "
                    + "it was left as found: restore it from a backup");
        }
        HubIdentity fresh = HubIdentityKeeper.generate(random, clock.instant());
        byte[] record = KeystoreRecords.encode(HubIdentityKeeper.record(fresh));
        try {
            journal.appendAlone(record);
        } catch (StoreException e) {
            throw new KeystoreException("cannot write the new hub identity to keystore " + storeDirectory + ": "
                    + e.getMessage(), e);
        } finally {
            Arrays.fill(record, (byte) 0);
        }
        identity.set(fresh);
        LOG.info("Created the hub identity {}", fresh.certificate().getSubjectX500Principal().getName());
    }

    private boolean storeExists() {
        return Files.exists(storeDirectory.resolve(STORE_NAME + ".snapshot"))
                || Files.exists(storeDirectory.resolve(STORE_NAME + ".journal"));
    }

    private void abandon() {
        things.wipeAll();
        identity.clear();
        sealer.destroy();
        closed = true;
    }

    /** Writes pending usage times and exact replay marks, compacts if due, closes the store and wipes every key. */
    @Override
    public void close() {
        write.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            journal.close(ReplayMarkTable.exact(things.all()));
            things.all().forEach(ThingState::wipeAll);
            sealer.destroy();
        } finally {
            write.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ thing keys

    @Override
    public void enroll(ThingId thing, RootCredential root) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(root, "root");
        KeyEvent event = writing(() -> {
            ThingState existing = things.get(thing);
            if (existing != null && existing.active()) {
                throw new DuplicateThingException(thing, "its keys are active; revoke them before enrolling it "
                        + "again with a fresh root credential");
            }
            Instant now = clock.instant();
            journal.writeAndApply(things.enrollment(thing, root, identity.get(), anchors, now));
            return new KeyEvent(TrustHubEvents.KEYS_ENROLLED, thing, null, 1, now);
        });
        compactIfWanted();
        publish(event);
    }

    @Override
    public boolean isActive(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        return reading(() -> {
            ThingState t = things.get(thing);
            return t != null && t.active();
        });
    }

    @Override
    public List<ThingId> things() {
        return reading(things::ids);
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
        return readingThenCompact(() -> {
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
        readingThenCompact(() -> {
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
        return writing(() -> {
            Instant now = clock.instant();
            journal.writeAndApply(ThingStates.rotation(things.active(thing), only, now));
            Integer generation = only == null ? null : things.get(thing).layer(only).generation;
            return new KeyEvent(TrustHubEvents.KEYS_ROTATED, thing, only, generation, now);
        });
    }

    @Override
    public boolean revoke(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        KeyEvent event = writing(() -> {
            ThingState t = things.known(thing);
            if (!t.active()) {
                return null;
            }
            Instant now = clock.instant();
            journal.writeAndApply(ThingStates.revocation(t, now));
            return new KeyEvent(TrustHubEvents.KEYS_REVOKED, thing, null, null, now);
        });
        if (event == null) {
            return false;
        }
        // The destroyed root still sits in the snapshot or in the journal's enrollment record: compact now so it
        // leaves the store before the call returns. Outside the write lock, so derivations and counters within
        // their reserved blocks go on meanwhile; if it fails, the next write and the next start retry it.
        compactIfWanted();
        publish(event);
        return true;
    }

    @Override
    public boolean discardEnrollment(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        boolean discarded = writing(() -> {
            ThingState t = things.get(thing);
            if (t == null || !t.active() || t.used) {
                return false;
            }
            journal.writeAndApply(new Discard(thing));
            return true;
        });
        if (discarded) {
            compactIfWanted(); // the discarded root leaves the files with the enrollment record
        }
        return discarded;
    }

    @Override
    public KeyMetadata metadata(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        return reading(() -> things.metadata(thing));
    }

    @Override
    public Optional<X509Certificate> rootCertificate(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        byte[] der = reading(() -> things.known(thing).certificate);
        if (der == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(HubIdentities.certificate(der));
        } catch (GeneralSecurityException e) {
            throw new KeystoreException("stored root certificate of thing '" + thing + "' cannot be parsed", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ counters

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
        NonceCounters.checkLimit(limit);
        return readingThenCompact(() -> counters.draw(things.active(thing), layer, mechanism, limit));
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
        NonceCounters.checkLimit(limit);
        return readingThenCompact(() -> {
            things.keyLayer(key);
            return counters.draw(things.active(key.thing()), key.layer(), key.mechanism(), limit);
        });
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
        return reading(() -> ReplayMarkTable.mark(things.keyLayer(key), key.mechanism(), name));
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
        return readingThenCompact(() -> {
            ThingState t = things.active(key.thing());
            return marks.advance(t, things.keyLayer(key), key, name, counter);
        });
    }

    @Override
    public Map<String, Long> replayMarks(DerivedKey key) {
        Objects.requireNonNull(key, "key");
        return reading(() -> ReplayMarkTable.marks(things.keyLayer(key), key.mechanism()));
    }

    // ------------------------------------------------------------------------------------------------ stored keys

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
        writing(() -> {
            LayerState l = things.active(thing).layer(layer);
            journal.writeAndApply(new StoredKey(thing, layer, mechanism, l.generation, key.clone()));
            return null;
        });
        compactIfWanted(); // a replaced key leaves the files
    }

    @Override
    public Optional<DerivedKey> storedKey(ThingId thing, Layer layer, String mechanism) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(layer, "layer");
        Mechanisms.check(mechanism);
        return reading(() -> {
            LayerState l = things.active(thing).layer(layer);
            byte[] key = l.stored.get(mechanism);
            // lastUsed stays: it tells when a key was last derived, and looking a stored key up (as the shell does
            // to list them) must not change what the metadata says
            return key == null ? Optional.empty()
                    : Optional.of(new DerivedKey(thing, layer, mechanism, l.generation, key.clone()));
        });
    }

    @Override
    public boolean deleteStoredKey(ThingId thing, Layer layer, String mechanism) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(layer, "layer");
        Mechanisms.check(mechanism);
        boolean deleted = writing(() -> {
            ThingState t = things.known(thing);
            LayerState l = t.layer(layer);
            if (!t.active() || !l.stored.containsKey(mechanism)) {
                return false;
            }
            journal.writeAndApply(new DeleteStoredKey(thing, layer, mechanism, l.generation));
            return true;
        });
        if (deleted) {
            compactIfWanted();
        }
        return deleted;
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
        return TrustAnchors.entries(reading(anchors::copy));
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
        writing(() -> {
            if (anchors.contains(alias)) {
                throw new IllegalArgumentException("trust anchor alias '" + alias + "' is taken; remove it first");
            }
            String holder = things.holderOfKey(anchor.getPublicKey().getEncoded(), identity.get());
            if (holder != null) {
                throw new IllegalArgumentException("trust anchor '" + alias + "' refused: its key is that of "
                        + holder + "; a thing or the hub is no certification authority");
            }
            journal.writeAndApply(new Anchor(alias, der, chosen));
            return null;
        });
        compactIfWanted();
    }

    @Override
    public boolean removeTrustAnchor(String alias) {
        Objects.requireNonNull(alias, "alias");
        boolean removed = writing(() -> {
            if (!anchors.contains(alias)) {
                return false;
            }
            journal.writeAndApply(new AnchorRemoved(alias));
            return true;
        });
        if (removed) {
            compactIfWanted();
        }
        return removed;
    }

    @Override
    public HubIdentity hubIdentity() {
        return reading(identity::get);
    }

    // ------------------------------------------------------------------------------------------------ store

    /** The directory of the store files. */
    public Path storeDirectory() {
        return storeDirectory;
    }

    /** Folds the journal into a new snapshot now (also writes pending usage times). */
    public void compact() {
        writing(() -> {
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
        return "FileThingKeyStore[" + storeDirectory + (closed ? ", closed]" : "]");
    }

    private <T> T reading(Supplier<T> op) {
        read.lock();
        try {
            checkOpen();
            return op.get();
        } finally {
            read.unlock();
        }
    }

    // For operations that may write: the compaction their write asked for runs once the read lock is left.
    private <T> T readingThenCompact(Supplier<T> op) {
        try {
            return reading(op);
        } finally {
            compactIfWanted(false);
        }
    }

    private <T> T writing(Supplier<T> op) {
        write.lock();
        try {
            checkOpen();
            return op.get();
        } finally {
            write.unlock();
        }
    }

    private void compactIfWanted() {
        compactIfWanted(true);
    }

    /**
     * Runs the compaction the last write asked for, under the read lock: derivations and counter values within
     * reserved blocks go on meanwhile, writes wait for the store mutex. Callers hold no lock.
     *
     * @param destructionToo false for readers, who leave a compaction for destroyed keys to the destroying thread
     */
    private void compactIfWanted(boolean destructionToo) {
        if (!journal.compactionDue()) {
            return;
        }
        read.lock();
        try {
            if (!closed) {
                journal.compactIfDue(destructionToo);
            }
        } finally {
            read.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("keystore " + storeDirectory + " is closed");
        }
    }

    private void publish(KeyEvent event) {
        try {
            events.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("Keystore event listener failed on {} for thing '{}'", event.topic(), event.thing(), e);
        }
    }

    /** The state the journal writes and replays: the hub identity, the trust anchors and the things. */
    private final class Contents implements KeystoreJournal.Contents {
        @Override
        public boolean apply(Rec rec) {
            if (rec instanceof Hub h) {
                identity.apply(h);
                return false;
            }
            if (rec instanceof Anchor || rec instanceof AnchorRemoved) {
                anchors.apply(rec);
                return false;
            }
            return things.apply(rec);
        }

        @Override
        public List<byte[]> drainUsage(List<ThingId> drained) {
            return things.drainUsage(drained);
        }

        @Override
        public List<ThingId> takeUsage() {
            return things.takeUsage();
        }

        @Override
        public void restoreUsage(Collection<ThingId> ids) {
            things.restoreUsage(ids);
        }

        @Override
        public List<Rec> snapshot() {
            List<Rec> records = new ArrayList<>();
            records.add(HubIdentityKeeper.record(identity.get()));
            anchors.snapshot(records);
            things.snapshot(records);
            return records;
        }
    }
}
