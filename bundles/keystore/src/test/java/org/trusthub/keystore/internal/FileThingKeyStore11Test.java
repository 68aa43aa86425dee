package org.trusthub.keystore.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.KeyRevokedException;
import org.trusthub.api.keystore.KeyStatus;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.LayerKeyMetadata;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.StaleKeyException;
import org.trusthub.api.keystore.TrustAnchorEntry;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;

/** ThingKeyStore 1.1: counters bound to a key, stored keys, discarded enrollments, trust anchors. */
class FileThingKeyStore11Test {

    private static final ThingId LAMP = ThingId.of("lamp-kitchen-1");
    private static final ThingId BULB = ThingId.of("ble:c0ffee000001");
    private static final byte[] LAMP_ROOT = HexFormat.of().parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] FRESH_ROOT = HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    private static final byte[] BULB_ROOT = HexFormat.of().parseHex("b0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
    // recognisable, so the tests can search the store files for it
    private static final byte[] LTK = HexFormat.of().parseHex("4c544b2d4c544b2d4c544b2d4c544b2d");
    private static final byte[] IRK = HexFormat.of().parseHex("49524b2d49524b2d49524b2d49524b2d");
    private static final byte[] LINK_KEY = HexFormat.of().parseHex("5a6967426565416c6c69616e63653039");

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

    private void reopen() {
        ks.close();
        ks = fx.open();
    }

    private static byte[] bytes(DerivedKey k) {
        try {
            return k.bytes();
        } finally {
            k.destroy();
        }
    }

    // ------------------------------------------------------------------------------------------------ counters

    @Test
    void aKeysCounterRefusesTheKeyOnceItsLayerIsRotated() {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        DerivedKey old = ks.deriveKey(LAMP, Layer.LINK, "ieee802154-ccm-star", 16);
        assertEquals(0, ks.nextCounter(old, 0xFFFFFFFFL));
        assertEquals(1, ks.nextCounter(old, 0xFFFFFFFFL));
        assertEquals(2, ks.nextCounter(LAMP, Layer.LINK, "ieee802154-ccm-star", 0xFFFFFFFFL),
                "a key's counter and its layer's counter are one sequence");

        ks.rotate(LAMP, Layer.LINK);
        StaleKeyException e = assertThrows(StaleKeyException.class, () -> ks.nextCounter(old, 0xFFFFFFFFL));
        assertEquals("key of thing 'lamp-kitchen-1' at layer LINK is generation 1 but the layer is at generation 2: "
                + "fetch the current key", e.getMessage());
        DerivedKey current = ks.deriveKey(LAMP, Layer.LINK, "ieee802154-ccm-star", 16);
        assertEquals(0, ks.nextCounter(current, 0xFFFFFFFFL), "the refused draw took no value of the new key");
        // other layers' keys are not stale
        DerivedKey net = ks.deriveKey(LAMP, Layer.NETWORK, "zigbee-nwk", 16);
        ks.rotate(LAMP, Layer.LINK);
        assertEquals(0, ks.nextCounter(net, 0xFFFFFFFFL));
        ks.rotateAll(LAMP);
        assertThrows(StaleKeyException.class, () -> ks.nextCounter(net, 0xFFFFFFFFL));
    }

    @Test
    void aKeyOfARevokedRootCannotDrawTheNewRootsCounter() {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        DerivedKey old = ks.deriveKey(LAMP, Layer.LINK, "m", 16);
        assertEquals(0, ks.nextCounter(old, 100));
        ks.revoke(LAMP);
        assertThrows(KeyRevokedException.class, () -> ks.nextCounter(old, 100));
        ks.enroll(LAMP, RootCredential.secret(FRESH_ROOT));
        // generation 1 again, but another root: the old key would get counter 0 a second time
        assertEquals(1, old.generation());
        StaleKeyException e = assertThrows(StaleKeyException.class, () -> ks.nextCounter(old, 100));
        assertEquals("key of thing 'lamp-kitchen-1' at layer LINK is not the current key (it was handed out for an"
                + " earlier root credential or has been replaced): fetch the current key", e.getMessage());
        DerivedKey fresh = ks.deriveKey(LAMP, Layer.LINK, "m", 16);
        assertEquals(0, ks.nextCounter(fresh, 100));
        // the same key at another length is a different key, and is checked as such
        DerivedKey longer = ks.deriveKey(LAMP, Layer.LINK, "m", 32);
        assertEquals(1, ks.nextCounter(longer, 100));
    }

    @Test
    void aKeysCounterNeverRepeatsAcrossARestartOrACrash(@TempDir Path crash) throws Exception {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        DerivedKey k = ks.deriveKey(LAMP, Layer.APPLICATION, "oscore", 16);
        long last = -1;
        for (int i = 0; i < Fixture.DEFAULT_RESERVATION + 3; i++) {
            last = ks.nextCounter(k, Long.MAX_VALUE);
        }
        try (FileThingKeyStore copy = fx.crashCopy(crash).open()) {
            DerivedKey again = copy.deriveKey(LAMP, Layer.APPLICATION, "oscore", 16);
            assertTrue(copy.nextCounter(again, Long.MAX_VALUE) > last);
        }
        reopen();
        assertTrue(ks.nextCounter(k, Long.MAX_VALUE) > last, "a key kept across a restart still draws, higher");
    }

    @Test
    void badCounterRequestsChangeNothing() throws Exception {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        DerivedKey k = ks.deriveKey(LAMP, Layer.LINK, "m", 16);
        assertEquals(0, ks.nextCounter(k, 1));
        assertEquals(1, ks.nextCounter(k, 1));
        ks.compact();
        Map<String, byte[]> files = fx.files();
        assertThrows(org.trusthub.api.keystore.CounterExhaustedException.class, () -> ks.nextCounter(k, 1));
        assertEquals("counter limit -1 is negative",
                assertThrows(IllegalArgumentException.class, () -> ks.nextCounter(k, -1)).getMessage());
        assertThrows(NullPointerException.class, () -> ks.nextCounter(null, 1));
        DerivedKey foreign = new DerivedKey(LAMP, Layer.LINK, "m", 1, new byte[16]);
        assertThrows(StaleKeyException.class, () -> ks.nextCounter(foreign, 10));
        DerivedKey ghost = new DerivedKey(ThingId.of("ghost"), Layer.LINK, "m", 1, new byte[16]);
        assertThrows(UnknownThingException.class, () -> ks.nextCounter(ghost, 10));
        k.destroy();
        assertThrows(IllegalStateException.class, () -> ks.nextCounter(k, 10));
        FileThingKeyStoreTest.assertFilesEqual(files, fx.files());
        assertEquals(2, ks.nextCounter(LAMP, Layer.LINK, "m", 10));
    }

    // ------------------------------------------------------------------------------------------------ stored keys

    @Test
    void storedKeysAreKeptEncryptedAndSurviveARestart() throws Exception {
        ks.enroll(BULB, RootCredential.secret(BULB_ROOT));
        byte[] given = LTK.clone();
        ks.storeKey(BULB, Layer.LINK, "ble-ltk", given);
        Arrays.fill(given, (byte) 0); // the caller wipes its array; the keystore kept a copy
        ks.storeKey(BULB, Layer.LINK, "ble-irk", IRK);
        DerivedKey ltk = ks.storedKey(BULB, Layer.LINK, "ble-ltk").orElseThrow();
        assertEquals(1, ltk.generation());
        assertEquals("ble-ltk", ltk.mechanism());
        assertArrayEquals(LTK, bytes(ltk));
        assertTrue(ks.storedKey(BULB, Layer.LINK, "other").isEmpty());
        assertTrue(ks.storedKey(BULB, Layer.NETWORK, "ble-ltk").isEmpty());
        assertEquals(Set.of("ble-ltk", "ble-irk"), ks.metadata(BULB).layers().get(0).mechanisms(),
                "metadata names stored keys' mechanisms");

        assertTrue(StoreContents.contains(fx, LTK), "a decrypted record holds the key");
        for (Path f : List.of(fx.storeDir.resolve("keys.journal"), fx.storeDir.resolve("keys.snapshot"))) {
            if (Files.exists(f)) {
                assertEquals(-1, StoreContents.indexOf(Files.readAllBytes(f), LTK), f + " holds it in clear");
            }
        }
        KeyMetadata md = ks.metadata(BULB);
        reopen();
        assertArrayEquals(LTK, bytes(ks.storedKey(BULB, Layer.LINK, "ble-ltk").orElseThrow()));
        assertArrayEquals(IRK, bytes(ks.storedKey(BULB, Layer.LINK, "ble-irk").orElseThrow()));
        assertEquals(md.layers().get(0).mechanisms(), ks.metadata(BULB).layers().get(0).mechanisms());
        ks.compact();
        reopen();
        assertArrayEquals(LTK, bytes(ks.storedKey(BULB, Layer.LINK, "ble-ltk").orElseThrow()));
    }

    @Test
    void aStoredKeyReplacesTheEarlierOneAndDrawsItsCounter() throws Exception {
        ks.enroll(BULB, RootCredential.secret(BULB_ROOT));
        ks.storeKey(BULB, Layer.LINK, "ble-ltk", IRK);
        DerivedKey first = ks.storedKey(BULB, Layer.LINK, "ble-ltk").orElseThrow();
        assertEquals(0, ks.nextCounter(first, 1000));
        ks.storeKey(BULB, Layer.LINK, "ble-ltk", LTK);
        DerivedKey second = ks.storedKey(BULB, Layer.LINK, "ble-ltk").orElseThrow();
        assertArrayEquals(LTK, second.bytes());
        assertThrows(StaleKeyException.class, () -> ks.nextCounter(first, 1000), "the replaced key is stale");
        assertEquals(1, ks.nextCounter(second, 1000));
        assertFalse(StoreContents.contains(fx, IRK), "the replaced key is gone from the files");
    }

    @Test
    void rotatingTheLayerDestroysItsStoredKeysOnDiskToo() throws Exception {
        ks.enroll(BULB, RootCredential.secret(BULB_ROOT));
        ks.storeKey(BULB, Layer.LINK, "ble-ltk", LTK);
        ks.storeKey(BULB, Layer.NETWORK, "zigbee-link", LINK_KEY);
        DerivedKey ltk = ks.storedKey(BULB, Layer.LINK, "ble-ltk").orElseThrow();
        ks.rotate(BULB, Layer.LINK);
        assertTrue(ks.storedKey(BULB, Layer.LINK, "ble-ltk").isEmpty());
        assertThrows(StaleKeyException.class, () -> ks.nextCounter(ltk, 10));
        assertEquals(Set.of(), ks.metadata(BULB).layers().get(0).mechanisms());
        assertFalse(StoreContents.contains(fx, LTK), "the rotated layer's stored key is gone from every file");
        assertArrayEquals(LINK_KEY, bytes(ks.storedKey(BULB, Layer.NETWORK, "zigbee-link").orElseThrow()));
        reopen();
        assertTrue(ks.storedKey(BULB, Layer.LINK, "ble-ltk").isEmpty());
        assertArrayEquals(LINK_KEY, bytes(ks.storedKey(BULB, Layer.NETWORK, "zigbee-link").orElseThrow()));
        ks.rotateAll(BULB);
        assertTrue(ks.storedKey(BULB, Layer.NETWORK, "zigbee-link").isEmpty());
        assertFalse(StoreContents.contains(fx, LINK_KEY));
    }

    @Test
    void revocationDestroysStoredKeysOnDiskToo() throws Exception {
        ks.enroll(BULB, RootCredential.secret(BULB_ROOT));
        ks.storeKey(BULB, Layer.LINK, "ble-ltk", LTK);
        ks.revoke(BULB);
        assertThrows(KeyRevokedException.class, () -> ks.storedKey(BULB, Layer.LINK, "ble-ltk"));
        assertFalse(StoreContents.contains(fx, LTK));
        ks.enroll(BULB, RootCredential.secret(FRESH_ROOT));
        assertTrue(ks.storedKey(BULB, Layer.LINK, "ble-ltk").isEmpty(), "a new enrollment starts without it");
        reopen();
        assertTrue(ks.storedKey(BULB, Layer.LINK, "ble-ltk").isEmpty());
    }

    @Test
    void deletingAStoredKeyDestroysIt() throws Exception {
        ks.enroll(BULB, RootCredential.secret(BULB_ROOT));
        ks.storeKey(BULB, Layer.LINK, "ble-ltk", LTK);
        assertTrue(ks.deleteStoredKey(BULB, Layer.LINK, "ble-ltk"));
        assertFalse(ks.deleteStoredKey(BULB, Layer.LINK, "ble-ltk"));
        assertFalse(ks.deleteStoredKey(BULB, Layer.NETWORK, "never-stored"));
        assertTrue(ks.storedKey(BULB, Layer.LINK, "ble-ltk").isEmpty());
        assertFalse(StoreContents.contains(fx, LTK));
        reopen();
        assertTrue(ks.storedKey(BULB, Layer.LINK, "ble-ltk").isEmpty());
        assertThrows(UnknownThingException.class, () -> ks.deleteStoredKey(ThingId.of("ghost"), Layer.LINK, "x"));
    }

    @Test
    void badStoredKeysAreRefusedAndChangeNothing() throws Exception {
        ks.enroll(BULB, RootCredential.secret(BULB_ROOT));
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        ks.revoke(LAMP);
        ks.storeKey(BULB, Layer.LINK, "ble-ltk", LTK);
        ks.compact();
        Map<String, byte[]> files = fx.files();
        KeyMetadata md = ks.metadata(BULB);
        for (int len : new int[] {0, 15, 65}) {
            assertEquals("stored key is " + len + " bytes; it must be 16 to 64 bytes",
                    assertThrows(IllegalArgumentException.class,
                            () -> ks.storeKey(BULB, Layer.LINK, "ble-ltk", new byte[len])).getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ks.storeKey(BULB, Layer.LINK, "BLE LTK", IRK))
                .getMessage().startsWith("malformed mechanism name"));
        assertThrows(NullPointerException.class, () -> ks.storeKey(BULB, Layer.LINK, "ble-ltk", null));
        assertThrows(UnknownThingException.class, () -> ks.storeKey(ThingId.of("ghost"), Layer.LINK, "x", IRK));
        assertThrows(KeyRevokedException.class, () -> ks.storeKey(LAMP, Layer.LINK, "x", IRK));
        assertThrows(UnknownThingException.class, () -> ks.storedKey(ThingId.of("ghost"), Layer.LINK, "x"));
        assertFalse(ks.deleteStoredKey(LAMP, Layer.LINK, "x"));
        FileThingKeyStoreTest.assertFilesEqual(files, fx.files());
        assertEquals(md, ks.metadata(BULB));
        assertArrayEquals(LTK, bytes(ks.storedKey(BULB, Layer.LINK, "ble-ltk").orElseThrow()));
    }

    @Test
    void storedKeysNeverAppearInText() throws Exception {
        ks.enroll(BULB, RootCredential.secret(BULB_ROOT));
        ks.storeKey(BULB, Layer.LINK, "ble-ltk", LTK);
        DerivedKey k = ks.storedKey(BULB, Layer.LINK, "ble-ltk").orElseThrow();
        List<String> texts = new ArrayList<>(List.of(k.toString(), ks.metadata(BULB).toString(),
                new KeystoreRecords.StoredKey(BULB, Layer.LINK, "ble-ltk", 1, LTK).toString(),
                FileThingKeyStoreTest.describe(assertThrows(RuntimeException.class,
                        () -> ks.storeKey(BULB, Layer.LINK, "ble-ltk", Arrays.copyOf(LTK, 15))))));
        Secrets.assertNoneIn(List.of(LTK), texts);
    }

    // ------------------------------------------------------------------------------------------------ discard

    @Test
    void aNeverUsedEnrollmentCanBeDiscardedAndEnrolledAgain() throws Exception {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        byte[] prk = Hkdf.extract("trusthub/v1 root".getBytes(StandardCharsets.UTF_8), LAMP_ROOT);
        assertTrue(ks.discardEnrollment(LAMP));
        assertEquals(List.of(), ks.things());
        assertFalse(ks.isActive(LAMP));
        assertThrows(UnknownThingException.class, () -> ks.metadata(LAMP));
        assertFalse(StoreContents.contains(fx, prk), "the discarded root left the files");
        assertFalse(ks.discardEnrollment(LAMP), "unknown now");
        reopen();
        assertEquals(List.of(), ks.things());
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT)); // the same root again: nothing of it was used
        assertTrue(ks.isActive(LAMP));
    }

    @Test
    void anEnrollmentWhoseKeysWereUsedCannotBeDiscarded(@TempDir Path crash) throws Exception {
        ThingId derived = ThingId.of("derived");
        ThingId counted = ThingId.of("counted");
        ThingId stored = ThingId.of("stored");
        ThingId rotated = ThingId.of("rotated");
        ThingId revoked = ThingId.of("revoked");
        for (ThingId t : List.of(derived, counted, stored, rotated, revoked)) {
            ks.enroll(t, RootCredential.secret(HexFormat.of().parseHex("00112233445566778899aabbccddee" + "0"
                    + t.value().length())));
        }
        ks.deriveKey(derived, Layer.LINK, "m", 16).destroy();
        ks.nextCounter(counted, Layer.LINK, "m", 10);
        ks.storeKey(stored, Layer.LINK, "m", LTK);
        ks.rotate(rotated, Layer.LINK);
        ks.revoke(revoked);
        List<ThingId> all = List.of(counted, derived, revoked, rotated, stored);
        // the first use is durable when the key is handed out: a crash copy knows it too
        try (FileThingKeyStore copy = fx.crashCopy(crash).open()) {
            for (ThingId t : all) {
                assertFalse(copy.discardEnrollment(t), t.value());
            }
            assertEquals(all, copy.things());
        }
        for (ThingId t : all) {
            assertFalse(ks.discardEnrollment(t), t.value());
        }
        ks.compact();
        reopen();
        for (ThingId t : all) {
            assertFalse(ks.discardEnrollment(t), t.value());
        }
        assertEquals(all, ks.things());
    }

    @Test
    void discardingAReEnrollmentBringsBackTheRevokedRecord() throws Exception {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        ks.deriveKey(LAMP, Layer.LINK, "m", 16).destroy();
        ks.revoke(LAMP);
        KeyMetadata revoked = ks.metadata(LAMP);
        ks.enroll(LAMP, RootCredential.secret(FRESH_ROOT));
        ks.compact();
        reopen(); // the revoked predecessor survives a compaction and a restart while it may still be needed
        assertTrue(ks.discardEnrollment(LAMP));
        assertEquals(revoked, ks.metadata(LAMP));
        assertEquals(KeyStatus.REVOKED, ks.metadata(LAMP).status());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT))).getMessage().contains("revoked"),
                "the revoked root stays retired");
        reopen();
        assertEquals(revoked, ks.metadata(LAMP));
        ks.enroll(LAMP, RootCredential.secret(FRESH_ROOT));
        assertTrue(ks.isActive(LAMP));
    }

    // ------------------------------------------------------------------------------------------------ anchors

    private static final Set<TrustPurpose> IDENTITY = EnumSet.of(TrustPurpose.DTLS, TrustPurpose.WSS);

    @Test
    void trustAnchorsArePersistedWithTheirPurposes() throws Exception {
        X509Certificate ca = Fixture.selfSignedCa(Fixture.ecKeyPair("secp256r1"), "home ca", "SHA256withECDSA");
        X509Certificate vendor = Fixture.selfSignedCa(Fixture.ecKeyPair("secp384r1"), "vendor", "SHA384withECDSA");
        assertEquals(Map.of(), ks.trustAnchors());
        ks.addTrustAnchor("home-ca", ca, IDENTITY);
        ks.addTrustAnchor("vendor.root_1", vendor, Set.of(TrustPurpose.FIRMWARE));
        assertEquals(List.of("home-ca", "vendor.root_1"), List.copyOf(ks.trustAnchors().keySet()));
        assertEquals(ca, ks.trustAnchors().get("home-ca"));
        assertThrows(UnsupportedOperationException.class, () -> ks.trustAnchors().remove("home-ca"));
        reopen();
        assertEquals(Map.of("home-ca", ca, "vendor.root_1", vendor), ks.trustAnchors());
        assertEquals(List.of(new TrustAnchorEntry("home-ca", ca, IDENTITY, false),
                new TrustAnchorEntry("vendor.root_1", vendor, Set.of(TrustPurpose.FIRMWARE), false)),
                ks.trustAnchorEntries());
        assertEquals(Map.of("home-ca", ca), ks.trustAnchors(TrustPurpose.DTLS));
        assertEquals(Map.of(), ks.trustAnchors(TrustPurpose.TLS));
        assertEquals(Map.of("vendor.root_1", vendor), ks.trustAnchors(TrustPurpose.FIRMWARE));
        assertTrue(ks.removeTrustAnchor("home-ca"));
        assertFalse(ks.removeTrustAnchor("home-ca"));
        ks.compact();
        reopen();
        assertEquals(Map.of("vendor.root_1", vendor), ks.trustAnchors());
        assertEquals(Set.of(TrustPurpose.FIRMWARE), ks.trustAnchorEntries().get(0).purposes(),
                "compaction keeps the purposes");
        ks.addTrustAnchor("home-ca", vendor, Set.of(TrustPurpose.TLS)); // a removed alias can be used again
        assertEquals(vendor, ks.trustAnchors().get("home-ca"));
    }

    @Test
    void anAnchorStoredWithoutPurposesServesOnlyTheIdentityPathsNeverFirmware() throws Exception {
        X509Certificate old = Fixture.selfSignedCa(Fixture.ecKeyPair("secp256r1"), "old ca", "SHA256withECDSA");
        ks.close();
        // what a keystore written before anchors had purposes holds: record type 10, alias and certificate only
        var sealer = new org.trusthub.storage.AesGcmSealer(Files.readAllBytes(fx.masterKey));
        try (var store = org.trusthub.storage.RecordStore.open(fx.storeDir, FileThingKeyStore.STORE_NAME, sealer,
                r -> { })) {
            // written byte by byte as version 1.2 wrote it, not by the encoder under test
            var bytes = new java.io.ByteArrayOutputStream();
            try (var out = new java.io.DataOutputStream(bytes)) {
                out.writeByte(1); // record format version
                out.writeByte(10); // a trust anchor: alias, certificate
                out.writeUTF("old-ca");
                out.writeInt(old.getEncoded().length);
                out.write(old.getEncoded());
            }
            byte[] record = bytes.toByteArray();
            assertArrayEquals(record, KeystoreRecords.encode(new KeystoreRecords.Anchor("old-ca", old.getEncoded(),
                    null)), "a migrated anchor is written back as it was stored");
            store.append(record);
        } finally {
            sealer.destroy();
        }
        ks = fx.open();
        assertEquals(List.of(new TrustAnchorEntry("old-ca", old, TrustPurpose.MIGRATED, true)),
                ks.trustAnchorEntries());
        assertEquals(Set.of(TrustPurpose.DTLS, TrustPurpose.TLS, TrustPurpose.WSS), TrustPurpose.MIGRATED);
        assertEquals(Map.of(), ks.trustAnchors(TrustPurpose.FIRMWARE));
        assertEquals(Map.of("old-ca", old), ks.trustAnchors(TrustPurpose.WSS));
        ks.compact();
        reopen();
        assertTrue(ks.trustAnchorEntries().get(0).migrated(), "compaction keeps it marked as migrated");
        assertTrue(ks.removeTrustAnchor("old-ca"));
        ks.addTrustAnchor("old-ca", old, Set.of(TrustPurpose.DTLS));
        assertEquals(List.of(new TrustAnchorEntry("old-ca", old, Set.of(TrustPurpose.DTLS), false)),
                ks.trustAnchorEntries());
    }

    @Test
    void aThingsOrTheHubsKeyIsNeverATrustAnchorsKey() throws Exception {
        // a thing whose self-signed root certificate is a CA (as `openssl req -x509` makes it by default)
        java.security.KeyPair plugKeys = Fixture.ecKeyPair("secp256r1");
        X509Certificate plugRoot = Fixture.selfSignedCa(plugKeys, "plug", "SHA256withECDSA");
        ThingId plug = ThingId.of("plug");
        ks.enroll(plug, RootCredential.certificate(plugRoot));
        ks.compact();
        Map<String, byte[]> files = fx.files();
        assertEquals("trust anchor 'plug-ca' refused: its key is that of thing 'plug'; a thing or the hub is no "
                + "certification authority", assertThrows(IllegalArgumentException.class,
                        () -> ks.addTrustAnchor("plug-ca", plugRoot, IDENTITY)).getMessage());
        X509Certificate sameKeyOtherName = Fixture.selfSignedCa(plugKeys, "installer ca", "SHA256withECDSA");
        assertThrows(IllegalArgumentException.class,
                () -> ks.addTrustAnchor("installer-ca", sameKeyOtherName, Set.of(TrustPurpose.FIRMWARE)));
        X509Certificate hubKeyCa = Fixture.selfSignedCa(new java.security.KeyPair(
                ks.hubIdentity().certificate().getPublicKey(), ks.hubIdentity().privateKey()), "hub ca",
                "SHA256withECDSA");
        assertEquals("trust anchor 'hub' refused: its key is that of the hub; a thing or the hub is no "
                + "certification authority", assertThrows(IllegalArgumentException.class,
                        () -> ks.addTrustAnchor("hub", hubKeyCa, IDENTITY)).getMessage());
        FileThingKeyStoreTest.assertFilesEqual(files, fx.files());
        assertEquals(Map.of(), ks.trustAnchors());

        // and the other way round: an anchor's key enrolls no thing
        java.security.KeyPair caKeys = Fixture.ecKeyPair("secp256r1");
        ks.addTrustAnchor("home-ca", Fixture.selfSignedCa(caKeys, "home ca", "SHA256withECDSA"), IDENTITY);
        ThingId lamp = ThingId.of("lamp-ca");
        assertEquals("the root certificate of thing 'lamp-ca' has the key of trust anchor 'home-ca'; a "
                + "certification authority is no thing", assertThrows(IllegalArgumentException.class,
                        () -> ks.enroll(lamp, RootCredential.certificate(
                                Fixture.selfSigned(caKeys, "lamp-ca", "SHA256withECDSA")))).getMessage());
        assertFalse(ks.things().contains(lamp));
    }

    @Test
    void badTrustAnchorsAreRefusedAndChangeNothing() throws Exception {
        X509Certificate ca = Fixture.selfSignedCa(Fixture.ecKeyPair("secp256r1"), "home ca", "SHA256withECDSA");
        ks.addTrustAnchor("home-ca", ca, IDENTITY);
        ks.compact();
        Map<String, byte[]> files = fx.files();
        for (String bad : new String[] {"", "Home", "a b", "x".repeat(65), "../etc"}) {
            assertEquals("malformed trust anchor alias: it must be 1 to 64 lower-case letters, digits, '.', '_' "
                    + "and '-'", assertThrows(IllegalArgumentException.class,
                            () -> ks.addTrustAnchor(bad, ca, IDENTITY)).getMessage());
        }
        assertEquals("trust anchor alias 'home-ca' is taken; remove it first", assertThrows(
                IllegalArgumentException.class, () -> ks.addTrustAnchor("home-ca", ca, IDENTITY)).getMessage());
        assertThrows(NullPointerException.class, () -> ks.addTrustAnchor("other", null, IDENTITY));
        assertEquals("trust anchor 'other' needs at least one purpose", assertThrows(IllegalArgumentException.class,
                () -> ks.addTrustAnchor("other", ca, Set.of())).getMessage());
        assertEquals("trust anchor 'other' needs at least one purpose", assertThrows(IllegalArgumentException.class,
                () -> ks.addTrustAnchor("other", ca)).getMessage(), "no purpose is never 'all purposes'");
        X509Certificate leaf = Fixture.selfSigned(Fixture.ecKeyPair("secp256r1"), "lamp", "SHA256withECDSA");
        assertEquals("trust anchor 'lamp' refused: issuer 'CN=lamp' is not a CA (no basicConstraints CA)",
                assertThrows(IllegalArgumentException.class, () -> ks.addTrustAnchor("lamp", leaf, IDENTITY))
                        .getMessage());
        assertFalse(ks.removeTrustAnchor("Home"));
        FileThingKeyStoreTest.assertFilesEqual(files, fx.files());
        assertEquals(Map.of("home-ca", ca), ks.trustAnchors());
    }

    @Test
    void metadataOfAnUnusedLayerIsUnchangedByTheUsedMarker() {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        ks.deriveKey(LAMP, Layer.APPLICATION, "oscore", 16).destroy();
        LayerKeyMetadata link = ks.metadata(LAMP).layers().get(0);
        assertEquals(Set.of(), link.mechanisms());
        assertEquals(null, link.lastUsed());
    }
}
