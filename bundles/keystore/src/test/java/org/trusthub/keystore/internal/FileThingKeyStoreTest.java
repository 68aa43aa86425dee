package org.trusthub.keystore.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.crypto.KeyAgreement;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.keystore.CounterExhaustedException;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.KeyRevokedException;
import org.trusthub.api.keystore.KeyStatus;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.LayerKeyMetadata;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.StaleKeyException;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;

class FileThingKeyStoreTest {

    private static final ThingId LAMP = ThingId.of("lamp-kitchen-1");
    private static final ThingId PLUG = ThingId.of("zigbee:00124b0001abcdef");
    private static final byte[] LAMP_ROOT = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
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

    private static byte[] key(ThingKeyStore ks, ThingId t, Layer l, String m, int len) {
        DerivedKey k = ks.deriveKey(t, l, m, len);
        try {
            return k.bytes();
        } finally {
            k.destroy();
        }
    }

    /** The profile computed with Bouncy Castle's HKDF and a hand-built info string. */
    private static byte[] independent(byte[] ikm, String thing, String layer, String mechanism, int gen, int len) {
        ByteBuffer info = ByteBuffer.allocate(200);
        for (String s : List.of("trusthub/v1", thing, layer, mechanism)) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            info.put((byte) b.length).put(b);
        }
        info.putInt(gen).putInt(len);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, "trusthub/v1 root".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(info.array(), info.position())));
        byte[] out = new byte[len];
        hkdf.generateBytes(out, 0, len);
        return out;
    }

    // ------------------------------------------------------------------------------------------------ derivation

    @Test
    void derivedKeysMatchAnIndependentComputationOfTheProfile() {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        for (Layer layer : Layer.values()) {
            for (int len : new int[] {16, 32, 64}) {
                assertArrayEquals(independent(LAMP_ROOT, LAMP.value(), layer.name(), "oscore", 1, len),
                        key(ks, LAMP, layer, "oscore", len), layer + " " + len);
            }
        }
        // a known answer (computed with Python's hmac module), so the profile cannot drift on both sides at once
        assertEquals("0b74727573746875622f76310e6c616d702d6b69746368656e2d31044c494e4b13696565653830323135342d"
                + "63636d2d737461720000000100000010", HexFormat.of().formatHex(
                        DerivationProfile.info(LAMP, Layer.LINK, "ieee802154-ccm-star", 1, 16)));
        assertEquals("04e2bd2463eeef9b5ac7e55a7a8b05f7",
                HexFormat.of().formatHex(key(ks, LAMP, Layer.LINK, "ieee802154-ccm-star", 16)));
    }

    @Test
    void derivationIsDeterministicAndKeysAreNeverShared() {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        ks.enroll(PLUG, RootCredential.secret(LAMP_ROOT.clone()));
        Set<String> seen = new HashSet<>();
        for (ThingId t : List.of(LAMP, PLUG)) {
            for (Layer layer : Layer.values()) {
                for (String m : List.of("ieee802154-ccm-star", "dtls-psk", "oscore")) {
                    byte[] a = key(ks, t, layer, m, 16);
                    assertArrayEquals(a, key(ks, t, layer, m, 16), "deterministic");
                    assertTrue(seen.add(HexFormat.of().formatHex(a)), "shared key " + t + " " + layer + " " + m);
                    // a longer key is not an extension of the shorter one: the length is bound into the label
                    byte[] b = key(ks, t, layer, m, 32);
                    assertFalse(Arrays.equals(a, Arrays.copyOf(b, 16)));
                }
            }
        }
        assertEquals(2 * 4 * 3, seen.size());
    }

    @Test
    void rotationChangesOnlyTheRotatedLayersKeys() {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        byte[] link1 = key(ks, LAMP, Layer.LINK, "m", 16);
        byte[] net1 = key(ks, LAMP, Layer.NETWORK, "m", 16);
        assertEquals(2, ks.rotate(LAMP, Layer.LINK));
        byte[] link2 = key(ks, LAMP, Layer.LINK, "m", 16);
        assertFalse(Arrays.equals(link1, link2));
        assertArrayEquals(independent(LAMP_ROOT, LAMP.value(), "LINK", "m", 2, 16), link2);
        assertArrayEquals(net1, key(ks, LAMP, Layer.NETWORK, "m", 16));
        assertEquals(2, ks.deriveKey(LAMP, Layer.LINK, "m", 16).generation());

        ks.rotateAll(LAMP);
        KeyMetadata md = ks.metadata(LAMP);
        assertEquals(List.of(3, 2, 2, 2), md.layers().stream().map(LayerKeyMetadata::generation).toList());
        assertFalse(Arrays.equals(net1, key(ks, LAMP, Layer.NETWORK, "m", 16)));
    }

    @Test
    void certificateRootsAgreeWithTheThingsSideOfTheEcdh() throws Exception {
        KeyPair thingPair = Fixture.ecKeyPair("secp256r1");
        X509Certificate cert = Fixture.selfSigned(thingPair, "plug", "SHA256withECDSA");
        ks.enroll(PLUG, RootCredential.certificate(cert));

        // the thing computes the same root from its private key and the hub's certificate
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(thingPair.getPrivate());
        ka.doPhase(ks.hubIdentity().certificate().getPublicKey(), true);
        byte[] ikm = ka.generateSecret();
        assertArrayEquals(independent(ikm, PLUG.value(), "TRANSPORT", "dtls-psk", 1, 32),
                key(ks, PLUG, Layer.TRANSPORT, "dtls-psk", 32));

        KeyMetadata md = ks.metadata(PLUG);
        assertEquals(RootCredential.Kind.CERTIFICATE, md.rootKind());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())),
                md.rootFingerprint());
        assertEquals(cert, ks.rootCertificate(PLUG).orElseThrow());
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        assertTrue(ks.rootCertificate(LAMP).isEmpty());
        assertNull(ks.metadata(LAMP).rootFingerprint());

        // a certificate parsed by the Bouncy Castle provider (its own key classes) is accepted as well
        KeyPair other = Fixture.ecKeyPair("secp256r1");
        X509Certificate bcCert = (X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509", new org.bouncycastle.jce.provider.BouncyCastleProvider())
                .generateCertificate(new java.io.ByteArrayInputStream(
                        Fixture.selfSigned(other, "bc", "SHA256withECDSA").getEncoded()));
        assertTrue(bcCert.getPublicKey().getClass().getName().startsWith("org.bouncycastle"));
        ThingId bc = ThingId.of("bc-thing");
        ks.enroll(bc, RootCredential.certificate(bcCert));
        KeyAgreement ka2 = KeyAgreement.getInstance("ECDH");
        ka2.init(other.getPrivate());
        ka2.doPhase(ks.hubIdentity().certificate().getPublicKey(), true);
        assertArrayEquals(independent(ka2.generateSecret(), bc.value(), "LINK", "m", 1, 16),
                key(ks, bc, Layer.LINK, "m", 16));
    }

    @Test
    void certificateRootsWithoutAP256KeyAreRefused() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        X509Certificate rsaCert = Fixture.selfSigned(rsa.generateKeyPair(), "rsa-thing", "SHA256withRSA");
        X509Certificate p384 = Fixture.selfSigned(Fixture.ecKeyPair("secp384r1"), "p384-thing", "SHA384withECDSA");
        Map<String, byte[]> before = fx.files();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ks.enroll(PLUG, RootCredential.certificate(rsaCert)));
        assertEquals("root certificate of 'CN=rsa-thing' has a RSA key; only EC P-256 keys are accepted",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ks.enroll(PLUG, RootCredential.certificate(p384)));
        assertEquals("root certificate of 'CN=p384-thing' has an EC key on another curve (384-bit field); only "
                + "P-256 keys are accepted", e.getMessage());
        assertEquals(List.of(), ks.things());
        assertFilesEqual(before, fx.files());
    }

    // ------------------------------------------------------------------------------------------------ revocation

    @Test
    void revocationDestroysEveryLayerAndReEnrollmentStartsOver() {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        ks.rotate(LAMP, Layer.APPLICATION);
        byte[] before = key(ks, LAMP, Layer.LINK, "m", 16);
        assertEquals(0, ks.nextCounter(LAMP, Layer.LINK, "m", 100));
        assertEquals(1, ks.nextCounter(LAMP, Layer.LINK, "m", 100));
        fx.clock.advance(Duration.ofMinutes(1));
        Instant revokedAt = fx.clock.instant();

        assertTrue(ks.revoke(LAMP));
        assertFalse(ks.revoke(LAMP), "revoking revoked keys changes nothing");
        assertFalse(ks.isActive(LAMP));
        assertEquals(List.of(LAMP), ks.things());
        for (Layer layer : Layer.values()) {
            KeyRevokedException e = assertThrows(KeyRevokedException.class, () -> ks.deriveKey(LAMP, layer, "m", 16));
            assertEquals("keys of thing 'lamp-kitchen-1' are revoked: re-commission it with a fresh root credential",
                    e.getMessage());
        }
        assertThrows(KeyRevokedException.class, () -> ks.nextCounter(LAMP, Layer.LINK, "m", 100));
        assertThrows(KeyRevokedException.class, () -> ks.rotate(LAMP, Layer.LINK));
        assertThrows(KeyRevokedException.class, () -> ks.rotateAll(LAMP));
        KeyMetadata md = ks.metadata(LAMP);
        assertEquals(KeyStatus.REVOKED, md.status());
        assertEquals(revokedAt, md.revoked());

        // the same root again would give the same keys with counters from 0: refused
        IllegalArgumentException reuse = assertThrows(IllegalArgumentException.class,
                () -> ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT)));
        assertEquals("the root credential given for thing 'lamp-kitchen-1' is the one that was revoked; enroll it "
                + "with a fresh root credential", reuse.getMessage());
        assertEquals(KeyStatus.REVOKED, ks.metadata(LAMP).status());

        byte[] fresh = LAMP_ROOT.clone();
        fresh[0] ^= 1;
        ks.enroll(LAMP, RootCredential.secret(fresh));
        assertTrue(ks.isActive(LAMP));
        md = ks.metadata(LAMP);
        assertEquals(KeyStatus.ACTIVE, md.status());
        assertNull(md.revoked());
        assertEquals(List.of(1, 1, 1, 1), md.layers().stream().map(LayerKeyMetadata::generation).toList());
        byte[] after = key(ks, LAMP, Layer.LINK, "m", 16);
        assertFalse(Arrays.equals(before, after));
        assertArrayEquals(independent(fresh, LAMP.value(), "LINK", "m", 1, 16), after);
        assertEquals(0, ks.nextCounter(LAMP, Layer.LINK, "m", 100), "a new root's counters start over");
    }

    @Test
    void revocationRemovesTheRootFromTheStoreAtOnce() throws Exception {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        ks.enroll(PLUG, RootCredential.secret(PLUG_ROOT));
        byte[] lampPrk = Hkdf.extract("trusthub/v1 root".getBytes(StandardCharsets.UTF_8), LAMP_ROOT);
        byte[] plugPrk = Hkdf.extract("trusthub/v1 root".getBytes(StandardCharsets.UTF_8), PLUG_ROOT);
        assertTrue(StoreContents.contains(fx, lampPrk), "the enrollment record holds the PRK");
        ks.revoke(LAMP);
        assertFalse(StoreContents.contains(fx, lampPrk), "the revoked PRK is gone from every store file");
        assertTrue(StoreContents.contains(fx, plugPrk));
        assertFalse(StoreContents.contains(fx, LAMP_ROOT), "the raw root is never stored");
    }

    // ------------------------------------------------------------------------------------------------ counters

    @Test
    void countersStartAtZeroPerKeyAndRestartWithANewGeneration() {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        for (long i = 0; i < 40; i++) {
            assertEquals(i, ks.nextCounter(LAMP, Layer.LINK, "ieee802154-ccm-star", 0xFFFFFFFFL));
        }
        assertEquals(0, ks.nextCounter(LAMP, Layer.LINK, "other", 0xFFFFFFFFL));
        assertEquals(0, ks.nextCounter(LAMP, Layer.NETWORK, "ieee802154-ccm-star", 0xFFFFFFFFL));
        ks.rotate(LAMP, Layer.LINK);
        assertEquals(0, ks.nextCounter(LAMP, Layer.LINK, "ieee802154-ccm-star", 0xFFFFFFFFL));
        assertEquals(1, ks.nextCounter(LAMP, Layer.NETWORK, "ieee802154-ccm-star", 0xFFFFFFFFL));
    }

    @Test
    void counterExhaustionIsReportedAtTheLimit() {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        assertEquals(0, ks.nextCounter(LAMP, Layer.LINK, "m", 2));
        assertEquals(1, ks.nextCounter(LAMP, Layer.LINK, "m", 2));
        assertEquals(2, ks.nextCounter(LAMP, Layer.LINK, "m", 2));
        CounterExhaustedException e = assertThrows(CounterExhaustedException.class,
                () -> ks.nextCounter(LAMP, Layer.LINK, "m", 2));
        assertEquals("counter of thing 'lamp-kitchen-1' LINK/m reached its limit 2: rotate the LINK keys",
                e.getMessage());
        assertThrows(CounterExhaustedException.class, () -> ks.nextCounter(LAMP, Layer.LINK, "m", 2));
        ks.rotate(LAMP, Layer.LINK);
        assertEquals(0, ks.nextCounter(LAMP, Layer.LINK, "m", 2));
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                () -> ks.nextCounter(LAMP, Layer.LINK, "m", -1));
        assertEquals("counter limit -1 is negative", neg.getMessage());
    }

    @Test
    void concurrentDrawsNeverRepeatAValue() throws Exception {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        int threads = 8;
        int draws = 2000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    long[] got = new long[draws];
                    for (int i = 0; i < draws; i++) {
                        got[i] = ks.nextCounter(LAMP, Layer.LINK, "m", Long.MAX_VALUE);
                        if (i % 500 == 0) {
                            key(ks, LAMP, Layer.values()[id % 4], "m", 16); // derive alongside
                        }
                    }
                    return got;
                }));
            }
            Set<Long> all = new HashSet<>();
            for (Future<long[]> f : futures) {
                for (long v : f.get()) {
                    assertTrue(all.add(v), "value " + v + " handed out twice");
                }
            }
            assertEquals(threads * draws, all.size());
            assertEquals(threads * draws - 1, all.stream().mapToLong(Long::longValue).max().orElseThrow(),
                    "no value is skipped while the keystore runs");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void reservationIsDurableBeforeTheFirstValueOfABlockIsHandedOut(@TempDir Path crash) throws Exception {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        long last = -1;
        for (int i = 0; i < Fixture.DEFAULT_RESERVATION * 3 + 1; i++) {
            last = ks.nextCounter(LAMP, Layer.LINK, "m", Long.MAX_VALUE);
        }
        // the files as a crash right now would leave them, without close()
        Fixture copy = fx.crashCopy(crash);
        try (FileThingKeyStore reopened = copy.open()) {
            long next = reopened.nextCounter(LAMP, Layer.LINK, "m", Long.MAX_VALUE);
            assertTrue(next > last, next + " must be above " + last);
            assertEquals(Fixture.DEFAULT_RESERVATION * 4, next, "resumes at the reservation mark");
        }
    }

    // ------------------------------------------------------------------------------------------------ metadata

    @Test
    void metadataShowsGenerationsUseAndMechanismsWithoutKeyBytes() {
        Instant enrolled = fx.clock.instant();
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        KeyMetadata md = ks.metadata(LAMP);
        assertEquals(LAMP, md.thing());
        assertEquals(RootCredential.Kind.SECRET, md.rootKind());
        assertEquals(enrolled, md.enrolled());
        assertEquals(KeyStatus.ACTIVE, md.status());
        for (LayerKeyMetadata l : md.layers()) {
            assertEquals(new LayerKeyMetadata(l.layer(), 1, enrolled, null, Set.of()), l);
        }
        fx.clock.advance(Duration.ofSeconds(5));
        Instant used = fx.clock.instant();
        key(ks, LAMP, Layer.APPLICATION, "oscore", 16);
        key(ks, LAMP, Layer.APPLICATION, "cose", 16);
        LayerKeyMetadata app = ks.metadata(LAMP).layers().get(Layer.APPLICATION.ordinal());
        assertEquals(new LayerKeyMetadata(Layer.APPLICATION, 1, enrolled, used, Set.of("oscore", "cose")), app);

        fx.clock.advance(Duration.ofSeconds(5));
        Instant rotated = fx.clock.instant();
        ks.rotate(LAMP, Layer.APPLICATION);
        app = ks.metadata(LAMP).layers().get(Layer.APPLICATION.ordinal());
        assertEquals(new LayerKeyMetadata(Layer.APPLICATION, 2, rotated, null, Set.of()), app);
    }

    @Test
    void aKeyDerivedUnrecordedChangesNothingUntilItsUseIsRecorded() throws Exception {
        Instant enrolled = fx.clock.instant();
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        Map<String, byte[]> before = fx.files();
        fx.clock.advance(Duration.ofSeconds(5));

        DerivedKey k = ks.deriveKeyUnrecorded(LAMP, Layer.APPLICATION, "cose", 16);
        assertArrayEquals(independent(LAMP_ROOT, LAMP.value(), "APPLICATION", "cose", 1, 16), k.bytes());
        assertEquals(new LayerKeyMetadata(Layer.APPLICATION, 1, enrolled, null, Set.of()),
                ks.metadata(LAMP).layers().get(Layer.APPLICATION.ordinal()));
        assertFilesEqual(before, fx.files());

        Instant used = fx.clock.instant();
        ks.recordUse(k);
        assertEquals(new LayerKeyMetadata(Layer.APPLICATION, 1, enrolled, used, Set.of("cose")),
                ks.metadata(LAMP).layers().get(Layer.APPLICATION.ordinal()));
        assertFalse(fx.files().get(journal()).length == before.get(journal()).length,
                "the first use is durable at once");
        assertFalse(ks.discardEnrollment(LAMP), "a key was used");

        ks.rotate(LAMP, Layer.APPLICATION);
        assertThrows(StaleKeyException.class, () -> ks.recordUse(k));
        k.destroy();
    }

    private String journal() {
        return fx.storeDir.resolve(FileThingKeyStore.STORE_NAME + ".journal").toString();
    }

    // ------------------------------------------------------------------------------------------------ restart

    @Test
    void aReopenedStoreHoldsEverything() throws Exception {
        KeyPair thingPair = Fixture.ecKeyPair("secp256r1");
        X509Certificate cert = Fixture.selfSigned(thingPair, "cam", "SHA256withECDSA");
        ThingId cam = ThingId.of("cam-1");
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        ks.enroll(PLUG, RootCredential.secret(PLUG_ROOT));
        ks.enroll(cam, RootCredential.certificate(cert));
        ks.rotate(LAMP, Layer.NETWORK);
        ks.rotateAll(cam);
        ks.revoke(PLUG);
        fx.clock.advance(Duration.ofSeconds(3));
        key(ks, LAMP, Layer.NETWORK, "zigbee-nwk", 16);
        long maxLamp = -1;
        for (int i = 0; i < 100; i++) {
            maxLamp = ks.nextCounter(LAMP, Layer.NETWORK, "zigbee-nwk", Long.MAX_VALUE);
        }
        long maxCam = ks.nextCounter(cam, Layer.APPLICATION, "oscore", Long.MAX_VALUE);
        byte[] lampKey = key(ks, LAMP, Layer.NETWORK, "zigbee-nwk", 16);
        byte[] camKey = key(ks, cam, Layer.APPLICATION, "oscore", 32);
        Map<ThingId, KeyMetadata> metadata = Map.of(LAMP, ks.metadata(LAMP), PLUG, ks.metadata(PLUG), cam,
                ks.metadata(cam));
        var hub = ks.hubIdentity();
        ks.close();

        ks = fx.open();
        assertEquals(List.of(cam, LAMP, PLUG), ks.things());
        metadata.forEach((t, md) -> assertEquals(md, ks.metadata(t)));
        assertEquals(hub.certificate(), ks.hubIdentity().certificate());
        assertArrayEquals(hub.privateKey().getEncoded(), ks.hubIdentity().privateKey().getEncoded());
        assertArrayEquals(lampKey, key(ks, LAMP, Layer.NETWORK, "zigbee-nwk", 16));
        assertArrayEquals(camKey, key(ks, cam, Layer.APPLICATION, "oscore", 32));
        assertEquals(cert, ks.rootCertificate(cam).orElseThrow());
        assertFalse(ks.isActive(PLUG));
        assertThrows(KeyRevokedException.class, () -> ks.deriveKey(PLUG, Layer.LINK, "m", 16));
        assertTrue(ks.nextCounter(LAMP, Layer.NETWORK, "zigbee-nwk", Long.MAX_VALUE) > maxLamp);
        assertTrue(ks.nextCounter(cam, Layer.APPLICATION, "oscore", Long.MAX_VALUE) > maxCam);

        // and once more after a compaction, which folds everything into the snapshot
        ks.compact();
        ks.close();
        ks = fx.open();
        metadata.forEach((t, md) -> assertEquals(md, ks.metadata(t)));
        assertEquals(hub.certificate(), ks.hubIdentity().certificate());
        assertArrayEquals(lampKey, key(ks, LAMP, Layer.NETWORK, "zigbee-nwk", 16));
        assertTrue(ks.nextCounter(LAMP, Layer.NETWORK, "zigbee-nwk", Long.MAX_VALUE) > maxLamp + 1);
    }

    @Test
    void usageTimesAreWrittenWithTheNextRecord(@TempDir Path crash) throws Exception {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        fx.clock.advance(Duration.ofSeconds(7));
        Instant used = fx.clock.instant();
        key(ks, LAMP, Layer.LINK, "m", 16);
        ks.enroll(PLUG, RootCredential.secret(PLUG_ROOT)); // any write carries the pending usage along
        try (FileThingKeyStore copy = fx.crashCopy(crash).open()) {
            assertEquals(used, copy.metadata(LAMP).layers().get(0).lastUsed());
            assertEquals(Set.of("m"), copy.metadata(LAMP).layers().get(0).mechanisms());
        }
    }

    @Test
    void hubIdentityIsAP256SelfSignedLeafCertificate() throws Exception {
        X509Certificate c = ks.hubIdentity().certificate();
        c.verify(c.getPublicKey());
        assertEquals("EC", c.getPublicKey().getAlgorithm());
        assertTrue(c.getSubjectX500Principal().getName().matches("CN=trusthub hub [0-9a-f]{12}"),
                c.getSubjectX500Principal().getName());
        assertEquals(c.getSubjectX500Principal(), c.getIssuerX500Principal());
        assertEquals("SHA256withECDSA", c.getSigAlgName());
        assertEquals(-1, c.getBasicConstraints());
        boolean[] ku = c.getKeyUsage();
        assertTrue(ku[0], "digitalSignature");
        assertTrue(ku[4], "keyAgreement");
        assertFalse(ku[5], "not keyCertSign");
        assertTrue(c.getCriticalExtensionOIDs().containsAll(Set.of("2.5.29.19", "2.5.29.15")));
        long days = Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant()).toDays();
        assertTrue(days >= 3652 && days <= 3653, days + " days");
        HubIdentities.requireP256(c);
    }

    // ------------------------------------------------------------------------------------------------ bad input

    @Test
    void badInputIsRefusedWithASpecificMessageAndChangesNothing() throws Exception {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        key(ks, LAMP, Layer.LINK, "m", 16);
        ks.compact(); // settle the pending usage record so the files must stay byte for byte
        KeyMetadata md = ks.metadata(LAMP);
        Map<String, byte[]> files = fx.files();
        ThingId ghost = ThingId.of("ghost");
        String unknown = "unknown thing 'ghost': it is not enrolled on this hub";

        assertEquals(unknown, assertThrows(UnknownThingException.class,
                () -> ks.deriveKey(ghost, Layer.LINK, "m", 16)).getMessage());
        assertEquals(unknown, assertThrows(UnknownThingException.class,
                () -> ks.nextCounter(ghost, Layer.LINK, "m", 10)).getMessage());
        assertEquals(unknown, assertThrows(UnknownThingException.class,
                () -> ks.rotate(ghost, Layer.LINK)).getMessage());
        assertEquals(unknown, assertThrows(UnknownThingException.class, () -> ks.rotateAll(ghost)).getMessage());
        assertEquals(unknown, assertThrows(UnknownThingException.class, () -> ks.revoke(ghost)).getMessage());
        assertEquals(unknown, assertThrows(UnknownThingException.class, () -> ks.metadata(ghost)).getMessage());
        assertEquals(unknown, assertThrows(UnknownThingException.class,
                () -> ks.rootCertificate(ghost)).getMessage());
        assertFalse(ks.isActive(ghost));

        assertEquals("thing 'lamp-kitchen-1' is already enrolled (its keys are active; revoke them before "
                + "enrolling it again with a fresh root credential)", assertThrows(DuplicateThingException.class,
                        () -> ks.enroll(LAMP, RootCredential.secret(PLUG_ROOT))).getMessage());

        for (String bad : new String[] {"", "Dtls", "dtls psk", "-x", "x".repeat(49)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ks.deriveKey(LAMP, Layer.LINK, bad, 16));
            assertTrue(e.getMessage().startsWith("malformed mechanism name"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ks.nextCounter(LAMP, Layer.LINK, bad, 10));
        }
        for (int len : new int[] {-1, 0, 15, 65, 8160}) {
            assertEquals("key length " + len + " bytes is out of range: it must be 16 to 64 bytes",
                    assertThrows(IllegalArgumentException.class, () -> ks.deriveKey(LAMP, Layer.LINK, "m", len))
                            .getMessage());
        }
        assertEquals("root secret is 15 bytes; it must be 16 to 64 bytes", assertThrows(
                IllegalArgumentException.class, () -> RootCredential.secret(new byte[15])).getMessage());

        assertEquals(md, ks.metadata(LAMP));
        assertEquals(List.of(LAMP), ks.things());
        assertFilesEqual(files, fx.files());
    }

    @Test
    void aClosedKeystoreRefusesWork() {
        ks.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ks.things());
        assertEquals("keystore " + fx.storeDir + " is closed", e.getMessage());
        ks.close(); // a second close is harmless
    }

    @Test
    void secretsNeverAppearInMessagesOrToString() throws Exception {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        DerivedKey k = ks.deriveKey(LAMP, Layer.LINK, "m", 32);
        List<byte[]> secrets = new ArrayList<>(List.of(LAMP_ROOT, k.bytes(),
                Hkdf.extract("trusthub/v1 root".getBytes(StandardCharsets.UTF_8), LAMP_ROOT),
                java.nio.file.Files.readAllBytes(fx.masterKey), ks.hubIdentity().privateKey().getEncoded()));
        List<String> texts = new ArrayList<>(List.of(ks.toString(), k.toString(), ks.hubIdentity().toString(),
                ks.metadata(LAMP).toString(), RootCredential.secret(LAMP_ROOT).toString()));
        List<Runnable> failing = List.of(() -> ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT)),
                () -> ks.deriveKey(LAMP, Layer.LINK, "BAD", 16), () -> ks.deriveKey(LAMP, Layer.LINK, "m", 99),
                () -> ks.nextCounter(LAMP, Layer.LINK, "m", -5), () -> ks.metadata(ThingId.of("x")));
        for (Runnable r : failing) {
            texts.add(describe(assertThrows(RuntimeException.class, r::run)));
        }
        ks.revoke(LAMP);
        texts.add(describe(assertThrows(RuntimeException.class, () -> ks.deriveKey(LAMP, Layer.LINK, "m", 16))));
        texts.add(describe(assertThrows(RuntimeException.class,
                () -> ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT)))));
        texts.add(ks.metadata(LAMP).toString());
        texts.add(new KeystoreRecords.ThingRec(LAMP, RootCredential.Kind.SECRET, null, null, Instant.EPOCH, LAMP_ROOT,
                null, List.of(), List.of()).toString());
        Secrets.assertNoneIn(secrets, texts);
    }

    @Test
    void eventsFollowDurableChanges() {
        ks.enroll(LAMP, RootCredential.secret(LAMP_ROOT));
        Instant t0 = fx.clock.instant();
        fx.clock.advance(Duration.ofSeconds(1));
        ks.rotate(LAMP, Layer.LINK);
        ks.rotateAll(LAMP);
        ks.revoke(LAMP);
        ks.revoke(LAMP);
        Instant t1 = fx.clock.instant();
        assertEquals(List.of(new KeyEvent(TrustHubEvents.KEYS_ENROLLED, LAMP, null, 1, t0),
                new KeyEvent(TrustHubEvents.KEYS_ROTATED, LAMP, Layer.LINK, 2, t1),
                new KeyEvent(TrustHubEvents.KEYS_ROTATED, LAMP, null, null, t1),
                new KeyEvent(TrustHubEvents.KEYS_REVOKED, LAMP, null, null, t1)), fx.events);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static String describe(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c).append('\n');
        }
        return b.toString();
    }

    static void assertFilesEqual(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name + " changed"));
    }
}
