package org.trusthub.lifecycle.internal;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.IllegalTransitionException;
import org.trusthub.api.thing.JournalEntry;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.lifecycle.ThingHistory;
import org.trusthub.storage.ChecksumSealer;
import org.trusthub.storage.RecordSealer;
import org.trusthub.storage.RecordStore;
import org.trusthub.storage.StoreException;

/**
 * The thing registry without OSGi: the state of every thing in memory, each change one durable record in a
 * {@link RecordStore}, rebuilt by replay when opened.
 *
 * <p>Ordering rules that keep the registry and the keystore consistent across crashes: an enrollment first records
 * its intent, then enrolls the keys, then records the thing (and the enrollment is discarded if the write fails;
 * one a crash left behind, never used, is discarded by the next start, see {@link #reconcile()}; keys of an id
 * without a recorded intent are never discarded at start, so a lost or replaced registry costs nobody's keys); keys are revoked or rotated before the
 * new state is written, so a crash in between leaves revoked keys under a not-yet-decommissioned thing, which
 * {@link #reconcile()} completes on the next start. A rebootstrap first records its intent with the key generations
 * before the rotation, then rotates, then records the new state; the next start completes one that was cut short
 * (rotating only if the generations show the rotation did not happen). Events are published only after the record
 * is durable.
 *
 * <p>One lock serialises every change, including its keystore calls, so the registry's order of changes is the
 * keystore's and the event order.
 */
public final class ThingRegistryCore implements ThingRegistry, ThingHistory, AutoCloseable {

    /** File name stem of the registry's store in its directory. */
    public static final String STORE_NAME = "registry";
    /** Longest accepted owner or actor, in characters (code points). */
    public static final int MAX_OWNER_LENGTH = 64;
    /** How many steps of each thing's journal are kept; older ones are dropped. */
    public static final int JOURNAL_LIMIT = 256;

    private static final Logger LOG = LoggerFactory.getLogger(ThingRegistryCore.class);

    private final ThingKeyStore keyStore;
    private final LifecycleEventSink events;
    private final Clock clock;
    private final Object lock = new Object();
    private final Map<ThingId, Thing> things = new TreeMap<>();
    private final Map<ThingId, ArrayDeque<JournalEntry>> histories = new HashMap<>();
    // Rebootstraps whose intent is recorded but whose new state is not (yet).
    private final Map<ThingId, RegistryRecords.Intent> rebootstraps = new TreeMap<>();
    // Enrollments whose intent is recorded but whose thing is not (yet).
    private final Set<ThingId> enrollments = new TreeSet<>();
    private final RecordStore store;
    // What this start reconciled, one operator message per thing, as logged.
    private final List<String> startNotes = new ArrayList<>();
    private boolean closed;

    /**
     * Opens (or creates) the registry in a directory, replays it and reconciles it with the keystore.
     *
     * @throws StoreException if the store cannot be opened, is corrupted or holds a record it cannot decode
     */
    public ThingRegistryCore(Path directory, ThingKeyStore keyStore, LifecycleEventSink events, Clock clock)
            throws StoreException {
        this(directory, keyStore, events, clock, ChecksumSealer.INSTANCE);
    }

    /** Registry data is not secret, so records are only checksummed; tests pass a sealer that can fail. */
    ThingRegistryCore(Path directory, ThingKeyStore keyStore, LifecycleEventSink events, Clock clock,
            RecordSealer sealer) throws StoreException {
        this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(directory, "directory");
        // A record replay cannot decode surfaces as StoreCorruptedException naming the file and record.
        this.store = RecordStore.open(directory, STORE_NAME, sealer, this::replay);
        try {
            synchronized (lock) {
                reconcile();
            }
        } catch (StoreException | RuntimeException e) {
            store.close();
            throw e;
        }
        LOG.info("Thing registry opened in {}: {} things", directory, things.size());
    }

    @Override
    public Thing enroll(ThingId id, String owner, RootCredential rootCredential) {
        return enroll(id, owner, rootCredential, JournalEntry.HUB);
    }

    /** This registry, naming {@code actor} in the journal for each change made through the view. */
    @Override
    public ThingRegistry actingAs(String actor) {
        return new ActingRegistry(this, checkActor(actor));
    }

    Thing enroll(ThingId id, String owner, RootCredential rootCredential, String by) {
        Objects.requireNonNull(id, "id");
        checkOwner(owner);
        if (rootCredential == null) {
            throw new IllegalArgumentException("root credential of thing '" + id + "' is missing");
        }
        synchronized (lock) {
            checkOpen();
            if (things.containsKey(id)) {
                throw new DuplicateThingException(id, "it is " + things.get(id).state());
            }
            discardInterruptedEnrollment(id);
            try {
                store.append(RegistryRecords.enrollIntent(id, true));
            } catch (StoreException | RuntimeException e) {
                throw failure("enrollment of thing '" + id + "' could not be recorded; nothing was enrolled", e);
            }
            enrollments.add(id);
            try {
                keyStore.enroll(id, rootCredential);
            } catch (RuntimeException e) {
                abandonEnrollment(id, e);
                throw e;
            }
            Instant now = clock.instant();
            Thing thing = new Thing(id, LifecycleState.MANUFACTURED, owner, now, now, 0);
            JournalEntry entry = new JournalEntry(now, null, LifecycleState.MANUFACTURED, JournalEntry.ENROLL, by);
            try {
                commit(thing, entry);
            } catch (StoreException | RuntimeException e) {
                String undone = undoEnrollment(id, e);
                abandonEnrollment(id, e);
                throw failure("enrollment of thing '" + id + "' could not be recorded; " + undone, e);
            }
            LOG.info("Thing {} enrolled for owner '{}' with a {} root", id, owner, rootCredential.kind());
            publish(TrustHubEvents.LIFECYCLE_ENROLLED, thing, null, null);
            return thing;
        }
    }

    /** What this start reconciled with the keystore, one message per thing as the log shows it at WARN. */
    @Override
    public List<String> startNotes() {
        synchronized (lock) {
            return List.copyOf(startNotes);
        }
    }

    @Override
    public Optional<Thing> find(ThingId id) {
        Objects.requireNonNull(id, "id");
        synchronized (lock) {
            return Optional.ofNullable(things.get(id));
        }
    }

    @Override
    public Thing get(ThingId id) {
        return find(id).orElseThrow(() -> new UnknownThingException(id));
    }

    @Override
    public List<Thing> list() {
        synchronized (lock) {
            return List.copyOf(things.values());
        }
    }

    @Override
    public Thing transition(ThingId id, Transition transition) {
        return transition(id, transition, JournalEntry.HUB);
    }

    Thing transition(ThingId id, Transition transition, String by) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(transition, "transition");
        synchronized (lock) {
            checkOpen();
            Thing before = get(id);
            if (transition == Transition.RECOMMISSION) {
                throw new IllegalTransitionException(id, before.state(), transition,
                        "it needs a new owner and a fresh root credential: use recommission");
            }
            if (!transition.isAllowedFrom(before.state())) {
                throw new IllegalTransitionException(id, before.state(), transition, null);
            }
            // Keys change first: a crash before the record below leaves keys ahead of the registry, never
            // a decommissioned thing whose keys still work.
            if (transition == Transition.REBOOTSTRAP) {
                rotateForRebootstrap(id);
            } else if (transition == Transition.DECOMMISSION) {
                revokeForDecommission(id);
            }
            Instant now = clock.instant();
            Thing after = new Thing(id, transition.target(), before.owner(), before.enrolled(), now,
                    before.commissionCount());
            try {
                commit(after, new JournalEntry(now, before.state(), after.state(), transition.name(), by));
            } catch (StoreException | RuntimeException e) {
                throw failure(transition + " of thing '" + id + "' could not be recorded"
                        + (transition == Transition.REBOOTSTRAP ? " (its keys were rotated; the next start completes "
                                + "the rebootstrap)" : ""), e);
            }
            LOG.info("Thing {}: {} -> {} ({})", id, before.state(), after.state(), transition);
            publish(TrustHubEvents.lifecycleTopic(transition), after, before.state(), transition);
            return after;
        }
    }

    @Override
    public Thing recommission(ThingId id, String newOwner, RootCredential freshRootCredential) {
        return recommission(id, newOwner, freshRootCredential, JournalEntry.HUB);
    }

    Thing recommission(ThingId id, String newOwner, RootCredential freshRootCredential, String by) {
        Objects.requireNonNull(id, "id");
        checkOwner(newOwner);
        if (freshRootCredential == null) {
            throw new IllegalArgumentException("fresh root credential of thing '" + id + "' is missing");
        }
        synchronized (lock) {
            checkOpen();
            Thing before = get(id);
            if (!Transition.RECOMMISSION.isAllowedFrom(before.state())) {
                throw new IllegalTransitionException(id, before.state(), Transition.RECOMMISSION, null);
            }
            if (keyStore.isActive(id) && !keyStore.discardEnrollment(id)) {
                // A decommissioned thing must have no working keys; if the keystore disagrees (restored from an
                // old backup), the old keys go before the new root comes in. Keys that were never used (a
                // re-commissioning a crash interrupted) are simply discarded above.
                LOG.warn("Thing {} is decommissioned but its keys were active: revoking them before re-commissioning",
                        id);
                keyStore.revoke(id);
            }
            keyStore.enroll(id, freshRootCredential);
            Instant now = clock.instant();
            Thing after = new Thing(id, Transition.RECOMMISSION.target(), newOwner, before.enrolled(), now,
                    before.commissionCount() + 1);
            try {
                commit(after, new JournalEntry(now, before.state(), after.state(), Transition.RECOMMISSION.name(), by));
            } catch (StoreException | RuntimeException e) {
                throw failure("re-commissioning of thing '" + id + "' could not be recorded; "
                        + undoEnrollment(id, e), e);
            }
            LOG.info("Thing {} re-commissioned for owner '{}' (commission {})", id, newOwner,
                    after.commissionCount());
            publish(TrustHubEvents.lifecycleTopic(Transition.RECOMMISSION), after, before.state(),
                    Transition.RECOMMISSION);
            return after;
        }
    }

    @Override
    public List<JournalEntry> journal(ThingId id) {
        Objects.requireNonNull(id, "id");
        synchronized (lock) {
            ArrayDeque<JournalEntry> history = histories.get(id);
            if (history == null) {
                throw new UnknownThingException(id);
            }
            return List.copyOf(history);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (!closed) {
                closed = true;
                store.close();
            }
        }
    }

    /**
     * Checks an owner: 1 to {@value #MAX_OWNER_LENGTH} printable characters, not blank, no surrounding spaces.
     * The message never repeats the owner: it may hold the very characters that make it unprintable.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String checkOwner(String owner) {
        return checkName("owner", owner);
    }

    /** Checks an actor as {@link #checkOwner} checks an owner. */
    static String checkActor(String actor) {
        return checkName("actor", actor);
    }

    private static String checkName(String what, String owner) {
        if (owner == null || owner.isEmpty()) {
            throw new IllegalArgumentException("malformed " + what + ": it is empty");
        }
        int length = owner.codePointCount(0, owner.length());
        if (length > MAX_OWNER_LENGTH) {
            throw new IllegalArgumentException(
                    "malformed " + what + ": " + length + " characters, at most " + MAX_OWNER_LENGTH + " allowed");
        }
        int position = 0;
        for (int i = 0; i < owner.length(); i += Character.charCount(owner.codePointAt(i))) {
            position++;
            int c = owner.codePointAt(i);
            if (!isPrintable(c)) {
                throw new IllegalArgumentException(String.format(
                        "malformed " + what + ": character %d (U+%04X) is not printable", position, c));
            }
        }
        if (owner.isBlank()) {
            throw new IllegalArgumentException("malformed " + what + ": it is blank");
        }
        if (Character.isWhitespace(owner.codePointAt(0))
                || Character.isWhitespace(owner.codePointBefore(owner.length()))) {
            throw new IllegalArgumentException("malformed " + what + ": it starts or ends with a space");
        }
        return owner;
    }

    private static boolean isPrintable(int c) {
        switch (Character.getType(c)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.SURROGATE:
            case Character.UNASSIGNED:
            case Character.PRIVATE_USE:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return false;
            default:
                return true;
        }
    }

    // --- persistence -----------------------------------------------------------------------------------------

    private void replay(byte[] record) {
        RegistryRecords.Decoded decoded = RegistryRecords.decode(record);
        if (decoded.enrollment() != null) {
            if (decoded.enrollment().pending()) {
                enrollments.add(decoded.enrollment().thing());
            } else {
                enrollments.remove(decoded.enrollment().thing());
            }
            return;
        }
        if (decoded.intent() != null) {
            RegistryRecords.Intent intent = decoded.intent();
            if (intent.pending()) {
                rebootstraps.put(intent.thing(), intent);
            } else {
                rebootstraps.remove(intent.thing());
            }
            return;
        }
        Thing thing = decoded.thing();
        enrollments.remove(thing.id());
        if (decoded.type() == RegistryRecords.CHANGE) {
            rebootstraps.remove(thing.id());
        }
        things.put(thing.id(), thing);
        ArrayDeque<JournalEntry> history = histories.computeIfAbsent(thing.id(), k -> new ArrayDeque<>());
        if (decoded.type() == RegistryRecords.SNAPSHOT) {
            history.clear();
        }
        decoded.entries().forEach(e -> addHistory(history, e));
    }

    /** Makes one change durable, then applies it in memory; a failed write changes nothing. */
    private void commit(Thing after, JournalEntry entry) throws StoreException {
        store.append(RegistryRecords.change(after, entry));
        rebootstraps.remove(after.id());
        enrollments.remove(after.id());
        things.put(after.id(), after);
        addHistory(histories.computeIfAbsent(after.id(), k -> new ArrayDeque<>()), entry);
        if (store.shouldCompact()) {
            compact();
        }
    }

    private void compact() {
        List<byte[]> records = new ArrayList<>(things.size());
        for (Thing thing : things.values()) {
            records.add(RegistryRecords.snapshot(thing, histories.getOrDefault(thing.id(), new ArrayDeque<>())));
        }
        rebootstraps.values().forEach(i -> records.add(RegistryRecords.intent(i)));
        enrollments.forEach(id -> records.add(RegistryRecords.enrollIntent(id, true)));
        try {
            store.compact(records);
        } catch (StoreException | RuntimeException e) {
            // The change itself is already durable in the journal (and must not be reported as failed, or the
            // caller would undo keys the registry now records); compaction is retried after the next change.
            LOG.warn("Compacting the thing registry failed, will retry: {}", e.getMessage());
        }
    }

    private static void addHistory(ArrayDeque<JournalEntry> history, JournalEntry entry) {
        history.addLast(entry);
        while (history.size() > JOURNAL_LIMIT) {
            history.removeFirst();
        }
    }

    // --- keystore ----------------------------------------------------------------------------------------------

    /**
     * Records the intent, then rotates every layer. A failed intent write rotates nothing; a failed rotation
     * abandons the intent (or, if even that cannot be written, leaves it to the next start, which sees from the
     * generations that nothing was rotated).
     */
    private void rotateForRebootstrap(ThingId id) {
        int[] generations = generations(id);
        RegistryRecords.Intent intent = new RegistryRecords.Intent(id, true, generations);
        try {
            store.append(RegistryRecords.intent(intent));
        } catch (StoreException | RuntimeException e) {
            throw failure(Transition.REBOOTSTRAP + " of thing '" + id + "' could not be recorded; no key was rotated",
                    e);
        }
        rebootstraps.put(id, intent);
        try {
            keyStore.rotateAll(id);
        } catch (RuntimeException e) {
            abandonRebootstrap(id, e);
            throw e;
        }
    }

    private void abandonRebootstrap(ThingId id, Exception cause) {
        RegistryRecords.Intent intent = rebootstraps.get(id);
        try {
            store.append(RegistryRecords.intent(new RegistryRecords.Intent(id, false, intent.generations())));
            rebootstraps.remove(id);
        } catch (StoreException | RuntimeException e) {
            cause.addSuppressed(e);
            LOG.warn("Thing {}: could not record that its rebootstrap was abandoned; the next start checks its keys",
                    id);
        }
    }

    private int[] generations(ThingId id) {
        return keyStore.metadata(id).layers().stream().mapToInt(l -> l.generation()).toArray();
    }

    /**
     * Completes rebootstraps a crash or a failed write interrupted: rotates unless every layer is past the
     * generation recorded before the rotation, then records the new state.
     */
    private void completeRebootstraps() throws StoreException {
        for (RegistryRecords.Intent intent : List.copyOf(rebootstraps.values())) {
            ThingId id = intent.thing();
            Thing thing = things.get(id);
            if (thing == null || !Transition.REBOOTSTRAP.isAllowedFrom(thing.state())) {
                LOG.warn("Thing {}: a recorded rebootstrap no longer applies (it is {}); abandoned", id,
                        thing == null ? "unknown" : thing.state());
                store.append(RegistryRecords.intent(new RegistryRecords.Intent(id, false, intent.generations())));
                rebootstraps.remove(id);
                continue;
            }
            try {
                int[] now = generations(id);
                boolean rotated = now.length == intent.generations().length;
                for (int i = 0; rotated && i < now.length; i++) {
                    rotated = now[i] > intent.generations()[i];
                }
                if (!rotated) {
                    keyStore.rotateAll(id);
                }
            } catch (RuntimeException e) {
                LOG.warn("Thing {}: cannot complete its interrupted rebootstrap ({}); abandoned", id, e.getMessage());
                store.append(RegistryRecords.intent(new RegistryRecords.Intent(id, false, intent.generations())));
                rebootstraps.remove(id);
                continue;
            }
            Instant now = clock.instant();
            Thing after = new Thing(id, Transition.REBOOTSTRAP.target(), thing.owner(), thing.enrolled(), now,
                    thing.commissionCount());
            commit(after, new JournalEntry(now, thing.state(), after.state(), Transition.REBOOTSTRAP.name(),
                    JournalEntry.HUB));
            LOG.warn("Thing {}: completed an interrupted rebootstrap ({} -> {})", id, thing.state(), after.state());
            publish(TrustHubEvents.lifecycleTopic(Transition.REBOOTSTRAP), after, thing.state(),
                    Transition.REBOOTSTRAP);
        }
    }

    private void revokeForDecommission(ThingId id) {
        try {
            keyStore.revoke(id);
        } catch (UnknownThingException e) {
            // Nothing to revoke is what decommissioning wants; refusing would leave the thing undecommissionable.
            LOG.warn("Thing {} has no keys in the keystore; decommissioning it anyway", id);
        }
    }

    /**
     * Takes back a keystore enrollment the registry could not record. Nothing was handed out for it yet, so it is
     * discarded: the same root credential may be enrolled again. Should the keystore refuse (a key was used after
     * all), the keys are revoked instead, so no key works for a thing the registry does not record.
     *
     * @return what was done, for the caller's message
     */
    private String undoEnrollment(ThingId id, Exception cause) {
        try {
            if (keyStore.discardEnrollment(id)) {
                return "its enrollment in the keystore was discarded";
            }
            keyStore.revoke(id);
            return "its keys were revoked again";
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            LOG.error("Thing {}: the registry write failed and its keystore enrollment could not be taken back "
                    + "(it is discarded when the thing is enrolled again, if still unused)", id);
            return "its keystore enrollment could not be taken back";
        }
    }

    /** Records that an enrollment whose intent is recorded will not complete; a failed write is left to the start. */
    private void abandonEnrollment(ThingId id, Exception cause) {
        try {
            store.append(RegistryRecords.enrollIntent(id, false));
            enrollments.remove(id);
        } catch (StoreException | RuntimeException e) {
            cause.addSuppressed(e);
            LOG.warn("Thing {}: could not record that its enrollment was abandoned; the next start checks its keys",
                    id);
        }
    }

    /**
     * A crash between the keystore enrollment and the registry record leaves keys the registry does not know. If
     * they were never used, they are discarded so the thing can be enrolled (with the same credential, too); used
     * ones make the keystore refuse the enrollment as a duplicate, as before.
     */
    private void discardInterruptedEnrollment(ThingId id) {
        if (keyStore.isActive(id) && keyStore.discardEnrollment(id)) {
            LOG.info("Thing {}: discarded an unused keystore enrollment the registry never recorded (an interrupted "
                    + "enrollment)", id);
        }
    }

    /**
     * Completes decommissionings a crash interrupted (keys revoked, state not yet written) and discards enrollments
     * one cut short (intent recorded, keys enrolled, thing not yet recorded). Does nothing destructive on mere
     * disagreement: an empty or replaced keystore, or keys of an id the registry never announced (a lost or
     * replaced registry, another holder of keystore ids), only earn a warning, so a misconfigured directory never
     * revokes or discards anybody's keys. Runs only on a registry that replayed without error: a damaged one
     * refuses to open before this.
     */
    private void reconcile() throws StoreException {
        Set<ThingId> keyed;
        try {
            keyed = new HashSet<>(keyStore.things());
        } catch (RuntimeException e) {
            LOG.warn("Cannot reconcile the thing registry with the keystore: {}", e.getMessage());
            return;
        }
        completeRebootstraps();
        for (Thing thing : List.copyOf(things.values())) {
            ThingId id = thing.id();
            if (thing.state() == LifecycleState.DECOMMISSIONED) {
                if (keyed.contains(id) && keyStore.isActive(id)) {
                    // an interrupted re-commissioning: unused fresh keys go, the revoked record comes back
                    if (keyStore.discardEnrollment(id)) {
                        LOG.info("Thing {} is decommissioned; discarded the unused keys of an interrupted "
                                + "re-commissioning", id);
                    } else {
                        LOG.warn("Thing {} is decommissioned but its keys are active and used; they are revoked "
                                + "when it is re-commissioned", id);
                    }
                }
                continue;
            }
            if (!keyed.contains(id)) {
                LOG.warn("Thing {} is {} but the keystore holds no keys for it", id, thing.state());
            } else if (!keyStore.isActive(id)) {
                LOG.warn("Thing {} is {} but its keys are revoked (an interrupted decommissioning): "
                        + "completing it to DECOMMISSIONED", id, thing.state());
                Instant now = clock.instant();
                Thing after = new Thing(id, LifecycleState.DECOMMISSIONED, thing.owner(), thing.enrolled(), now,
                        thing.commissionCount());
                commit(after, new JournalEntry(now, thing.state(), after.state(), Transition.DECOMMISSION.name(),
                        JournalEntry.HUB));
                publish(TrustHubEvents.lifecycleTopic(Transition.DECOMMISSION), after, thing.state(),
                        Transition.DECOMMISSION);
            }
        }
        for (ThingId id : List.copyOf(enrollments)) {
            reconcileEnrollment(id, keyed.contains(id));
        }
        for (ThingId id : keyed) {
            if (!things.containsKey(id) && keyStore.isActive(id)) {
                LOG.warn("The keystore holds active keys for {} which the registry has no record or enrollment "
                        + "intent of (a group or network key, a registry directory that was replaced, or an "
                        + "enrollment from an older version): left alone; enrolling that id discards them if they "
                        + "were never used, and is refused otherwise", id);
            }
        }
    }

    /**
     * An enrollment whose intent is recorded and whose thing is not: a crash cut it short. The registry hands out
     * nothing for a thing before its record is durable, so its keys, if the keystore took them, were never used:
     * they are discarded once, here, the intent is closed, and the operator is told (the next start has nothing to
     * say). Keys that were used after all are not this enrollment's and are left alone.
     */
    private void reconcileEnrollment(ThingId id, boolean keyed) throws StoreException {
        String note;
        if (things.containsKey(id)) {
            note = null;
        } else if (keyed && keyStore.isActive(id)) {
            boolean discarded;
            try {
                discarded = keyStore.discardEnrollment(id);
            } catch (RuntimeException e) {
                LOG.warn("Thing {}: its enrollment was cut short, and discarding its keys failed ({}); the next "
                        + "start tries again", id, e.getMessage());
                return;
            }
            note = discarded
                    ? "Thing " + id + ": its enrollment was cut short (the hub stopped after the keystore took its "
                            + "keys and before the registry recorded it). Its unused keys were discarded and " + id
                            + " is not enrolled. " + secretFileAdvice(id)
                    : "Thing " + id + ": its enrollment was cut short, but the keystore's keys under that id were "
                            + "used, so they are not that enrollment's and were left alone; " + id
                            + " is not enrolled.";
        } else {
            note = "Thing " + id + ": its enrollment was cut short before the keystore took its keys; " + id
                    + " is not enrolled. " + secretFileAdvice(id);
        }
        store.append(RegistryRecords.enrollIntent(id, false));
        enrollments.remove(id);
        if (note != null) {
            startNotes.add(note);
            LOG.warn(note);
        }
    }

    private static String secretFileAdvice(ThingId id) {
        return "A secret file trusthub:thing-enroll --generate-secret wrote for it was kept and holds a secret the "
                + "hub does not know: enroll " + id + " again with --secret-file and that file, or delete the file.";
    }

    // --- events ------------------------------------------------------------------------------------------------

    /** Enrollments carry no FROM_STATE and no TRANSITION: they are not a {@link Transition}. */
    private void publish(String topic, Thing after, LifecycleState from, Transition transition) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(TrustHubEvents.THING, after.id().value());
        if (from != null) {
            properties.put(TrustHubEvents.FROM_STATE, from.name());
        }
        properties.put(TrustHubEvents.TO_STATE, after.state().name());
        if (transition != null) {
            properties.put(TrustHubEvents.TRANSITION, transition.name());
        }
        properties.put(TrustHubEvents.OWNER, after.owner());
        properties.put(TrustHubEvents.TIMESTAMP, after.changed().toEpochMilli());
        try {
            events.publish(topic, properties);
        } catch (RuntimeException e) {
            // The change is durable; a failing event channel must not make it look refused.
            LOG.warn("Publishing {} for thing {} failed: {}", topic, after.id(), e.toString());
        }
    }

    // --- misc --------------------------------------------------------------------------------------------------

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the thing registry is closed");
        }
    }

    private static RuntimeException failure(String message, Exception cause) {
        if (cause instanceof StoreException s) {
            return new UncheckedIOException(message + ": " + s.getMessage(), s);
        }
        return new IllegalStateException(message + ": " + cause.getMessage(), cause);
    }
}
