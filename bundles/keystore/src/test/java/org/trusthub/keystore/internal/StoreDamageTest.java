package org.trusthub.keystore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trusthub.keystore.internal.FileThingKeyStoreTest.assertFilesEqual;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.storage.StoreCorruptedException;
import org.trusthub.storage.WrongKeyException;

/**
 * A wrong or unsafe master key and damaged store files stop the keystore with an error naming the file, and leave
 * every file as it was found.
 */
class StoreDamageTest {

    private static final ThingId LAMP = ThingId.of("lamp-1");
    private static final ThingId PLUG = ThingId.of("plug-1");
    // journal header: magic 4, version 1, epoch 8, salt 16, key check length 1, key check 16
    private static final int JOURNAL_HEADER = 46;

    @TempDir
    Path dir;
    Fixture fx;
    byte[] rootSecret = new byte[32];

    @BeforeEach
    void populate() {
        new SecureRandom().nextBytes(rootSecret);
        fx = new Fixture(dir);
        try (FileThingKeyStore ks = fx.open()) {
            ks.enroll(LAMP, RootCredential.secret(rootSecret));
            ks.compact(); // LAMP in the snapshot
            ks.enroll(PLUG, RootCredential.secret(rootSecret.clone()));
            ks.rotate(PLUG, Layer.LINK); // two records in the journal
        }
    }

    private KeystoreException refused() {
        return assertThrows(KeystoreException.class, () -> fx.open().close());
    }

    private void assertStillOpensWith(Path masterKeyBackup) throws IOException {
        if (masterKeyBackup != null) {
            Files.write(fx.masterKey, Files.readAllBytes(masterKeyBackup));
        }
        try (FileThingKeyStore ks = fx.open()) {
            assertEquals(List.of(LAMP, PLUG), ks.things());
            assertEquals(2, ks.metadata(PLUG).layers().get(0).generation());
        }
    }

    @Test
    void aWrongMasterKeyIsNamedAndNothingIsTouched() throws Exception {
        Path backup = dir.resolve("master.key.backup");
        Files.copy(fx.masterKey, backup);
        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        Files.write(fx.masterKey, other);
        Map<String, byte[]> files = fx.files();

        KeystoreException e = refused();
        assertEquals("keystore " + fx.storeDir + " was sealed under another master key than the one in "
                + fx.masterKey + "; nothing was changed: restore the master key file that belongs to this store ("
                + e.getCause().getMessage() + ")", e.getMessage());
        assertInstanceOf(WrongKeyException.class, e.getCause());
        assertFilesEqual(files, fx.files());
        Secrets.assertNoneIn(List.of(other, Files.readAllBytes(backup), rootSecret),
                List.of(FileThingKeyStoreTest.describe(e)));
        assertStillOpensWith(backup);
    }

    @Test
    void aTruncatedSnapshotIsReportedAsDamage() throws Exception {
        Path snapshot = fx.storeDir.resolve("keys.snapshot");
        byte[] content = Files.readAllBytes(snapshot);
        Files.write(snapshot, Arrays.copyOf(content, content.length - 7));
        assertDamaged("snapshot");
        Files.write(snapshot, content);
        assertStillOpensWith(null);
    }

    @ParameterizedTest(name = "flip at {0} of the snapshot")
    @ValueSource(doubles = {0.1, 0.5, 0.9, 0.999})
    void aBitFlipInTheSnapshotIsReportedAsDamage(double where) throws Exception {
        flipAndCheck(fx.storeDir.resolve("keys.snapshot"), (int) (where * Files.size(fx.storeDir.resolve(
                "keys.snapshot"))), "snapshot");
    }

    // Offsets into the first frame (4-byte length, 4-byte length check, 12-byte nonce, ciphertext, tag) and the
    // file's last byte: every byte of the length field included, since a damaged length must never pass for a torn
    // write (which would trim acknowledged records).
    @ParameterizedTest(name = "flip at byte {0} after the journal header")
    @ValueSource(ints = {0, 1, 2, 3, 4 + 2, 8 + 3, 8 + 12 + 5, 8 + 40, -1})
    void aBitFlipInTheJournalIsReportedAsDamage(int offset) throws Exception {
        Path journal = fx.storeDir.resolve("keys.journal");
        int at = offset < 0 ? (int) Files.size(journal) - 1 : JOURNAL_HEADER + offset;
        flipAndCheck(journal, at, "journal");
    }

    @Test
    void aJournalCutInsideItsHeaderIsReportedAsDamage() throws Exception {
        Path journal = fx.storeDir.resolve("keys.journal");
        byte[] content = Files.readAllBytes(journal);
        Files.write(journal, Arrays.copyOf(content, 20));
        assertDamaged("journal");
        Files.write(journal, content);
        assertStillOpensWith(null);
    }

    private void flipAndCheck(Path file, int at, String which) throws Exception {
        byte[] content = Files.readAllBytes(file);
        byte[] flipped = content.clone();
        flipped[at] ^= 0x10;
        Files.write(file, flipped);
        assertDamaged(which);
        Files.write(file, content);
        assertStillOpensWith(null);
    }

    private void assertDamaged(String which) throws IOException {
        Map<String, byte[]> files = fx.files();
        KeystoreException e = refused();
        assertTrue(e.getMessage().startsWith("keystore " + fx.storeDir + " is damaged and was left as found for "
                + "inspection; restore it from a backup ("), e.getMessage());
        assertTrue(e.getMessage().contains("keys." + which), e.getMessage());
        assertInstanceOf(StoreCorruptedException.class, e.getCause());
        assertFilesEqual(files, fx.files());
    }

    // ------------------------------------------------------------------------------------------------ master key

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(strings = {"rw-r--r--", "rw-rw----", "rw-----w-", "rwx------", "r-----r--"})
    void aMasterKeyFileReadableByOthersIsRefused(String mode) throws Exception {
        Files.setPosixFilePermissions(fx.masterKey, PosixFilePermissions.fromString(mode));
        Map<String, byte[]> files = fx.files();
        KeystoreException e = refused();
        assertEquals("master key file " + fx.masterKey + " has permissions " + mode + "; refusing it: it must be "
                + "readable and writable by its owner only (chmod 600)", e.getMessage());
        assertFilesEqual(files, fx.files());
        assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(fx.masterKey)));
        Files.setPosixFilePermissions(fx.masterKey, PosixFilePermissions.fromString("rw-------"));
        assertStillOpensWith(null);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 16, 31, 33, 64})
    void aMasterKeyFileOfTheWrongLengthIsRefused(int length) throws Exception {
        byte[] original = Files.readAllBytes(fx.masterKey);
        byte[] wrong = Arrays.copyOf(original, length);
        Files.write(fx.masterKey, wrong);
        Map<String, byte[]> files = fx.files();
        KeystoreException e = refused();
        assertEquals("master key file " + fx.masterKey + " is " + length + " bytes; it must be exactly 32 bytes: "
                + "restore the right file (a new one cannot open the existing store)", e.getMessage());
        assertFilesEqual(files, fx.files());
        Files.write(fx.masterKey, original);
        assertStillOpensWith(null);
    }

    @Test
    void aMissingMasterKeyIsNotReplacedWhileTheStoreExists() throws Exception {
        Path backup = dir.resolve("master.key.backup");
        Files.move(fx.masterKey, backup);
        Map<String, byte[]> files = fx.files();
        KeystoreException e = refused();
        assertEquals("master key file " + fx.masterKey + " is missing but keystore " + fx.storeDir + " exists: "
                + "restore the master key that belongs to it (a new key could not open the store); nothing was "
                + "changed", e.getMessage());
        assertFalse(Files.exists(fx.masterKey));
        assertFilesEqual(files, fx.files());
        Files.copy(backup, fx.masterKey);
        Files.setPosixFilePermissions(fx.masterKey, PosixFilePermissions.fromString("rw-------"));
        assertStillOpensWith(null);
    }

    @Test
    void aMasterKeyThatIsALinkIsRefused() throws Exception {
        Path real = dir.resolve("elsewhere.key");
        Files.move(fx.masterKey, real);
        Files.createSymbolicLink(fx.masterKey, real);
        KeystoreException e = refused();
        assertEquals("master key file " + fx.masterKey + " is not a regular file", e.getMessage());
    }

    @Test
    void theMasterKeyIsMadeOwnerOnlyFromSecureRandomAtFirstStart(@TempDir Path other) throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fx.masterKey)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                fx.masterKey.getParent())));
        byte[] key = Files.readAllBytes(fx.masterKey);
        assertEquals(32, key.length);
        try (var s = Files.list(fx.masterKey.getParent())) {
            assertEquals(List.of(fx.masterKey), s.toList(), "no temporary file left behind");
        }
        Fixture second = new Fixture(other);
        second.open().close();
        assertNotEquals(Arrays.toString(key), Arrays.toString(Files.readAllBytes(second.masterKey)));
        assertFalse(Arrays.equals(new byte[32], key));
    }

    @Test
    void theMasterKeyFileIsNeverWrittenOnceItExists() throws Exception {
        byte[] key = Files.readAllBytes(fx.masterKey);
        var modified = Files.getLastModifiedTime(fx.masterKey);
        try (FileThingKeyStore ks = fx.open()) {
            ks.enroll(ThingId.of("x"), RootCredential.secret(new byte[16]));
        }
        assertEquals(Arrays.toString(key), Arrays.toString(Files.readAllBytes(fx.masterKey)));
        assertEquals(modified, Files.getLastModifiedTime(fx.masterKey));
    }
}
