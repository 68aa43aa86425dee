package org.trusthub.security.wss.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.wss.DiscoverySigner;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.trusthub.security.wss.WssResult;
import org.w3c.dom.Document;

/** The component on the real keystore and registry: two hubs that enrolled each other's certificate, and things. */
class WsSecurityComponentTest {

    static final Protection SEALED = Protection.confidentiality().endToEnd();
    static final Protection SIGNED = Protection.integrity().endToEnd();

    private static final ThingId HUB_A = ThingId.of("hub-a");
    private static final ThingId HUB_B = ThingId.of("hub-b");

    @TempDir
    Path tmp;

    private FileThingKeyStore keysA;
    private FileThingKeyStore keysB;
    private ThingRegistryCore registryA;
    private ThingRegistryCore registryB;
    private WsSecurityComponent a;
    private WsSecurityComponent b;

    @BeforeEach
    void setUp() throws Exception {
        keysA = FileThingKeyStore.open(tmp.resolve("a/store"), tmp.resolve("a/master.key"));
        keysB = FileThingKeyStore.open(tmp.resolve("b/store"), tmp.resolve("b/master.key"));
        registryA = registry(tmp.resolve("a/registry"), keysA);
        registryB = registry(tmp.resolve("b/registry"), keysB);
        operational(registryA, HUB_B, RootCredential.certificate(keysB.hubIdentity().certificate()));
        operational(registryB, HUB_A, RootCredential.certificate(keysA.hubIdentity().certificate()));
        a = new WsSecurityComponent(keysA, config(), Clock.systemUTC());
        a.registry = registryA;
        b = new WsSecurityComponent(keysB, config(), Clock.systemUTC());
        b.registry = registryB;
        b.refusals = counted;
    }

    @AfterEach
    void tearDown() {
        registryA.close();
        registryB.close();
        keysA.close();
        keysB.close();
    }

    /** The real thing registry over a keystore (also SctRequestsTest's). */
    static ThingRegistryCore registry(Path directory, FileThingKeyStore keys) throws Exception {
        return new ThingRegistryCore(directory, keys, LifecycleEventSink.NONE, Clock.systemUTC());
    }

    /** Enrolls a thing through the registry and moves it to OPERATIONAL. */
    static void operational(ThingRegistryCore registry, ThingId thing, RootCredential root) {
        registry.enroll(thing, "owner", root);
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
    }

    @Test
    void textFromARefusedMessageCannotForgeLogLinesOrFillOne() {
        String line = WsSecurityComponent.oneLine("element x\nINFO forged line\r" + "y".repeat(10_000));
        assertFalse(line.contains("\n") || line.contains("\r"), line);
        assertTrue(line.startsWith("element x INFO forged line ") && line.length() < 400, line);
        assertEquals("", WsSecurityComponent.oneLine(null));
    }

    @Test
    void withoutARegistryNoThingIsOperational() throws Exception {
        b.registry = null;
        Document doc = Envelopes.invoke();
        a.secure(doc, HUB_B, SEALED);
        byte[] wire = SecureXml.serialize(doc);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(SecureXml.parse(wire), HUB_A, SEALED));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
        assertTrue(e.getMessage().contains("not operational"), e.getMessage());
        e = assertThrows(WsSecurityException.class, () -> b.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted"), SEALED));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
        assertThrows(WsSecurityException.class, () -> b.secure(Envelopes.invoke(), HUB_A, SEALED));
        Document hello = SecureXml.parse(CompactSignatureTest.HELLO.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        a.signDiscovery(hello);
        assertThrows(WsSecurityException.class, () -> b.verifyDiscovery(Envelopes.wire(hello)));
        // Things of which nothing is required need no registry.
        assertEquals(WssResult.NONE, b.secure(Envelopes.invoke(), ThingId.of("legacy-2"), Protection.NONE));

        // With the registry back, the refused request was not recorded as seen: it is accepted, once.
        b.registry = registryB;
        assertEquals(Optional.of(HUB_A), b.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted"), SEALED).signer());
        e = assertThrows(WsSecurityException.class, () -> b.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted"), SEALED));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), e.getMessage());
    }

    @Test
    void aRequestFromAThingInMaintenanceIsRefusedAndNotRecorded() throws Exception {
        Document doc = Envelopes.invoke();
        a.secure(doc, HUB_B, SEALED);
        byte[] wire = SecureXml.serialize(doc);
        registryB.transition(HUB_A, Transition.MAINTAIN);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted"), SEALED));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
        registryB.transition(HUB_A, Transition.RESUME);
        assertEquals(Optional.of(HUB_A), b.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted"), SEALED).signer());
        e = assertThrows(WsSecurityException.class, () -> b.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted"), SEALED));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), "a genuine replay is still refused");
    }

    @Test
    void hubsExchangeSignedAndEncryptedInvokes() throws Exception {
        Document doc = Envelopes.invoke();
        WssResult sent = a.secure(doc, HUB_B, SEALED);
        assertEquals("signed+encrypted", sent.label());
        Document received = Envelopes.wire(doc);
        WssResult result = b.verify(received, HUB_A, SEALED);
        assertEquals(Optional.of(HUB_A), result.signer());
        assertTrue(result.encrypted());
        assertTrue(Envelopes.text(received).contains("<l:Level>75</l:Level>"));
    }

    @Test
    void hostedServiceNamesTheClient() throws Exception {
        Document doc = Envelopes.invoke();
        a.secure(doc, HUB_B, SEALED);
        WssResult result = b.verifyRequest(Envelopes.wire(doc), ThingId.of("some-hosted-lamp"), SEALED);
        assertEquals(Optional.of(HUB_A), result.signer());
    }

    @Test
    void revokedPeerIsRefusedAtOnce() throws Exception {
        Document doc = Envelopes.invoke();
        a.secure(doc, HUB_B, SEALED);
        b.verify(Envelopes.wire(doc), HUB_A, SEALED);
        Document second = Envelopes.invoke();
        a.secure(second, HUB_B, SEALED);
        keysB.revoke(HUB_A);
        b.forget(HUB_A);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verifyRequest(Envelopes.wire(second), ThingId.of("hosted"), SEALED));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault(), e.getMessage());
    }

    @Test
    void usernameTokenPasswordIsDerivedFromTheThingsRoot() throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        ThingId lamp = ThingId.of("lamp-1");
        operational(registryB, lamp, RootCredential.secret(secret));
        // The lamp derives the same password from the same root: play it with a keystore of its own.
        try (FileThingKeyStore lampKeys = FileThingKeyStore.open(tmp.resolve("lamp/store"),
                tmp.resolve("lamp/master.key"))) {
            lampKeys.enroll(lamp, RootCredential.secret(secret));
            WssEngine lampSide = new WssEngine(new KeystoreCredentials(lampKeys), Clock.systemUTC(),
                    new WssEngine.Outgoing(Algorithms.SIGNATURE, Algorithms.DIGEST, Algorithms.ENCRYPTION, "lamp-1"));
            WssPolicy policy = new WssPolicy(false, false, true, Duration.ofSeconds(60));
            Document doc = Envelopes.invoke();
            lampSide.secure(doc, policy, lamp);
            WssResult result = b.verify(Envelopes.wire(doc), lamp, Protection.NONE);
            assertEquals(Optional.of("lamp-1"), result.username());
            assertFalse(result.signed());
            // Known by its UsernameToken only: authenticated, but nothing of the message is protected.
            assertEquals(Optional.of(new Authenticated(lamp, Layer.APPLICATION, "wss-username", Protection.NONE,
                    "")), result.authenticated());
        }
    }

    private WssResult signedBy(Party signer) throws Exception {
        signer.know(HUB_B, keysB.hubIdentity().certificate());
        Document doc = Envelopes.invoke();
        new WssEngine(signer, Clock.systemUTC()).secure(doc, new WssPolicy(true, false, false,
                Duration.ofMinutes(5)), HUB_B);
        return b.verifyRequest(Envelopes.wire(doc), ThingId.of("hosted-sign"), SIGNED);
    }

    private void refused(Party signer) {
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> signedBy(signer));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
    }

    @Test
    void aForgedUsernameTokenWritesNothingToTheKeystoreAndAGenuineOneRecordsTheUse() throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        ThingId lamp = ThingId.of("lamp-1");
        operational(registryB, lamp, RootCredential.secret(secret));
        org.trusthub.api.keystore.KeyMetadata before = keysB.metadata(lamp);
        java.util.Map<String, byte[]> files = storeFiles(tmp.resolve("b/store"));
        WssPolicy policy = new WssPolicy(false, false, true, Duration.ofSeconds(60));
        Document forged = Envelopes.invoke();
        lampSide(lamp, new byte[32], "impostor").secure(forged, policy, lamp);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.wire(forged), lamp, Protection.NONE));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault(), e.getMessage());
        assertEquals(before, keysB.metadata(lamp), "a forged UsernameToken recorded a key use");
        java.util.Map<String, byte[]> after = storeFiles(tmp.resolve("b/store"));
        assertEquals(files.keySet(), after.keySet());
        files.forEach((name, bytes) -> org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, after.get(name),
                name + " changed"));

        Document genuine = Envelopes.invoke();
        lampSide(lamp, secret, "lamp").secure(genuine, policy, lamp);
        b.verify(Envelopes.wire(genuine), lamp, Protection.NONE);
        assertTrue(keysB.metadata(lamp).layers().get(org.trusthub.api.keystore.Layer.APPLICATION.ordinal())
                .mechanisms().contains(KeystoreCredentials.UT_MECHANISM));
        assertFalse(keysB.discardEnrollment(lamp), "the genuine message's key use is durable");
    }

    /** The thing's side: an engine over a keystore of its own holding {@code secret} as the thing's root. */
    private WssEngine lampSide(ThingId lamp, byte[] secret, String dir) {
        FileThingKeyStore keys = FileThingKeyStore.open(tmp.resolve(dir + "/store"), tmp.resolve(dir + "/master.key"));
        keys.enroll(lamp, RootCredential.secret(secret));
        opened.add(keys);
        return new WssEngine(new KeystoreCredentials(keys), Clock.systemUTC(),
                new WssEngine.Outgoing(Algorithms.SIGNATURE, Algorithms.DIGEST, Algorithms.ENCRYPTION, lamp.value()));
    }

    private final java.util.List<FileThingKeyStore> opened = new java.util.ArrayList<>();

    @AfterEach
    void closeThingSides() {
        opened.forEach(FileThingKeyStore::close);
    }

    private static java.util.Map<String, byte[]> storeFiles(Path dir) throws java.io.IOException {
        java.util.Map<String, byte[]> out = new java.util.TreeMap<>();
        try (var s = java.nio.file.Files.list(dir)) {
            for (Path p : s.filter(p -> !p.getFileName().toString().endsWith(".lock")).toList()) {
                out.put(p.getFileName().toString(), java.nio.file.Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void certificateIssuedByAWssAnchorNamesTheThingOfItsEnrolledKey() throws Exception {
        KeyPair ca = Party.p256();
        keysB.addTrustAnchor("home-ca", Party.certificate("home ca", ca.getPublic(), "home ca", ca.getPrivate()),
                Set.of(TrustPurpose.WSS));
        KeyPair sensorKey = Party.p256();
        operational(registryB, ThingId.of("sensor-7"), RootCredential.certificate(
                Party.certificate("sensor-7", sensorKey.getPublic(), "home ca", ca.getPrivate())));
        // a certificate the anchor issued later for the same key (a renewal) names the thing
        assertEquals(Optional.of(ThingId.of("sensor-7")),
                signedBy(new Party("sensor-7", sensorKey, "home ca", ca.getPrivate())).signer());
        // the anchor's certificate with the thing's name but another key names nobody
        refused(new Party("sensor-7", "home ca", ca.getPrivate()));
        // and a self-made one neither
        refused(new Party("sensor-7"));
    }

    @Test
    void aCommonNameNeverNamesAThingEnrolledWithASecret() throws Exception {
        KeyPair ca = Party.p256();
        keysB.addTrustAnchor("home-ca", Party.certificate("home ca", ca.getPublic(), "home ca", ca.getPrivate()),
                Set.of(TrustPurpose.WSS));
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        operational(registryB, ThingId.of("lamp"), RootCredential.secret(secret));
        refused(new Party("lamp", "home ca", ca.getPrivate()));
    }

    @Test
    void anAnchorForFirmwareVouchesForNoSigner() throws Exception {
        KeyPair ca = Party.p256();
        keysB.addTrustAnchor("vendor", Party.certificate("vendor ca", ca.getPublic(), "vendor ca", ca.getPrivate()),
                Set.of(TrustPurpose.FIRMWARE, TrustPurpose.DTLS, TrustPurpose.TLS));
        KeyPair lampKey = Party.p256();
        operational(registryB, ThingId.of("lamp"), RootCredential.certificate(
                Party.certificate("lamp", lampKey.getPublic(), "lamp", lampKey.getPrivate())));
        refused(new Party("lamp", lampKey, "vendor ca", ca.getPrivate()));
    }

    @Test
    void unenrolledPeersArePlainWhateverThePolicyRequiresEnrolledOnesGetIt() throws Exception {
        assertEquals(Protection.NONE, b.effective(ThingId.of("dpws-stranger"), SEALED));
        assertEquals(SEALED, b.effective(HUB_A, SEALED));
        Document doc = Envelopes.invoke();
        assertEquals(WssResult.NONE, b.secure(doc, ThingId.of("dpws-stranger"), SEALED));
        assertEquals(Envelopes.INVOKE, Envelopes.text(doc));
        // A plain message from the enrolled hub-a is a downgrade, whatever unenrolled peers may do.
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.invoke(), HUB_A, SEALED));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
        assertEquals(RefusalReason.POLICY, e.reason());
    }

    @Test
    void aRequiredProtectionBecomesTheActionsThatGiveIt() throws Exception {
        assertEquals("signed", a.secure(Envelopes.invoke(), HUB_B, SIGNED).label());
        assertEquals("signed", a.secure(Envelopes.invoke(), HUB_B, Protection.integrity()).label(),
                "WS-Security reaches end to end, which also gives hop by hop");
        assertEquals("signed+encrypted", a.secure(Envelopes.invoke(), HUB_B, SEALED).label());
        assertEquals("signed+encrypted", a.secure(Envelopes.invoke(), HUB_B, Protection.confidentiality()).label());
        assertEquals(WssResult.NONE, a.secure(Envelopes.invoke(), HUB_B, Protection.NONE));

        Document signedOnly = Envelopes.invoke();
        a.secure(signedOnly, HUB_B, SIGNED);
        byte[] wire = SecureXml.serialize(signedOnly);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(SecureXml.parse(wire), HUB_A, SEALED));
        assertEquals(RefusalReason.POLICY, e.reason(), "signed only where encryption is required: a downgrade");
        WssResult r = b.verify(SecureXml.parse(wire), HUB_A, SIGNED);
        assertEquals(Optional.of(Authenticated.message(HUB_A, Layer.APPLICATION, "wss-x509", SIGNED)),
                r.authenticated());
    }

    @Test
    void theUnenrolledSettingRefusesThemAndABadValueFailsClosed() {
        WsSecurityComponent c = new WsSecurityComponent(keysB, config(WssEngine.REPLAY_ENTRIES_PER_SENDER, "refuse"),
                Clock.systemUTC());
        assertEquals(SEALED, c.effective(ThingId.of("dpws-stranger"), SEALED));
        assertEquals(List.of(), c.refused());
        c.modified(config(WssEngine.REPLAY_ENTRIES_PER_SENDER, "shout"));
        assertEquals(SEALED, c.effective(ThingId.of("dpws-stranger"), SEALED));
        assertEquals(List.of("unenrolledPolicy 'shout' is neither plain nor refuse; unenrolled peers are refused"),
                c.refused());
        c.modified(config());
        assertEquals(Protection.NONE, c.effective(ThingId.of("dpws-stranger"), SEALED));
    }

    @Test
    void refusalsAreCountedInTheSharedVocabulary() throws Exception {
        Document doc = Envelopes.invoke();
        a.secure(doc, HUB_B, SEALED);
        byte[] wire = SecureXml.serialize(doc);
        b.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted"), SEALED);
        assertThrows(WsSecurityException.class, () -> b.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted"),
                SEALED));
        assertThrows(WsSecurityException.class, () -> b.verify(Envelopes.invoke(), HUB_A, SEALED));
        registryB.transition(HUB_A, Transition.MAINTAIN);
        Document later = Envelopes.invoke();
        a.secure(later, HUB_B, SEALED);
        assertThrows(WsSecurityException.class, () -> b.verify(Envelopes.wire(later), HUB_A, SEALED));
        assertEquals(List.of("-/REPLAY", "hub-a/POLICY", "hub-a/NOT_OPERATIONAL"), counted.seen);
    }

    @Test
    void aThingEnrolledAfterTheCertificatesWereCachedIsKnownWithoutAnyEvent() throws Exception {
        // The cache of certificate owners is loaded by the first message ...
        Document first = Envelopes.invoke();
        a.secure(first, HUB_B, SEALED);
        b.verifyRequest(Envelopes.wire(first), ThingId.of("hosted"), SEALED);
        // ... and a thing enrolled afterwards signs at once: no keystore event tells the provider.
        KeyPair key = Party.p256();
        Party sensor = new Party("sensor-9", key, "sensor-9", key.getPrivate());
        operational(registryB, ThingId.of("sensor-9"), RootCredential.certificate(sensor.identity.certificate()));
        assertEquals(Optional.of(ThingId.of("sensor-9")), signedBy(sensor).signer());
    }

    /** Records what the provider reported, as thing/reason. */
    static final class Counted implements SecurityRefusals {
        final List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
            assertEquals(Layer.APPLICATION, layer);
            assertEquals("ws-security", mechanism);
            seen.add(thing.map(ThingId::value).orElse("-") + "/" + reason);
        }

        @Override
        public List<RefusalCount> counts() {
            return List.of();
        }

        @Override
        public List<RefusalCount> counts(ThingId thing) {
            return List.of();
        }

        @Override
        public void clear(ThingId thing) {
        }
    }

    private final Counted counted = new Counted();

    @Test
    void discoveryCompactSignatureBetweenHubs() throws Exception {
        Document hello = SecureXml.parse(CompactSignatureTest.HELLO.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        a.signDiscovery(hello);
        Optional<DiscoverySigner> signer = b.verifyDiscovery(Envelopes.wire(hello));
        assertEquals(Optional.of(HUB_A), signer.orElseThrow().thing());
    }

    @Test
    void theReplayShareOfASenderIsASettingAndABadValueChangesNothing() throws Exception {
        WsSecurityComponent small = new WsSecurityComponent(keysB, config(2), Clock.systemUTC());
        small.registry = registryB;
        for (int i = 0; i < 2; i++) {
            Document doc = Envelopes.invoke();
            a.secure(doc, HUB_B, SEALED);
            small.verifyRequest(Envelopes.wire(doc), ThingId.of("hosted"), SEALED);
        }
        Document third = Envelopes.invoke();
        a.secure(third, HUB_B, SEALED);
        byte[] wire = SecureXml.serialize(third);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> small.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted"), SEALED));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());

        small.modified(config(0));
        assertEquals(2, small.replayEntriesPerSender(), "0 is refused; the share stays as it was");
        assertThrows(WsSecurityException.class, () -> small.verifyRequest(SecureXml.parse(wire),
                ThingId.of("hosted"), SEALED));
        // Raised while running: the window keeps what it holds (no replay becomes possible) and takes one more.
        small.modified(config(3));
        small.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted"), SEALED);
        assertEquals(3, small.replayEntries(), "one Timestamp per signed message");
    }

    @Test
    void securityProviderProperties() {
        assertEquals(org.trusthub.api.keystore.Layer.APPLICATION, a.layer());
        assertEquals("ws-security", a.mechanism());
    }

    /** The component's configuration (also SctRequestsTest's): plain for unenrolled things, a 300 s timestamp. */
    static WsSecurityComponent.Config config() {
        return config(WssEngine.REPLAY_ENTRIES_PER_SENDER);
    }

    /** As {@link #config()} with this share of the replay window per sender. */
    static WsSecurityComponent.Config config(int replayEntriesPerSender) {
        return config(replayEntriesPerSender, "plain");
    }

    static WsSecurityComponent.Config config(int replayEntriesPerSender, String unenrolled) {
        return new WsSecurityComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return WsSecurityComponent.Config.class;
            }

            @Override
            public String unenrolledPolicy() {
                return unenrolled;
            }

            @Override
            public int timestampTtlSeconds() {
                return 300;
            }

            @Override
            public int replayEntriesPerSender() {
                return replayEntriesPerSender;
            }
        };
    }
}
