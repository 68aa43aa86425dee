package org.trusthub.security.oscore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.thing.ThingId;
import org.trusthub.storage.StoreCorruptedException;

/** The durable high-water marks on their own: blocks, key binding, torn tail, damage. */
class ReplayMarksTest {
    @TempDir
    Path dir;

    final ThingId lamp = ThingId.of("lamp");
    final byte[] tag = ReplayMarks.tag(new byte[16]);

    private Path journal() {
        return dir.resolve(ReplayMarks.STORE_NAME + ".journal");
    }

    @Test
    void oneWritePerBlockAndTheMarkSurvivesAReopen() throws Exception {
        try (ReplayMarks marks = ReplayMarks.open(dir)) {
            assertTrue(marks.durable());
            assertEquals(-1, marks.floor(lamp, tag), "nothing recorded yet");
            marks.reserve(lamp, tag, 0);
            long size = Files.size(journal());
            for (int seq = 1; seq <= ReplayMarks.BLOCK; seq++) {
                marks.reserve(lamp, tag, seq);
            }
            assertEquals(size, Files.size(journal()), "numbers inside the reserved block write nothing");
            marks.reserve(lamp, tag, ReplayMarks.BLOCK + 1);
            assertTrue(Files.size(journal()) > size, "the next block is written ahead");
        }
        try (ReplayMarks again = ReplayMarks.open(dir)) {
            assertEquals(2L * ReplayMarks.BLOCK + 1, again.floor(lamp, tag));
        }
    }

    @Test
    void aMarkCountsOnlyForTheKeyItWasRecordedUnder() throws Exception {
        byte[] other = new byte[16];
        other[0] = 1;
        byte[] rotated = ReplayMarks.tag(other);
        assertNotEquals(java.util.HexFormat.of().formatHex(tag), java.util.HexFormat.of().formatHex(rotated));
        try (ReplayMarks marks = ReplayMarks.open(dir)) {
            marks.reserve(lamp, tag, 500);
            assertEquals(-1, marks.floor(lamp, rotated), "a new key starts over");
            marks.reserve(lamp, rotated, 0);
            assertEquals(-1, marks.floor(lamp, tag), "the old key's mark is gone");
        }
        try (ReplayMarks again = ReplayMarks.open(dir)) {
            assertEquals(ReplayMarks.BLOCK, again.floor(lamp, rotated));
        }
    }

    @Test
    void aTornLastWriteLeavesThePreviousMark() throws Exception {
        try (ReplayMarks marks = ReplayMarks.open(dir)) {
            marks.reserve(lamp, tag, 5);
            marks.reserve(lamp, tag, 100);
        }
        // A crash in the middle of the second write: its record is cut short. The message it was for was never
        // accepted (the mark is written before), so the first mark still covers everything accepted.
        try (RandomAccessFile f = new RandomAccessFile(journal().toFile(), "rw")) {
            f.setLength(f.length() - 3);
        }
        try (ReplayMarks again = ReplayMarks.open(dir)) {
            assertEquals(5 + ReplayMarks.BLOCK, again.floor(lamp, tag));
            again.reserve(lamp, tag, 100);
        }
        try (ReplayMarks again = ReplayMarks.open(dir)) {
            assertEquals(100 + ReplayMarks.BLOCK, again.floor(lamp, tag), "the store takes writes after the trim");
        }
    }

    @Test
    void aDamagedStoreIsRefusedRatherThanForgotten() throws Exception {
        try (ReplayMarks marks = ReplayMarks.open(dir)) {
            marks.reserve(lamp, tag, 5);
            marks.reserve(lamp, tag, 100);
        }
        byte[] bytes = Files.readAllBytes(journal());
        bytes[bytes.length - 20] ^= 0x40;
        Files.write(journal(), bytes);
        assertThrows(StoreCorruptedException.class, () -> ReplayMarks.open(dir));
    }

    @Test
    void inMemoryMarksRecordNothing() {
        try (ReplayMarks marks = ReplayMarks.inMemory()) {
            assertFalse(marks.durable());
            marks.reserve(lamp, tag, 5);
            assertEquals(-1, marks.floor(lamp, tag));
        }
    }
}
