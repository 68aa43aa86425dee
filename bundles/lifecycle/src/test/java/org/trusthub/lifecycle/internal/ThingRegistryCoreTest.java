package org.trusthub.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.KeyRevokedException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.IllegalTransitionException;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.keystore.internal.KeyEvent;
import org.trusthub.api.thing.JournalEntry;
import org.trusthub.lifecycle.internal.TestSupport.FailingSealer;
import org.trusthub.lifecycle.internal.TestSupport.Published;
import org.trusthub.lifecycle.internal.TestSupport.RecordingSink;
import org.trusthub.storage.RecordStore;
import org.trusthub.storage.StoreCorruptedException;
import org.trusthub.storage.StoreException;
import org.trusthub.testkit.TestClock;

class ThingRegistryCoreTest {

    private static final Instant START = Instant.parse("2026-11-22T08:00:00Z");
    private static final ThingId LAMP = ThingId.of("lamp-kitchen-1");

    private static final String MECHANISM = "ieee802154-ccm-star";

    @TempDir
    Path tmp;

    /** The registry's store. */
    private Path dir;
    private Path keysDir;
    private FileThingKeyStore keyStore;
    /** What the keystore announced, in order: each a key change it has made durable ("ENROLLED lamp-1"). */
    private final List<String> keyChanges = new ArrayList<>();
    private RecordingSink sink;
    private TestClock clock;
    private FailingSealer sealer;
    private ThingRegistryCore registry;

    @BeforeEach
    void open() throws StoreException {
        dir = tmp.resolve("registry");
        keysDir = tmp.resolve("keys");
        keyStore = openKeyStore(keysDir);
        sink = new RecordingSink();
        clock = new TestClock(START, Duration.ofSeconds(1));
        sealer = new FailingSealer();
        registry = reopen();
    }

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
        keyStore.close();
    }

    private ThingRegistryCore reopen() throws StoreException {
        return new ThingRegistryCore(dir, keyStore, sink, clock, sealer);
    }

    /** The real keystore, with its own clock (the registry's ticks must stay the registry's). */
    private FileThingKeyStore openKeyStore(Path directory) {
        return FileThingKeyStore.open(directory, tmp.resolve("etc/master.key"),
                new TestClock(START, Duration.ofSeconds(1)),
                FileThingKeyStore.DEFAULT_COUNTER_RESERVATION, this::keyChanged);
    }

    /** Set to make the registry's writes fail from the next key rotation on (between the rotation and the record). */
    private volatile boolean failWritesAfterRotation;

    private void keyChanged(KeyEvent e) {
        if (failWritesAfterRotation && e.topic().endsWith("ROTATED")) {
            sealer.fail = true;
        }
        String what = e.topic().substring(e.topic().lastIndexOf('/') + 1);
        keyChanges.add(what + " " + e.thing() + (e.layer() == null ? "" : " " + e.layer()));
    }

    /** Closes the registry and the keystore, and opens both again with the keystore in another directory. */
    private void restartWithKeyStore(Path directory) throws StoreException {
        registry.close();
        keyStore.close();
        keyStore = openKeyStore(directory);
        registry = reopen();
    }

    private byte[] key(ThingId id, Layer layer) {
        DerivedKey key = keyStore.deriveKey(id, layer, MECHANISM, 16);
        try {
            return key.bytes();
        } finally {
            key.destroy();
        }
    }

    private int generation(ThingId id, Layer layer) {
        return keyStore.metadata(id).layers().get(layer.ordinal()).generation();
    }

    private void assertRevoked(ThingId id) {
        assertFalse(keyStore.isActive(id));
        assertThrows(KeyRevokedException.class, () -> keyStore.deriveKey(id, Layer.LINK, MECHANISM, 16),
                "no key of " + id + " can be derived");
    }

    private static RootCredential secret(int fill) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) fill);
        return RootCredential.secret(bytes);
    }

    @Test
    void wholeLifecycleWalk() throws StoreException {
        Thing t = registry.enroll(LAMP, "alice", secret(1));
        assertEquals(LifecycleState.MANUFACTURED, t.state());
        assertEquals("alice", t.owner());
        assertEquals(0, t.commissionCount());
        assertTrue(keyStore.isActive(LAMP));
        byte[] firstKey = key(LAMP, Layer.LINK);

        assertEquals(LifecycleState.BOOTSTRAPPING, registry.transition(LAMP, Transition.BOOTSTRAP).state());
        assertEquals(LifecycleState.OPERATIONAL, registry.transition(LAMP, Transition.ACTIVATE).state());
        assertEquals(LifecycleState.MAINTENANCE, registry.transition(LAMP, Transition.MAINTAIN).state());
        assertEquals(LifecycleState.OPERATIONAL, registry.transition(LAMP, Transition.RESUME).state());
        assertEquals(LifecycleState.MAINTENANCE, registry.transition(LAMP, Transition.MAINTAIN).state());
        assertEquals(1, generation(LAMP, Layer.LINK), "no rotation before REBOOTSTRAP");
        assertTrue(Arrays.equals(firstKey, key(LAMP, Layer.LINK)), "the same key until REBOOTSTRAP");

        assertEquals(LifecycleState.BOOTSTRAPPING, registry.transition(LAMP, Transition.REBOOTSTRAP).state());
        for (Layer layer : Layer.values()) {
            assertEquals(2, generation(LAMP, layer), "REBOOTSTRAP rotates " + layer);
        }
        byte[] rebootstrappedKey = key(LAMP, Layer.LINK);
        assertFalse(Arrays.equals(firstKey, rebootstrappedKey), "REBOOTSTRAP hands out new keys");
        assertEquals(LifecycleState.OPERATIONAL, registry.transition(LAMP, Transition.ACTIVATE).state());

        Instant firstRootEnrolled = keyStore.metadata(LAMP).enrolled();
        Thing gone = registry.transition(LAMP, Transition.DECOMMISSION);
        assertEquals(LifecycleState.DECOMMISSIONED, gone.state());
        assertRevoked(LAMP); // DECOMMISSION revokes every key

        Thing back = registry.recommission(LAMP, "bob", secret(2));
        assertEquals(LifecycleState.BOOTSTRAPPING, back.state());
        assertEquals("bob", back.owner());
        assertEquals(1, back.commissionCount());
        assertEquals(t.enrolled(), back.enrolled(), "first enrollment time survives re-commissioning");
        assertTrue(keyStore.isActive(LAMP));
        assertNotEquals(firstRootEnrolled, keyStore.metadata(LAMP).enrolled(), "a fresh root was enrolled");
        assertEquals(1, generation(LAMP, Layer.LINK), "generations start over with the new root");
        byte[] recommissionedKey = key(LAMP, Layer.LINK);
        assertFalse(Arrays.equals(firstKey, recommissionedKey), "generation 1 of the new root is not the old key");
        assertFalse(Arrays.equals(rebootstrappedKey, recommissionedKey));

        assertEquals(LifecycleState.OPERATIONAL, registry.transition(LAMP, Transition.ACTIVATE).state());
        assertEquals(LifecycleState.DECOMMISSIONED, registry.transition(LAMP, Transition.DECOMMISSION).state());
        Thing third = registry.recommission(LAMP, "carol", secret(3));
        assertEquals(2, third.commissionCount());
        assertEquals("carol", registry.get(LAMP).owner());

        List<String> actions = registry.journal(LAMP).stream().map(JournalEntry::transition).toList();
        assertEquals(List.of("ENROLL", "BOOTSTRAP", "ACTIVATE", "MAINTAIN", "RESUME", "MAINTAIN", "REBOOTSTRAP",
                "ACTIVATE", "DECOMMISSION", "RECOMMISSION", "ACTIVATE", "DECOMMISSION", "RECOMMISSION"), actions);
        JournalEntry reboot = registry.journal(LAMP).get(6);
        assertEquals(LifecycleState.MAINTENANCE, reboot.from());
        assertEquals(LifecycleState.BOOTSTRAPPING, reboot.to());
        assertNull(registry.journal(LAMP).get(0).from(), "an enrollment has no previous state");

        // The keystore changed the keys in the order the lifecycle demands (a rotation of every layer at once).
        assertEquals(List.of("ENROLLED lamp-kitchen-1", "ROTATED lamp-kitchen-1", "REVOKED lamp-kitchen-1",
                "ENROLLED lamp-kitchen-1", "REVOKED lamp-kitchen-1", "ENROLLED lamp-kitchen-1"), keyChanges);

        // And all of it survives a restart.
        List<JournalEntry> history = registry.journal(LAMP);
        Thing last = registry.get(LAMP);
        registry.close();
        registry = reopen();
        assertEquals(last, registry.get(LAMP));
        assertEquals(history, registry.journal(LAMP));
    }

    @Test
    void theJournalNamesWhoMadeEachStepAndSurvivesARestart() throws Exception {
        ThingRegistry alice = registry.actingAs("web:alice");
        alice.enroll(LAMP, "alice", secret(1));
        registry.actingAs("console:karaf").transition(LAMP, Transition.BOOTSTRAP);
        alice.transition(LAMP, Transition.ACTIVATE);
        registry.transition(LAMP, Transition.DECOMMISSION);
        alice.recommission(LAMP, "bob", secret(2));

        List<JournalEntry> journal = registry.journal(LAMP);
        assertEquals(List.of("web:alice", "console:karaf", "web:alice", JournalEntry.HUB, "web:alice"),
                journal.stream().map(JournalEntry::by).toList());
        assertEquals(List.of("ENROLL", "BOOTSTRAP", "ACTIVATE", "DECOMMISSION", "RECOMMISSION"),
                journal.stream().map(JournalEntry::transition).toList());
        assertEquals(LifecycleState.OPERATIONAL, journal.get(3).from());
        assertEquals(LifecycleState.DECOMMISSIONED, journal.get(3).to());
        assertEquals(registry.get(LAMP).changed(), journal.get(4).at());
        assertEquals(journal, alice.journal(LAMP), "a view reads the same journal");

        registry.close();
        registry = reopen();
        assertEquals(journal, registry.journal(LAMP), "the journal, with who, is on disk");
    }

    @Test
    void aMalformedActorIsRefusedBeforeAnyChange() {
        registry.enroll(LAMP, "alice", secret(1));
        List<JournalEntry> journal = registry.journal(LAMP);
        for (String bad : new String[] { null, "", " web:alice", "web:\nalice", "x".repeat(65) }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> registry.actingAs(bad), String.valueOf(bad));
            assertTrue(e.getMessage().startsWith("malformed actor"), e.getMessage());
        }
        assertEquals(journal, registry.journal(LAMP));
        assertEquals(LifecycleState.MANUFACTURED, registry.get(LAMP).state());
    }

    /** The states reachable for a fresh thing, and how to get there. */
    private Thing thingIn(ThingId id, LifecycleState state) {
        registry.enroll(id, "owner of " + id, secret(7));
        List<Transition> path = switch (state) {
            case MANUFACTURED -> List.of();
            case BOOTSTRAPPING -> List.of(Transition.BOOTSTRAP);
            case OPERATIONAL -> List.of(Transition.BOOTSTRAP, Transition.ACTIVATE);
            case MAINTENANCE -> List.of(Transition.BOOTSTRAP, Transition.ACTIVATE, Transition.MAINTAIN);
            case DECOMMISSIONED -> List.of(Transition.DECOMMISSION);
        };
        path.forEach(t -> registry.transition(id, t));
        Thing thing = registry.get(id);
        assertEquals(state, thing.state());
        return thing;
    }

    @ParameterizedTest
    @EnumSource(LifecycleState.class)
    void everyIllegalTransitionIsRefusedWithNoChange(LifecycleState state) throws StoreException {
        ThingId id = ThingId.of("t-" + state.name().toLowerCase());
        Thing before = thingIn(id, state);
        List<JournalEntry> history = registry.journal(id);
        int events = sink.count();
        List<String> changes = List.copyOf(keyChanges);
        KeyMetadata keys = keyStore.metadata(id);
        boolean active = keyStore.isActive(id);
        int refused = 0;
        for (Transition transition : Transition.values()) {
            if (transition.isAllowedFrom(state) && transition != Transition.RECOMMISSION) {
                continue;
            }
            IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
                    () -> registry.transition(id, transition), transition + " from " + state);
            assertEquals(state, e.state());
            assertEquals(transition, e.transition());
            assertEquals(id, e.thing());
            refused++;
            assertEquals(before, registry.get(id));
            assertEquals(history, registry.journal(id));
            assertEquals(events, sink.count(), "no event for a refused call");
            assertEquals(changes, keyChanges, "no key change for a refused call");
            assertEquals(keys, keyStore.metadata(id));
            assertEquals(active, keyStore.isActive(id));
        }
        assertEquals(Transition.values().length - Transition.allowedFrom(state).size()
                + (Transition.RECOMMISSION.isAllowedFrom(state) ? 1 : 0), refused);
        registry.close();
        registry = reopen();
        assertEquals(before, registry.get(id), "nothing refused reached the store");
        assertEquals(history, registry.journal(id));
    }

    @ParameterizedTest
    @EnumSource(LifecycleState.class)
    void everyLegalTransitionLandsInItsTarget(LifecycleState state) {
        for (Transition transition : Transition.allowedFrom(state)) {
            if (transition == Transition.RECOMMISSION) {
                continue;
            }
            ThingId id = ThingId.of("t-" + state.name().toLowerCase() + "-" + transition.name().toLowerCase());
            Thing before = thingIn(id, state);
            Thing after = registry.transition(id, transition);
            assertEquals(transition.target(), after.state());
            assertEquals(before.owner(), after.owner());
            assertEquals(before.commissionCount(), after.commissionCount());
            assertTrue(after.changed().isAfter(before.changed()));
        }
    }

    @Test
    void recommissionIsRefusedUnlessDecommissioned() {
        thingIn(LAMP, LifecycleState.OPERATIONAL);
        int events = sink.count();
        byte[] key = key(LAMP, Layer.LINK);
        KeyMetadata keys = keyStore.metadata(LAMP);
        List<String> changes = List.copyOf(keyChanges);
        IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
                () -> registry.recommission(LAMP, "mallory", secret(9)));
        assertEquals(Transition.RECOMMISSION, e.transition());
        assertEquals("owner of lamp-kitchen-1", registry.get(LAMP).owner());
        assertEquals(changes, keyChanges, "no new root enrolled");
        assertEquals(keys, keyStore.metadata(LAMP));
        assertTrue(Arrays.equals(key, key(LAMP, Layer.LINK)), "the old root still derives the same key");
        assertEquals(events, sink.count());
    }

    @Test
    void recommissionThroughTransitionSaysWhatToUse() {
        thingIn(LAMP, LifecycleState.DECOMMISSIONED);
        IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
                () -> registry.transition(LAMP, Transition.RECOMMISSION));
        assertTrue(e.getMessage().contains("use recommission"), e.getMessage());
        assertEquals(LifecycleState.DECOMMISSIONED, registry.get(LAMP).state());
    }

    @Test
    void unknownThing() {
        ThingId ghost = ThingId.of("ghost");
        assertEquals(Optional.empty(), registry.find(ghost));
        assertThrows(UnknownThingException.class, () -> registry.get(ghost));
        assertThrows(UnknownThingException.class, () -> registry.transition(ghost, Transition.BOOTSTRAP));
        assertThrows(UnknownThingException.class, () -> registry.recommission(ghost, "bob", secret(1)));
        assertThrows(UnknownThingException.class, () -> registry.journal(ghost));
        assertEquals(0, sink.count());
        assertEquals(List.of(), keyChanges);
        assertEquals(List.of(), keyStore.things());
    }

    @Test
    void duplicateEnrollmentIsRefusedBeforeTheKeystore() {
        registry.enroll(LAMP, "alice", secret(1));
        registry.transition(LAMP, Transition.DECOMMISSION);
        List<String> changes = List.copyOf(keyChanges);
        DuplicateThingException e = assertThrows(DuplicateThingException.class,
                () -> registry.enroll(LAMP, "bob", secret(2)));
        assertEquals(LAMP, e.thing());
        // The keystore would have taken the fresh root for the revoked thing: it was not asked.
        assertEquals(changes, keyChanges, "the keystore was not touched");
        assertRevoked(LAMP);
        assertEquals("alice", registry.get(LAMP).owner());
        assertEquals(2, sink.count(), "enroll + decommission only");
    }

    @ParameterizedTest
    @ValueSource(strings = { "", " ", "alice\n", "al\u0007ice", "bob\u202e", " alice", "alice ", "\t",
            "x\u2028y" })
    void malformedOwnerIsRefused(String owner) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> registry.enroll(LAMP, owner, secret(1)));
        assertTrue(e.getMessage().startsWith("malformed owner"), e.getMessage());
        assertEquals(Optional.empty(), registry.find(LAMP));
        assertEquals(List.of(), keyChanges);
        assertEquals(List.of(), keyStore.things());
        assertEquals(0, sink.count());
    }

    @Test
    void ownerLengthIsCountedInCharacters() {
        String longest = "\uD83D\uDCA1".repeat(64); // 64 characters, 128 UTF-16 units
        assertEquals(longest, registry.enroll(LAMP, longest, secret(1)).owner());
        assertThrows(IllegalArgumentException.class,
                () -> registry.enroll(ThingId.of("b"), "a".repeat(65), secret(1)));
        assertEquals("Zoë Ødegård / Flat 3", ThingRegistryCore.checkOwner("Zoë Ødegård / Flat 3"));
    }

    @Test
    void malformedOwnerOnRecommissionChangesNothing() {
        thingIn(LAMP, LifecycleState.DECOMMISSIONED);
        List<String> changes = List.copyOf(keyChanges);
        assertThrows(IllegalArgumentException.class, () -> registry.recommission(LAMP, "", secret(2)));
        assertEquals(LifecycleState.DECOMMISSIONED, registry.get(LAMP).state());
        assertRevoked(LAMP);
        assertEquals(changes, keyChanges);
    }

    @Test
    void missingCredentialIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> registry.enroll(LAMP, "alice", null));
        assertEquals(Optional.empty(), registry.find(LAMP));
    }

    @Test
    void keystoreFailureDuringEnrollLeavesNoEntry() throws StoreException {
        keyStore.close(); // as when the keystore stops while the registry still holds it
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> registry.enroll(LAMP, "alice", secret(1)));
        assertEquals("keystore " + keysDir + " is closed", e.getMessage());
        assertEquals(Optional.empty(), registry.find(LAMP));
        assertEquals(0, sink.count());
        restartWithKeyStore(keysDir);
        assertEquals(List.of(), keyStore.things(), "the keystore enrolled nothing");
        assertEquals(Optional.empty(), registry.find(LAMP));
        // and the id is still free
        assertEquals(LifecycleState.MANUFACTURED, registry.enroll(LAMP, "alice", secret(1)).state());
    }

    @Test
    void failedRegistryWriteDiscardsTheKeystoreEnrollment() throws StoreException {
        sealer.sealsBeforeFailing = 1; // the intent is recorded, the thing is not
        RuntimeException e = assertThrows(RuntimeException.class, () -> registry.enroll(LAMP, "alice", secret(1)));
        assertTrue(e.getMessage().contains("its enrollment in the keystore was discarded"), e.getMessage());
        assertEquals(List.of(), keyStore.things(), "no half-enrolled thing, and no root retired for nothing");
        assertEquals(List.of("ENROLLED lamp-kitchen-1"), keyChanges);
        assertEquals(Optional.empty(), registry.find(LAMP));
        assertEquals(0, sink.count(), "nothing published for a change that is not durable");

        sealer.fail = false;
        // Nothing of the root was used, so the same credential enrolls the thing.
        assertEquals(LifecycleState.MANUFACTURED, registry.enroll(LAMP, "alice", secret(1)).state());
        assertTrue(keyStore.isActive(LAMP));
    }

    @Test
    void anEnrollmentWhoseIntentCannotBeRecordedEnrollsNoKey() {
        sealer.fail = true;
        RuntimeException e = assertThrows(RuntimeException.class, () -> registry.enroll(LAMP, "alice", secret(1)));
        assertTrue(e.getMessage().contains("nothing was enrolled"), e.getMessage());
        assertEquals(List.of(), keyStore.things());
        assertEquals(List.of(), keyChanges);
    }

    /** The registry's files as a crash leaves them between recording an enrollment's intent and its thing. */
    private void recordEnrollIntent(ThingId id) throws StoreException {
        try (RecordStore store = RecordStore.open(dir, ThingRegistryCore.STORE_NAME, sealer, r -> { })) {
            store.append(RegistryRecords.enrollIntent(id, true));
        }
    }

    @Test
    void anEnrollmentACrashCutShortIsDiscardedOnceAtStartAndTheOperatorIsTold() throws Exception {
        byte[] root = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        registry.close();
        // the crash: the intent recorded, the keystore enrolled, the thing never recorded
        recordEnrollIntent(LAMP);
        keyStore.enroll(LAMP, RootCredential.secret(root));
        // a group's epoch keys live under an id the registry does not know either, and are in use
        ThingId group = ThingId.of("offload-group:kitchen");
        keyStore.enroll(group, secret(2));
        keyStore.storeKey(group, Layer.APPLICATION, "group-epoch-1", new byte[16]);
        // a ZigBee network key holder enrolled by its own bundle while the registry starts: not used yet
        ThingId network = ThingId.of("zigbee-network-1");
        keyStore.enroll(network, secret(3));
        registry = reopen();

        assertEquals(List.of(group, network), keyStore.things(),
                "the cut-short enrollment's keys are gone; keys of ids with no recorded intent stay, used or not");
        assertTrue(keyStore.isActive(group));
        assertTrue(keyStore.isActive(network));
        assertEquals(Optional.empty(), registry.find(LAMP));
        List<String> notes = registry.startNotes();
        assertEquals(1, notes.size(), notes.toString());
        String note = notes.get(0);
        assertTrue(note.startsWith("Thing lamp-kitchen-1: its enrollment was cut short"), note);
        assertTrue(note.contains("discarded") && note.contains("is not enrolled"), note);
        assertTrue(note.contains("secret file") && note.contains("--secret-file"), "what became of the file: " + note);
        assertFalse(note.toLowerCase(java.util.Locale.ROOT).contains("00112233445566"), "never the secret");

        registry.close();
        registry = reopen();
        assertEquals(List.of(), registry.startNotes(), "the second start has nothing to say");
        assertEquals(List.of(group, network), keyStore.things());

        // the secret file kept from the cut-short command enrolls the thing
        assertEquals(LifecycleState.MANUFACTURED,
                registry.enroll(LAMP, "alice", RootCredential.secret(root)).state());
        assertTrue(keyStore.isActive(LAMP));
    }

    @Test
    void anEnrollmentACrashCutShortBeforeTheKeystoreIsReportedOnce() throws Exception {
        registry.close();
        recordEnrollIntent(LAMP);
        registry = reopen();
        assertEquals(List.of(), keyStore.things());
        List<String> notes = registry.startNotes();
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).contains("cut short before the keystore took its keys"), notes.get(0));
        registry.close();
        registry = reopen();
        assertEquals(List.of(), registry.startNotes());
    }

    @Test
    void aLostRegistryDiscardsNoKeysOfEnrolledThings() throws Exception {
        // enrolled, never connected: the keys are unused, exactly like those of an enrollment a crash cut short
        registry.enroll(LAMP, "alice", secret(1));
        ThingId plug = ThingId.of("plug-1");
        registry.enroll(plug, "alice", secret(2));
        registry.close();
        // the registry directory is lost or replaced (a restored backup, a misconfigured registryDirectory)
        dir = tmp.resolve("registry-elsewhere");
        registry = reopen();

        assertEquals(List.of(LAMP, plug), keyStore.things());
        assertTrue(keyStore.isActive(LAMP) && keyStore.isActive(plug), "nobody's keys discarded");
        assertEquals(List.of(), registry.startNotes());
    }

    @Test
    void aDamagedRegistryRefusesToStartAndDiscardsNoKeys() throws Exception {
        registry.enroll(ThingId.of("plug-1"), "alice", secret(2));
        registry.close();
        // a crash cut an enrollment short, and the registry's files are damaged besides
        recordEnrollIntent(LAMP);
        keyStore.enroll(LAMP, secret(1));
        Path journal = dir.resolve(ThingRegistryCore.STORE_NAME + ".journal");
        byte[] bytes = Files.readAllBytes(journal);
        bytes[bytes.length - 40] ^= 0x01;
        Files.write(journal, bytes);

        assertThrows(StoreCorruptedException.class, this::reopen);
        assertEquals(List.of(LAMP, ThingId.of("plug-1")), keyStore.things());
        assertTrue(keyStore.isActive(LAMP), "a damaged registry decides nothing about any key");
        registry = null;
    }

    @Test
    void anEnrollmentACrashLeftInTheKeystoreAloneIsDiscardedWhenTheThingIsEnrolledAgain() throws Exception {
        // the crash: the keystore enrolled, the registry record was never written
        keyStore.enroll(LAMP, secret(1));
        registry.close();
        registry = reopen();
        assertEquals(Optional.empty(), registry.find(LAMP));
        assertEquals(LifecycleState.MANUFACTURED, registry.enroll(LAMP, "alice", secret(1)).state(),
                "the retry with the same credential succeeds");
        assertTrue(keyStore.isActive(LAMP));

        // keys that were used are not discarded: the enrollment is refused as before
        ThingId used = ThingId.of("used-1");
        keyStore.enroll(used, secret(2));
        key(used, Layer.LINK);
        assertThrows(DuplicateThingException.class, () -> registry.enroll(used, "alice", secret(3)));
        assertTrue(keyStore.isActive(used));
        assertEquals(Optional.empty(), registry.find(used));
    }

    @Test
    void aReCommissioningACrashLeftInTheKeystoreIsDiscardedAtStart() throws Exception {
        thingIn(LAMP, LifecycleState.DECOMMISSIONED);
        KeyMetadata revoked = keyStore.metadata(LAMP);
        keyStore.enroll(LAMP, secret(2)); // the crash: fresh keys enrolled, the registry record never written
        registry.close();
        registry = reopen();
        assertEquals(LifecycleState.DECOMMISSIONED, registry.get(LAMP).state());
        assertEquals(revoked, keyStore.metadata(LAMP), "the unused fresh keys went, the revoked record is back");
        assertEquals("bob", registry.recommission(LAMP, "bob", secret(2)).owner(), "the same fresh credential works");
        assertTrue(keyStore.isActive(LAMP));
    }

    @Test
    void failedWriteOfATransitionChangesNoState() throws StoreException {
        thingIn(LAMP, LifecycleState.OPERATIONAL);
        int events = sink.count();
        sealer.fail = true;
        List<String> changes = List.copyOf(keyChanges);
        assertThrows(RuntimeException.class, () -> registry.transition(LAMP, Transition.MAINTAIN));
        assertEquals(LifecycleState.OPERATIONAL, registry.get(LAMP).state());
        assertEquals(events, sink.count());
        assertEquals(changes, keyChanges);
        sealer.fail = false;
        registry.close();
        registry = reopen();
        assertEquals(LifecycleState.OPERATIONAL, registry.get(LAMP).state());
    }

    @Test
    void failedWriteOfARecommissionDiscardsTheFreshKeys() {
        thingIn(LAMP, LifecycleState.DECOMMISSIONED);
        KeyMetadata revoked = keyStore.metadata(LAMP);
        sealer.fail = true;
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> registry.recommission(LAMP, "bob", secret(2)));
        assertTrue(e.getMessage().contains("its enrollment in the keystore was discarded"), e.getMessage());
        assertEquals(LifecycleState.DECOMMISSIONED, registry.get(LAMP).state());
        assertEquals("owner of lamp-kitchen-1", registry.get(LAMP).owner());
        assertRevoked(LAMP);
        assertEquals(revoked, keyStore.metadata(LAMP), "the keystore is back to the decommissioned thing's record");
        sealer.fail = false;
        // The fresh root was never used: it can be given again.
        assertEquals("bob", registry.recommission(LAMP, "bob", secret(2)).owner());
        assertTrue(keyStore.isActive(LAMP));
    }

    @Test
    void aRebootstrapWhoseRecordFailsAfterTheRotationIsCompletedAtTheNextStart() throws StoreException {
        thingIn(LAMP, LifecycleState.MAINTENANCE);
        failWritesAfterRotation = true;
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> registry.transition(LAMP, Transition.REBOOTSTRAP));
        assertTrue(e.getMessage().contains("the next start completes the rebootstrap"), e.getMessage());
        assertEquals(2, generation(LAMP, Layer.LINK), "the keys were rotated");
        failWritesAfterRotation = false;
        sealer.fail = false;
        registry.close();
        int events = sink.count();

        registry = reopen();
        assertEquals(LifecycleState.BOOTSTRAPPING, registry.get(LAMP).state(), "the start completed it");
        List<JournalEntry> history = registry.journal(LAMP);
        assertEquals("REBOOTSTRAP", history.get(history.size() - 1).transition());
        for (Layer layer : Layer.values()) {
            assertEquals(2, generation(LAMP, layer), "rotated once, not again: " + layer);
        }
        assertEquals(events + 1, sink.count());
        assertEquals(TrustHubEvents.lifecycleTopic(Transition.REBOOTSTRAP), sink.last().topic());
        registry.close();
        registry = reopen();
        assertEquals(LifecycleState.BOOTSTRAPPING, registry.get(LAMP).state());
        assertEquals(2, generation(LAMP, Layer.LINK));
        assertEquals(events + 1, sink.count(), "completed once");
    }

    @Test
    void aRebootstrapThatCannotRecordItsIntentRotatesNothing() throws StoreException {
        thingIn(LAMP, LifecycleState.MAINTENANCE);
        List<String> changes = List.copyOf(keyChanges);
        sealer.fail = true;
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> registry.transition(LAMP, Transition.REBOOTSTRAP));
        assertTrue(e.getMessage().contains("no key was rotated"), e.getMessage());
        assertEquals(changes, keyChanges);
        assertEquals(1, generation(LAMP, Layer.LINK));
        sealer.fail = false;
        registry.close();
        registry = reopen();
        assertEquals(LifecycleState.MAINTENANCE, registry.get(LAMP).state());
        assertEquals(1, generation(LAMP, Layer.LINK));
    }

    @Test
    void aRebootstrapWhoseRotationFailsIsAbandoned() throws Exception {
        thingIn(LAMP, LifecycleState.MAINTENANCE);
        keyStore.close(); // the rotation fails after the intent is recorded
        assertThrows(IllegalStateException.class, () -> registry.transition(LAMP, Transition.REBOOTSTRAP));
        registry.close();
        keyStore = openKeyStore(keysDir);
        registry = reopen();
        assertEquals(LifecycleState.MAINTENANCE, registry.get(LAMP).state(), "an abandoned rebootstrap stays so");
        assertEquals(1, generation(LAMP, Layer.LINK));
    }

    @Test
    void aRebootstrapCutShortBeforeItsRotationRotatesAtTheNextStart() throws Exception {
        thingIn(LAMP, LifecycleState.MAINTENANCE);
        registry.close();
        // the rotation fails after the intent is recorded, and so does the record abandoning it: as a crash
        // right after the intent
        FileThingKeyStore real = keyStore;
        ThingKeyStore failingRotation = (ThingKeyStore) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ThingKeyStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("rotateAll")) {
                        throw new IllegalStateException("simulated crash before the rotation");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        registry = new ThingRegistryCore(dir, failingRotation, sink, clock, sealer);
        sealer.sealsBeforeFailing = 1;
        assertThrows(IllegalStateException.class, () -> registry.transition(LAMP, Transition.REBOOTSTRAP));
        assertEquals(1, generation(LAMP, Layer.LINK));
        sealer.fail = false;
        registry.close();
        registry = reopen();
        assertEquals(LifecycleState.BOOTSTRAPPING, registry.get(LAMP).state());
        for (Layer layer : Layer.values()) {
            assertEquals(2, generation(LAMP, layer), layer + " rotated by the start");
        }
    }

    @Test
    void decommissionRevokesKeysBeforeTheStateIsWritten() throws StoreException {
        thingIn(LAMP, LifecycleState.OPERATIONAL);
        // The write fails after the revocation: a crash between the two, seen from the next start.
        sealer.fail = true;
        assertThrows(RuntimeException.class, () -> registry.transition(LAMP, Transition.DECOMMISSION));
        assertRevoked(LAMP); // keys went first
        assertEquals(LifecycleState.OPERATIONAL, registry.get(LAMP).state());
        sealer.fail = false;
        registry.close();
        int events = sink.count();

        registry = reopen();
        Thing reconciled = registry.get(LAMP);
        assertEquals(LifecycleState.DECOMMISSIONED, reconciled.state(), "reconcile completed the decommission");
        JournalEntry last = registry.journal(LAMP).get(registry.journal(LAMP).size() - 1);
        assertEquals("DECOMMISSION", last.transition());
        assertEquals(LifecycleState.OPERATIONAL, last.from());
        assertEquals(events + 1, sink.count());
        assertEquals(TrustHubEvents.lifecycleTopic(Transition.DECOMMISSION), sink.last().topic());

        registry.close();
        registry = reopen();
        assertEquals(LifecycleState.DECOMMISSIONED, registry.get(LAMP).state(), "the completion is durable");
        assertEquals(events + 1, sink.count(), "and done once");
    }

    @Test
    void reconcileLeavesThingsWithActiveOrMissingKeysAlone() throws Exception {
        thingIn(LAMP, LifecycleState.OPERATIONAL);
        Path backup = TestSupport.copyStore(keysDir, tmp.resolve("keys-backup"));
        ThingId other = ThingId.of("sensor-2");
        thingIn(other, LifecycleState.BOOTSTRAPPING);
        // A keystore restored from a backup older than the sensor must not cost the registry the sensor's state.
        restartWithKeyStore(backup);
        assertEquals(List.of(LAMP), keyStore.things());
        assertEquals(LifecycleState.OPERATIONAL, registry.get(LAMP).state());
        assertTrue(keyStore.isActive(LAMP));
        assertEquals(LifecycleState.BOOTSTRAPPING, registry.get(other).state());
        // decommissioning a thing the keystore does not know still works: there is nothing left to revoke
        assertEquals(LifecycleState.DECOMMISSIONED, registry.transition(other, Transition.DECOMMISSION).state());
    }

    @Test
    void recommissionRevokesKeysAStaleKeystoreStillHolds() throws Exception {
        registry.enroll(LAMP, "alice", secret(1));
        byte[] oldKey = key(LAMP, Layer.LINK);
        Path backup = TestSupport.copyStore(keysDir, tmp.resolve("keys-backup"));
        registry.transition(LAMP, Transition.DECOMMISSION);
        restartWithKeyStore(backup); // a keystore restored from a backup in which the keys still work
        assertTrue(Arrays.equals(oldKey, key(LAMP, Layer.LINK)), "the restored keystore has the old keys");
        keyChanges.clear();

        Thing back = registry.recommission(LAMP, "bob", secret(2));
        assertEquals(LifecycleState.BOOTSTRAPPING, back.state());
        assertEquals(List.of("REVOKED lamp-kitchen-1", "ENROLLED lamp-kitchen-1"), keyChanges);
        assertFalse(Arrays.equals(oldKey, key(LAMP, Layer.LINK)), "the old root is gone");
    }

    @Test
    void eventsCarryTheTransition() {
        registry.enroll(LAMP, "alice", secret(1));
        Published enrolled = sink.last();
        assertEquals(TrustHubEvents.LIFECYCLE_ENROLLED, enrolled.topic());
        assertEquals(Map.of(TrustHubEvents.THING, "lamp-kitchen-1", TrustHubEvents.TO_STATE, "MANUFACTURED",
                TrustHubEvents.OWNER, "alice", TrustHubEvents.TIMESTAMP,
                registry.get(LAMP).changed().toEpochMilli()), enrolled.properties());

        Thing after = registry.transition(LAMP, Transition.BOOTSTRAP);
        Published boot = sink.last();
        assertEquals("org/trusthub/lifecycle/BOOTSTRAP", boot.topic());
        assertEquals(Map.of(TrustHubEvents.THING, "lamp-kitchen-1", TrustHubEvents.FROM_STATE, "MANUFACTURED",
                TrustHubEvents.TO_STATE, "BOOTSTRAPPING", TrustHubEvents.TRANSITION, "BOOTSTRAP",
                TrustHubEvents.OWNER, "alice", TrustHubEvents.TIMESTAMP, after.changed().toEpochMilli()),
                boot.properties());

        registry.transition(LAMP, Transition.DECOMMISSION);
        registry.recommission(LAMP, "bob", secret(2));
        Published re = sink.last();
        assertEquals("org/trusthub/lifecycle/RECOMMISSION", re.topic());
        assertEquals("DECOMMISSIONED", re.properties().get(TrustHubEvents.FROM_STATE));
        assertEquals("BOOTSTRAPPING", re.properties().get(TrustHubEvents.TO_STATE));
        assertEquals("bob", re.properties().get(TrustHubEvents.OWNER));
        assertEquals(4, sink.count());
    }

    @Test
    void eventsFollowDurability() throws StoreException {
        // At each event, copy the store's files and read the copy with a second registry: the change the event
        // announces must already be there. (The live store is locked, hence the copy.)
        List<LifecycleState> seenOnDisk = new ArrayList<>();
        LifecycleEventSink copyAndRead = (topic, props) -> {
            Path copy = dir.resolveSibling(dir.getFileName() + "-at-event-" + seenOnDisk.size());
            try {
                TestSupport.copyStore(dir, copy);
                try (ThingRegistryCore reader = new ThingRegistryCore(copy, keyStore, LifecycleEventSink.NONE,
                        clock)) {
                    seenOnDisk.add(reader.get(ThingId.of(String.valueOf(props.get(TrustHubEvents.THING)))).state());
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        registry.close();
        registry = new ThingRegistryCore(dir, keyStore, copyAndRead, clock, sealer);
        registry.enroll(LAMP, "alice", secret(1));
        registry.transition(LAMP, Transition.BOOTSTRAP);
        assertEquals(List.of(LifecycleState.MANUFACTURED, LifecycleState.BOOTSTRAPPING), seenOnDisk);
    }

    @Test
    void failingEventChannelDoesNotUndoADurableChange() throws StoreException {
        registry.close();
        registry = new ThingRegistryCore(dir, keyStore, (topic, props) -> {
            throw new IllegalStateException("EventAdmin is gone");
        }, clock, sealer);
        assertEquals(LifecycleState.MANUFACTURED, registry.enroll(LAMP, "alice", secret(1)).state());
        assertTrue(keyStore.isActive(LAMP));
        assertEquals(LifecycleState.BOOTSTRAPPING, registry.transition(LAMP, Transition.BOOTSTRAP).state());
    }

    @Test
    void listIsOrderedById() {
        registry.enroll(ThingId.of("zeta"), "z", secret(1));
        registry.enroll(ThingId.of("alpha"), "a", secret(1));
        registry.enroll(ThingId.of("mid"), "m", secret(1));
        assertEquals(List.of("alpha", "mid", "zeta"), registry.list().stream().map(t -> t.id().value()).toList());
    }

    @Test
    void historyKeepsTheLastEntriesAndCompactionKeepsEverything() throws Exception {
        thingIn(LAMP, LifecycleState.OPERATIONAL);
        ThingId other = ThingId.of("sensor-2");
        thingIn(other, LifecycleState.MANUFACTURED);
        // Enough changes to grow the journal past the compaction threshold several times.
        for (int i = 0; i < 1500; i++) {
            registry.transition(LAMP, Transition.MAINTAIN);
            registry.transition(LAMP, Transition.RESUME);
        }
        // 3000 change records of ~100 bytes each: only compaction keeps the journal this small.
        assertTrue(Files.exists(dir.resolve("registry.snapshot")), "compaction wrote a snapshot");
        assertTrue(Files.size(dir.resolve("registry.journal")) < 3000 * 50, "compaction started a new journal");
        List<JournalEntry> history = registry.journal(LAMP);
        assertEquals(ThingRegistryCore.JOURNAL_LIMIT, history.size());
        assertEquals("RESUME", history.get(history.size() - 1).transition());
        assertEquals("MAINTAIN", history.get(0).transition());
        Thing lamp = registry.get(LAMP);

        registry.close();
        registry = reopen();
        assertEquals(lamp, registry.get(LAMP));
        assertEquals(history, registry.journal(LAMP));
        assertEquals(LifecycleState.MANUFACTURED, registry.get(other).state());
        assertEquals(List.of("ENROLL"), registry.journal(other).stream().map(JournalEntry::transition).toList());
    }

    @Test
    void tamperedStoreIsRefusedNotGuessed() throws Exception {
        registry.enroll(LAMP, "alice", secret(1));
        registry.close();
        Path journal = dir.resolve("registry.journal");
        byte[] bytes = Files.readAllBytes(journal);
        int at = indexOf(bytes, "alice".getBytes());
        bytes[at] = 'm';
        Files.write(journal, bytes);
        assertThrows(StoreCorruptedException.class, this::reopen);
    }

    @Test
    void closedRegistryRefusesChanges() {
        registry.close();
        assertThrows(IllegalStateException.class, () -> registry.enroll(LAMP, "alice", secret(1)));
        assertEquals(List.of(), keyChanges);
        assertEquals(List.of(), keyStore.things());
    }

    @Test
    void unreadableStoreFailsClearly(@TempDir Path other) throws Exception {
        Path file = other.resolve("not-a-directory");
        Files.writeString(file, "x");
        assertThrows(StoreException.class, () -> new ThingRegistryCore(file, keyStore, sink, clock));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
