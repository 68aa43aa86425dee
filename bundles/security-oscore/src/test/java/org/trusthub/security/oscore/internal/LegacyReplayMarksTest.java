package org.trusthub.security.oscore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

import org.eclipse.californium.oscore.OSCoreCtx;
import org.eclipse.californium.oscore.OSException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.oscore.OscoreIds;
import org.trusthub.storage.ChecksumSealer;
import org.trusthub.storage.RecordStore;

/**
 * A hub upgraded from a version that kept OSCORE replay marks in a store of its own
 * ({@code data/trusthub/oscore/oscore-replay.*}): the marks reach the keystore once at start, so a message recorded
 * before the upgrade stays a replay, and never lower a keystore mark.
 */
class LegacyReplayMarksTest {
    @TempDir
    Path dir;
    FileThingKeyStore keys;
    ThingRegistryCore registry;
    OscoreComponent oscore;
    Path old;

    @BeforeEach
    void open() throws Exception {
        keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keys, LifecycleEventSink.NONE, Clock.systemUTC());
        old = LegacyReplayMarks.defaultDirectory(dir.resolve("data").toString());
    }

    @AfterEach
    void close() {
        if (oscore != null) {
            oscore.deactivate();
        }
        registry.close();
        keys.close();
    }

    private ThingId operational(String id) {
        ThingId thing = ThingId.of(id);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        registry.enroll(thing, "tester", RootCredential.secret(secret));
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
        return thing;
    }

    private byte[] oldTagOf(ThingId thing) {
        DerivedKey key = OscoreIds.masterSecret(keys, thing);
        try {
            return LegacyReplayMarks.tag(key.bytes());
        } finally {
            key.destroy();
        }
    }

    /** A record exactly as the earlier version wrote it: kind 1, thing id, 8-byte tag, mark. */
    private static byte[] oldRecord(int kind, String thing, byte[] tag, long mark) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(kind);
            out.writeUTF(thing);
            out.write(tag);
            out.writeLong(mark);
        }
        return bytes.toByteArray();
    }

    private void writeOldStore(byte[]... records) throws Exception {
        try (RecordStore store = RecordStore.open(old, LegacyReplayMarks.STORE_NAME, ChecksumSealer.INSTANCE, r -> {
        })) {
            for (byte[] r : records) {
                store.append(r);
            }
        }
    }

    private long keystoreMark(ThingId thing) {
        DerivedKey key = OscoreIds.masterSecret(keys, thing);
        try {
            return keys.replayMark(key, ThingContextDb.markName(OscoreIds.thingSenderId(thing)));
        } finally {
            key.destroy();
        }
    }

    private void raiseKeystoreMark(ThingId thing, long mark) {
        DerivedKey key = OscoreIds.masterSecret(keys, thing);
        try {
            assertTrue(keys.advanceReplayMark(key, ThingContextDb.markName(OscoreIds.thingSenderId(thing)), mark));
        } finally {
            key.destroy();
        }
    }

    private OscoreComponent start() {
        if (oscore != null) {
            oscore.deactivate();
        }
        oscore = new OscoreComponent(keys, registry, old);
        return oscore;
    }

    private OSCoreCtx contextOf(ThingId thing) {
        return oscore.database().getContext(OscoreIds.thingSenderId(thing));
    }

    private Path oldFile(String ext) {
        return old.resolve(LegacyReplayMarks.STORE_NAME + ext);
    }

    @Test
    void aMarkTheEarlierVersionRecordedKeepsRecordedMessagesReplaysAndTheImportRunsOnce() throws Exception {
        ThingId lamp = operational("lamp-old");
        ThingId rotated = operational("lamp-rotated");
        byte[] rotatedTag = oldTagOf(rotated);
        keys.rotate(rotated, org.trusthub.api.keystore.Layer.APPLICATION);
        // An earlier mark of the lamp, replaced by a later record; a thing the keystore no longer knows.
        writeOldStore(oldRecord(1, "lamp-old", oldTagOf(lamp), 7), oldRecord(1, "lamp-old", oldTagOf(lamp), 40),
                oldRecord(1, "lamp-rotated", rotatedTag, 90), oldRecord(1, "gone", new byte[8], 12));

        LegacyReplayMarks.Outcome first = start().legacyImport();

        // What the OSCORE stack asks of the context before it decrypts a message: at or below the old mark, a replay.
        OSCoreCtx ctx = contextOf(lamp);
        assertThrows(OSException.class, () -> ctx.checkIncomingSeq(40), "recorded before the upgrade: a replay");
        assertThrows(OSException.class, () -> ctx.checkIncomingSeq(0), "recorded before the upgrade: a replay");
        ctx.checkIncomingSeq(41);
        assertEquals(40, keystoreMark(lamp));
        assertEquals(-1, keystoreMark(rotated), "a mark of replaced keys is not carried over");
        assertEquals(new LegacyReplayMarks.Outcome(true, 1, 2, 0, 0, false, true), first);
        assertFalse(Files.exists(oldFile(".journal")));
        assertTrue(Files.exists(oldFile(".journal" + LegacyReplayMarks.IMPORTED_SUFFIX)));

        assertEquals(LegacyReplayMarks.Outcome.NOTHING, start().legacyImport(), "imported once");
        assertEquals(40, keystoreMark(lamp));
    }

    @Test
    void anOldMarkBelowTheKeystoresLowersNothing() throws Exception {
        ThingId lamp = operational("lamp-ahead");
        raiseKeystoreMark(lamp, 100);
        writeOldStore(oldRecord(1, "lamp-ahead", oldTagOf(lamp), 40));

        assertTrue(start().legacyImport().complete());

        assertEquals(100, keystoreMark(lamp));
    }

    @Test
    void aDamagedOldStoreIsLeftInPlaceAndLowersNothing() throws Exception {
        ThingId lamp = operational("lamp-damaged");
        raiseKeystoreMark(lamp, 5);
        writeOldStore(oldRecord(1, "lamp-damaged", oldTagOf(lamp), 40), oldRecord(1, "lamp-damaged",
                oldTagOf(lamp), 41));
        byte[] journal = Files.readAllBytes(oldFile(".journal"));
        // A bit flip inside the first record: not a torn tail, so the store refuses to open.
        journal[journal.length / 2] ^= 0x10;
        Files.write(oldFile(".journal"), journal);

        LegacyReplayMarks.Outcome outcome = start().legacyImport();

        assertTrue(outcome.unreadable());
        assertFalse(outcome.renamed());
        assertEquals(5, keystoreMark(lamp));
        assertTrue(Files.exists(oldFile(".journal")), "left for the next start and the operator");
        assertTrue(contextOf(lamp) != null, "OSCORE still serves");
    }

    @Test
    void anUndecodableRecordKeepsTheFilesForTheNextStartAndTheRestIsImported() throws Exception {
        ThingId lamp = operational("lamp-partial");
        writeOldStore(oldRecord(9, "lamp-partial", oldTagOf(lamp), 99), oldRecord(1, "lamp-partial",
                oldTagOf(lamp), 40), new byte[] {1, 0});

        LegacyReplayMarks.Outcome outcome = start().legacyImport();

        assertEquals(new LegacyReplayMarks.Outcome(true, 1, 0, 2, 0, false, false), outcome);
        assertEquals(40, keystoreMark(lamp));
        assertTrue(Files.exists(oldFile(".journal")));
        // The next start finds them again; importing again changes nothing.
        assertEquals(outcome, start().legacyImport());
        assertEquals(40, keystoreMark(lamp));
    }

    @Test
    void theOldSettingIsFollowedWhenStillConfiguredElseTheDataFolder() {
        assertEquals(Path.of("/data/trusthub/oscore"), OscoreComponent.legacyDirectory("/data", Map.of()));
        assertEquals(Path.of("/srv/marks"),
                OscoreComponent.legacyDirectory("/data", Map.of(OscoreComponent.LEGACY_STATE_DIRECTORY, " /srv/marks")));
        assertEquals(null, OscoreComponent.legacyDirectory(null, null));
    }
}
