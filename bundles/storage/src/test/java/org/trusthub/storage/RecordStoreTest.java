package org.trusthub.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordStoreTest {

    private static final byte[] KEY = new byte[32];
    private static final byte[] OTHER_KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 7);
        Arrays.fill(OTHER_KEY, (byte) 9);
    }

    @TempDir
    Path dir;

    private final List<String> replayed = new ArrayList<>();

    private RecordStore open(byte[] key) throws StoreException {
        replayed.clear();
        return RecordStore.open(dir, "test", new AesGcmSealer(key), r -> replayed.add(new String(r, UTF_8)));
    }

    private RecordStore open() throws StoreException {
        return open(KEY);
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private Path journal() {
        return dir.resolve("test.journal");
    }

    private Path snapshot() {
        return dir.resolve("test.snapshot");
    }

    @Test
    void appendedRecordsAreReplayedInOrderAfterReopen() throws Exception {
        try (RecordStore store = open()) {
            assertEquals(List.of(), replayed);
            store.append(b("one"));
            store.appendAll(List.of(b("two"), b("three")));
            assertEquals(3, store.journalRecords());
        }
        try (RecordStore store = open()) {
            assertEquals(List.of("one", "two", "three"), replayed);
            store.append(b("four"));
        }
        try (RecordStore store = open()) {
            assertEquals(List.of("one", "two", "three", "four"), replayed);
        }
    }

    @Test
    void recordsAreNotStoredInPlainText() throws Exception {
        try (RecordStore store = open()) {
            store.append(b("a-very-recognisable-secret-value"));
        }
        String raw = new String(Files.readAllBytes(journal()), UTF_8);
        assertFalse(raw.contains("recognisable"), "journal holds the record in plain text");
    }

    @Test
    void compactionReplacesTheContentAndLaterAppendsFollowIt() throws Exception {
        try (RecordStore store = open()) {
            store.append(b("old-1"));
            store.append(b("old-2"));
            store.compact(List.of(b("state-a"), b("state-b")));
            assertEquals(0, store.journalRecords());
            assertTrue(store.snapshotBytes() > 0);
            store.append(b("after"));
        }
        try (RecordStore store = open()) {
            assertEquals(List.of("state-a", "state-b", "after"), replayed);
            store.compact(List.of(b("second")));
        }
        try (RecordStore store = open()) {
            assertEquals(List.of("second"), replayed);
        }
    }

    @Test
    void anIncompleteLastRecordIsTrimmedAsAnUnacknowledgedWrite() throws Exception {
        try (RecordStore store = open()) {
            store.append(b("kept-1"));
            store.append(b("kept-2"));
            store.append(b("torn"));
        }
        long size = Files.size(journal());
        truncate(journal(), size - 5);
        try (RecordStore store = open()) {
            assertEquals(List.of("kept-1", "kept-2"), replayed);
            store.append(b("next"));
        }
        try (RecordStore store = open()) {
            assertEquals(List.of("kept-1", "kept-2", "next"), replayed);
        }
    }

    @Test
    void aZeroFilledTailIsTrimmedAsAnUnacknowledgedWrite() throws Exception {
        try (RecordStore store = open()) {
            store.append(b("kept"));
        }
        Files.write(journal(), new byte[300], StandardOpenOption.APPEND);
        try (RecordStore store = open()) {
            assertEquals(List.of("kept"), replayed);
        }
        try (RecordStore store = open()) {
            assertEquals(List.of("kept"), replayed);
        }
    }

    @Test
    void aBitFlipInTheJournalIsRefusedAndTheFileIsLeftAsFound() throws Exception {
        try (RecordStore store = open()) {
            store.append(b("first"));
            store.append(b("second"));
            store.append(b("third"));
        }
        byte[] original = Files.readAllBytes(journal());
        byte[] damaged = original.clone();
        damaged[damaged.length / 2] ^= 0x10;
        Files.write(journal(), damaged);
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, this::open);
        assertTrue(e.getMessage().contains("test.journal"), e.getMessage());
        assertTrue(e.getMessage().contains("fails authentication"), e.getMessage());
        assertArrayEquals(damaged, Files.readAllBytes(journal()), "a refused store must not be rewritten");
    }

    @Test
    void aBitFlipInTheLastJournalRecordIsTamperingNotATornWrite() throws Exception {
        try (RecordStore store = open()) {
            store.append(b("first"));
            store.append(b("last"));
        }
        byte[] damaged = Files.readAllBytes(journal());
        damaged[damaged.length - 3] ^= 0x01;
        Files.write(journal(), damaged);
        assertThrows(StoreCorruptedException.class, this::open);
    }

    @Test
    void aBitFlipInAnyByteOfARecordLengthIsRefusedNotTrimmed() throws Exception {
        try (RecordStore store = open()) {
            store.append(b("first"));
            store.append(b("second"));
        }
        byte[] original = Files.readAllBytes(journal());
        int firstFrame = original.length - 2 * (8 + 12 + 6 + 16) + 1; // "second" is one byte longer than "first"
        for (int i = 0; i < 8; i++) {
            byte[] damaged = original.clone();
            damaged[firstFrame + i] ^= 0x01;
            Files.write(journal(), damaged);
            StoreCorruptedException e = assertThrows(StoreCorruptedException.class, this::open, "byte " + i);
            assertTrue(e.getMessage().contains("length fails its check"), e.getMessage());
            assertArrayEquals(damaged, Files.readAllBytes(journal()));
        }
    }

    @Test
    void swappedJournalRecordsAreRefused() throws Exception {
        try (RecordStore store = open()) {
            store.append(b("AAAA"));
            store.append(b("BBBB"));
        }
        byte[] content = Files.readAllBytes(journal());
        int frame = 8 + 12 + 4 + 16; // length and its check, nonce, 4-byte record, tag
        int first = content.length - 2 * frame;
        byte[] swapped = content.clone();
        System.arraycopy(content, first + frame, swapped, first, frame);
        System.arraycopy(content, first, swapped, first + frame, frame);
        Files.write(journal(), swapped);
        assertThrows(StoreCorruptedException.class, this::open);
    }

    @Test
    void aBitFlipInTheSnapshotIsRefused() throws Exception {
        try (RecordStore store = open()) {
            store.compact(List.of(b("alpha"), b("beta"), b("gamma")));
        }
        byte[] damaged = Files.readAllBytes(snapshot());
        damaged[damaged.length - 40] ^= 0x40;
        Files.write(snapshot(), damaged);
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, this::open);
        assertTrue(e.getMessage().contains("test.snapshot"), e.getMessage());
    }

    @Test
    void aTruncatedSnapshotIsRefusedWhereverItIsCut() throws Exception {
        try (RecordStore store = open()) {
            store.compact(List.of(b("alpha"), b("beta"), b("gamma")));
        }
        byte[] original = Files.readAllBytes(snapshot());
        int frame = 8 + 12 + 8 + 16; // the trailer frame: length and its check, nonce, 8-byte count, tag
        for (int cut : new int[] {original.length - 1, original.length - frame, original.length - frame - 3, 20,
                0}) {
            Files.write(snapshot(), Arrays.copyOf(original, cut));
            StoreCorruptedException e = assertThrows(StoreCorruptedException.class, this::open, "cut at " + cut);
            assertTrue(e.getMessage().contains("truncated"), cut + ": " + e.getMessage());
        }
    }

    @Test
    void aDifferentKeyIsToldApartFromDamage() throws Exception {
        try (RecordStore store = open()) {
            store.append(b("x"));
            store.compact(List.of(b("y")));
            store.append(b("z"));
        }
        WrongKeyException e = assertThrows(WrongKeyException.class, () -> open(OTHER_KEY));
        assertTrue(e.getMessage().contains("different key"), e.getMessage());
        try (RecordStore store = open()) {
            assertEquals(List.of("y", "z"), replayed, "the wrong key must not have changed anything");
        }
    }

    @Test
    void aDamagedHeaderBesideAGoodFileIsDamageNotAWrongKey() throws Exception {
        try (RecordStore store = open()) {
            store.compact(List.of(b("y")));
        }
        byte[] damaged = Files.readAllBytes(journal());
        damaged[15] ^= 0x01; // inside the salt
        Files.write(journal(), damaged);
        assertThrows(StoreCorruptedException.class, this::open);
    }

    @Test
    void aSnapshotReplacedByAnOlderCopyIsRefused() throws Exception {
        Path old = dir.resolve("old-snapshot");
        try (RecordStore store = open()) {
            store.compact(List.of(b("v1")));
            Files.copy(snapshot(), old);
            store.compact(List.of(b("v2")));
            store.append(b("v2-change"));
        }
        Files.copy(old, snapshot(), StandardCopyOption.REPLACE_EXISTING);
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, this::open);
        assertTrue(e.getMessage().contains("older copy"), e.getMessage());
    }

    @Test
    void aCompactionInterruptedAfterTheSnapshotRenameKeepsTheNewState() throws Exception {
        Path oldJournal = dir.resolve("old-journal");
        try (RecordStore store = open()) {
            store.append(b("a"));
            store.append(b("b"));
            Files.copy(journal(), oldJournal);
            store.compact(List.of(b("a+b")));
        }
        // The crash left the new snapshot and the previous epoch's journal.
        Files.copy(oldJournal, journal(), StandardCopyOption.REPLACE_EXISTING);
        try (RecordStore store = open()) {
            assertEquals(List.of("a+b"), replayed);
            store.append(b("c"));
        }
        try (RecordStore store = open()) {
            assertEquals(List.of("a+b", "c"), replayed);
        }
    }

    @Test
    void aCompactionInterruptedBeforeTheRenameKeepsTheOldState() throws Exception {
        try (RecordStore store = open()) {
            store.append(b("a"));
        }
        // A half-written temporary snapshot from a crash is ignored and removed.
        Files.write(dir.resolve("test.snapshot.tmp"), new byte[] {1, 2, 3});
        try (RecordStore store = open()) {
            assertEquals(List.of("a"), replayed);
        }
        assertFalse(Files.exists(dir.resolve("test.snapshot.tmp")));
    }

    @Test
    void aMissingJournalBesideASnapshotIsRefused() throws Exception {
        try (RecordStore store = open()) {
            store.compact(List.of(b("a")));
        }
        Files.delete(journal());
        assertThrows(StoreCorruptedException.class, this::open);
    }

    @Test
    void aSecondOpenOfTheSameStoreIsRefusedWhileTheFirstIsOpen() throws Exception {
        try (RecordStore store = open()) {
            StoreException e = assertThrows(StoreException.class, this::open);
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
        try (RecordStore store = open()) {
            assertEquals(List.of(), replayed);
        }
    }

    @Test
    void aRecordTheCallerCannotDecodeIsReportedAsCorruption() throws Exception {
        try (RecordStore store = open()) {
            store.append(b("fine"));
            store.append(b("poison"));
        }
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class,
                () -> RecordStore.open(dir, "test", new AesGcmSealer(KEY), r -> {
                    if (new String(r, UTF_8).equals("poison")) {
                        throw new IllegalArgumentException("unknown record type 0x70");
                    }
                }));
        assertTrue(e.getMessage().contains("record 1") && e.getMessage().contains("unknown record type"),
                e.getMessage());
    }

    @Test
    void filesAndDirectoryAreOwnerOnly() throws Exception {
        Path nested = dir.resolve("nested/store");
        try (RecordStore store = RecordStore.open(nested, "test", new AesGcmSealer(KEY), r -> { })) {
            store.append(b("x"));
            store.compact(List.of(b("x")));
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(nested)));
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.resolve("test.journal"))));
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.resolve("test.snapshot"))));
    }

    @Test
    void compactionIsSuggestedOnceTheJournalOutgrowsTheSnapshot() throws Exception {
        try (RecordStore store = open()) {
            assertFalse(store.shouldCompact());
            byte[] record = new byte[1000];
            while (!store.shouldCompact()) {
                store.append(record);
            }
            assertTrue(store.journalBytes() > 64 * 1024);
            store.compact(List.of(record));
            assertFalse(store.shouldCompact());
        }
    }

    @Test
    void oversizeRecordsAndBadNamesAreRefusedWithoutChange() throws Exception {
        try (RecordStore store = open()) {
            long before = store.journalBytes();
            assertThrows(IllegalArgumentException.class,
                    () -> store.append(new byte[RecordStore.MAX_RECORD_LENGTH + 1]));
            assertEquals(before, store.journalBytes());
        }
        assertThrows(IllegalArgumentException.class,
                () -> RecordStore.open(dir, "../escape", ChecksumSealer.INSTANCE, r -> { }));
    }

    @Test
    void checksumSealerDetectsDamage() throws Exception {
        try (RecordStore store = RecordStore.open(dir, "plain", ChecksumSealer.INSTANCE, r -> { })) {
            store.append(b("registry-entry"));
        }
        Path file = dir.resolve("plain.journal");
        byte[] damaged = Files.readAllBytes(file);
        damaged[damaged.length - 40] ^= 0x01;
        Files.write(file, damaged);
        assertThrows(StoreCorruptedException.class,
                () -> RecordStore.open(dir, "plain", ChecksumSealer.INSTANCE, r -> { }));
    }

    @Test
    void aStoreSealedWithAesCannotBeOpenedAsPlain() throws Exception {
        try (RecordStore store = open()) {
            store.append(b("x"));
        }
        assertThrows(WrongKeyException.class, () -> RecordStore.open(dir, "test", ChecksumSealer.INSTANCE, r -> { }));
    }

    @Test
    void aCompactionThatCannotStartItsJournalLosesNoLaterAppend() throws Exception {
        Path blocker = dir.resolve("test.journal.tmp");
        try (RecordStore store = open()) {
            store.append(b("a"));
            Files.createDirectories(blocker.resolve("in-the-way")); // the new journal cannot be created
            StoreException e = assertThrows(StoreException.class, () -> store.compact(List.of(b("a"))));
            assertTrue(e.getMessage().contains("appends are refused"), e.getMessage());
            // the journal on disk is the previous epoch's: what it took now would be dropped at the next open
            StoreException refused = assertThrows(StoreException.class, () -> store.append(b("would-be-lost")));
            assertTrue(refused.getMessage().contains("nothing was written"), refused.getMessage());
            Files.delete(blocker.resolve("in-the-way"));
            Files.delete(blocker);
            store.append(b("b")); // retries the new journal
        }
        try (RecordStore store = open()) {
            assertEquals(List.of("a", "b"), replayed);
        }
    }

    @Test
    void leftoverTemporaryFilesDoNotBlockCompaction() throws Exception {
        try (RecordStore store = open()) {
            store.append(b("a"));
            Files.write(dir.resolve("test.snapshot.tmp"), b("left by an earlier failure"));
            Files.write(dir.resolve("test.journal.tmp"), b("left by an earlier failure"));
            store.compact(List.of(b("a")));
            store.append(b("b"));
            assertFalse(Files.exists(dir.resolve("test.snapshot.tmp")));
            assertFalse(Files.exists(dir.resolve("test.journal.tmp")));
        }
        try (RecordStore store = open()) {
            assertEquals(List.of("a", "b"), replayed);
        }
    }

    @Test
    void aLastRecordWhoseEndIsZeroFilledIsTrimmedAsATornWrite() throws Exception {
        try (RecordStore store = open()) {
            store.append(b("kept-1"));
            store.append(b("kept-2"));
            store.append(b("torn-record-with-a-longer-body-so-the-zeros-cover-only-part-of-it"));
        }
        byte[] content = Files.readAllBytes(journal());
        Arrays.fill(content, content.length - 40, content.length, (byte) 0); // the tag and some data never landed
        Files.write(journal(), content);
        try (RecordStore store = open()) {
            assertEquals(List.of("kept-1", "kept-2"), replayed);
            store.append(b("next"));
        }
        try (RecordStore store = open()) {
            assertEquals(List.of("kept-1", "kept-2", "next"), replayed);
        }
    }

    @Test
    void aHeaderCutShortByZerosIsTrimmedButZerosAfterADamagedRecordAreNot() throws Exception {
        try (RecordStore store = open()) {
            store.append(b("kept"));
        }
        long end = Files.size(journal());
        // a length written, its check and the record not: zeros from inside the frame header on
        Files.write(journal(), new byte[] {0, 0, 0, 40, 0, 0, 0, 0, 0, 0}, StandardOpenOption.APPEND);
        try (RecordStore store = open()) {
            assertEquals(List.of("kept"), replayed);
        }
        assertEquals(end, Files.size(journal()));

        try (RecordStore store = open()) {
            store.append(b("damaged"));
        }
        byte[] content = Files.readAllBytes(journal());
        content[content.length - 20] ^= 0x04; // a bit flip inside the record; its tag is intact
        byte[] withZeros = Arrays.copyOf(content, content.length + 600);
        Files.write(journal(), withZeros);
        assertThrows(StoreCorruptedException.class, this::open, "zeros after a damaged record do not excuse it");
        assertArrayEquals(withZeros, Files.readAllBytes(journal()));
    }

    @Test
    void anAppendWhosePartialRecordCannotBeTakenBackPoisonsTheStoreUntilReopened() throws Exception {
        java.lang.reflect.Field field = RecordStore.class.getDeclaredField("journal");
        field.setAccessible(true);
        try (RecordStore store = open()) {
            store.append(b("a"));
            java.nio.channels.FileChannel writable = (java.nio.channels.FileChannel) field.get(store);
            // a channel that can neither write nor truncate: the append fails and cannot be undone
            try (java.nio.channels.FileChannel readOnly = java.nio.channels.FileChannel.open(journal(),
                    StandardOpenOption.READ)) {
                field.set(store, readOnly);
                assertThrows(StoreException.class, () -> store.append(b("failed")));
                field.set(store, writable);
            }
            StoreException e = assertThrows(StoreException.class, () -> store.append(b("after")));
            assertTrue(e.getMessage().contains("refuses writes until it is reopened"), e.getMessage());
            assertThrows(StoreException.class, () -> store.compact(List.of(b("a"))));
        }
        try (RecordStore store = open()) {
            assertEquals(List.of("a"), replayed);
            store.append(b("b"));
        }
        try (RecordStore store = open()) {
            assertEquals(List.of("a", "b"), replayed);
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

}
