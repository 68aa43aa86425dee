package org.trusthub.keystore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;

/** Compactions that fail half-way, or not at all, never cost an acknowledged write or leave destroyed keys behind. */
class CompactionFailureTest {

    private static final ThingId LAMP = ThingId.of("lamp-1");
    private static final ThingId PLUG = ThingId.of("plug-1");
    private static final byte[] LAMP_ROOT = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] PLUG_ROOT = HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");

    @TempDir
    Path dir;
    Fixture fx;
    FileThingKeyStore ks;

    @BeforeEach
    void open() {
        fx = new Fixture(dir);
        ks = fx.open();
    }

    @AfterEach
    void close() {
        ks.close();
    }

    /** Puts a non-empty directory where the store writes a temporary file, so that write fails. */
    private Path block(String file) throws Exception {
        Path blocker = fx.storeDir.resolve(file);
        Files.createDirectories(blocker.resolve("in-the-way"));
        return blocker;
    }

    private static void unblock(Path blocker) throws Exception {
        Files.delete(blocker.resolve("in-the-way"));
        Files.delete(blocker);
    }

    @Test
    void countersDrawnAfterACompactionLostItsJournalAreNeverRepeated(@TempDir Path crash) throws Exception {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        ks.enroll(PLUG, RootCredential.secret(PLUG_ROOT));
        long last = ks.nextCounter(LAMP, Layer.LINK, "m", Long.MAX_VALUE);
        Path blocker = block("keys.journal.tmp");
        assertTrue(ks.revoke(PLUG), "the revocation is durable before the compaction that follows it");
        // the first draws come from the reserved block and need no write; the next block must not be reserved
        // in the abandoned journal, where it would be dropped at the next start
        boolean refused = false;
        for (int i = 0; i < Fixture.DEFAULT_RESERVATION + 1 && !refused; i++) {
            try {
                last = ks.nextCounter(LAMP, Layer.LINK, "m", Long.MAX_VALUE);
            } catch (KeystoreException e) {
                refused = true;
            }
        }
        assertTrue(refused, "a reservation that could not be made durable is refused");
        unblock(blocker);
        for (int i = 0; i < Fixture.DEFAULT_RESERVATION + 1; i++) {
            last = ks.nextCounter(LAMP, Layer.LINK, "m", Long.MAX_VALUE);
        }
        try (FileThingKeyStore copy = fx.crashCopy(crash).open()) {
            assertFalse(copy.isActive(PLUG));
            long next = copy.nextCounter(LAMP, Layer.LINK, "m", Long.MAX_VALUE);
            assertTrue(next > last, next + " must be above " + last);
        }
    }

    @Test
    void aRevokedRootLeftInTheJournalByAFailedCompactionIsRemovedAtTheNextStart() throws Exception {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        ks.enroll(PLUG, RootCredential.secret(PLUG_ROOT));
        byte[] prk = Hkdf.extract("trusthub/v1 root".getBytes(StandardCharsets.UTF_8), LAMP_ROOT);
        Path blocker = block("keys.snapshot.tmp");
        assertTrue(ks.revoke(LAMP));
        assertTrue(StoreContents.contains(fx, prk), "the compaction could not run");
        ks.close();
        unblock(blocker);
        ks = fx.open();
        assertFalse(StoreContents.contains(fx, prk), "the start compacts away what the journal revoked");
        assertFalse(ks.isActive(LAMP));
        assertTrue(ks.isActive(PLUG));
        assertEquals(List.of(LAMP, PLUG), ks.things());
    }

    @Test
    void aFailedCompactionAtRevocationIsRetriedWithTheNextWrite() throws Exception {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        byte[] prk = Hkdf.extract("trusthub/v1 root".getBytes(StandardCharsets.UTF_8), LAMP_ROOT);
        Path blocker = block("keys.snapshot.tmp");
        assertTrue(ks.revoke(LAMP));
        unblock(blocker);
        ks.enroll(PLUG, RootCredential.secret(PLUG_ROOT));
        assertFalse(StoreContents.contains(fx, prk), "the pending compaction ran with the next write");
    }

    @Test
    void theJournalIsCompactedOnceItOutgrowsTheSnapshot() throws Exception {
        ks.close();
        ks = fx.open(1); // every counter value is a write
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        Path journal = fx.storeDir.resolve("keys.journal");
        long largest = 0;
        for (int i = 0; i < 1500; i++) {
            assertEquals(i, ks.nextCounter(LAMP, Layer.LINK, "m", Long.MAX_VALUE));
            largest = Math.max(largest, Files.size(journal));
        }
        // 1500 marks of ~90 bytes are ~130 KiB; the store compacts past 64 KiB once the journal outgrows the snapshot
        assertTrue(largest < 70 * 1024, "journal grew to " + largest + " bytes");
        ks.close();
        ks = fx.open(1);
        assertEquals(1500, ks.nextCounter(LAMP, Layer.LINK, "m", Long.MAX_VALUE));
    }
}
