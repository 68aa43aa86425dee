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
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.wss.DiscoverySigner;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.trusthub.security.wss.WssPolicy;
import org.trusthub.security.wss.WssResult;
import org.w3c.dom.Document;

/** The component on the real keystore and registry: two hubs that enrolled each other's certificate, and things. */
class WsSecurityComponentTest {

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
        a = new WsSecurityComponent(keysA, config("sign,encrypt"), Clock.systemUTC());
        a.registry = registryA;
        b = new WsSecurityComponent(keysB, config("sign,encrypt", "lamp-1: username ttl=60",
                "legacy-2: plain", "broken-3: sign shout", "hosted-sign: sign"), Clock.systemUTC());
        b.registry = registryB;
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
        a.secure(doc, HUB_B);
        byte[] wire = SecureXml.serialize(doc);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(SecureXml.parse(wire), HUB_A));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
        assertTrue(e.getMessage().contains("not operational"), e.getMessage());
        e = assertThrows(WsSecurityException.class, () -> b.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted")));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
        assertThrows(WsSecurityException.class, () -> b.secure(Envelopes.invoke(), HUB_A));
        Document hello = SecureXml.parse(CompactSignatureTest.HELLO.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        a.signDiscovery(hello);
        assertThrows(WsSecurityException.class, () -> b.verifyDiscovery(Envelopes.wire(hello)));
        // Things whose policy is plain need no registry.
        assertEquals(WssResult.NONE, b.secure(Envelopes.invoke(), ThingId.of("legacy-2")));

        // With the registry back, the refused request was not recorded as seen: it is accepted, once.
        b.registry = registryB;
        assertEquals(Optional.of(HUB_A), b.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted")).signer());
        e = assertThrows(WsSecurityException.class, () -> b.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted")));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), e.getMessage());
    }

    @Test
    void aRequestFromAThingInMaintenanceIsRefusedAndNotRecorded() throws Exception {
        Document doc = Envelopes.invoke();
        a.secure(doc, HUB_B);
        byte[] wire = SecureXml.serialize(doc);
        registryB.transition(HUB_A, Transition.MAINTAIN);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted")));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
        registryB.transition(HUB_A, Transition.RESUME);
        assertEquals(Optional.of(HUB_A), b.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted")).signer());
        e = assertThrows(WsSecurityException.class, () -> b.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted")));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), "a genuine replay is still refused");
    }

    @Test
    void hubsExchangeSignedAndEncryptedInvokes() throws Exception {
        Document doc = Envelopes.invoke();
        WssResult sent = a.secure(doc, HUB_B);
        assertEquals("signed+encrypted", sent.label());
        Document received = Envelopes.wire(doc);
        WssResult result = b.verify(received, HUB_A);
        assertEquals(Optional.of(HUB_A), result.signer());
        assertTrue(result.encrypted());
        assertTrue(Envelopes.text(received).contains("<l:Level>75</l:Level>"));
    }

    @Test
    void hostedServiceNamesTheClient() throws Exception {
        Document doc = Envelopes.invoke();
        a.secure(doc, HUB_B);
        WssResult result = b.verifyRequest(Envelopes.wire(doc), ThingId.of("some-hosted-lamp"));
        assertEquals(Optional.of(HUB_A), result.signer());
    }

    @Test
    void revokedPeerIsRefusedAtOnce() throws Exception {
        Document doc = Envelopes.invoke();
        a.secure(doc, HUB_B);
        b.verify(Envelopes.wire(doc), HUB_A);
        Document second = Envelopes.invoke();
        a.secure(second, HUB_B);
        keysB.revoke(HUB_A);
        b.handleEvent(new org.osgi.service.event.Event("org/trusthub/keystore/REVOKED", java.util.Map.of()));
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verifyRequest(Envelopes.wire(second), ThingId.of("hosted")));
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
            WssPolicy policy = b.policy(lamp);
            assertEquals(new WssPolicy(false, false, true, Duration.ofSeconds(60)), policy);
            Document doc = Envelopes.invoke();
            lampSide.secure(doc, policy, lamp);
            WssResult result = b.verify(Envelopes.wire(doc), lamp);
            assertEquals(Optional.of("lamp-1"), result.username());
            assertFalse(result.signed());
        }
    }

    private WssResult signedBy(Party signer) throws Exception {
        signer.know(HUB_B, keysB.hubIdentity().certificate());
        Document doc = Envelopes.invoke();
        new WssEngine(signer, Clock.systemUTC()).secure(doc, new WssPolicy(true, false, false,
                Duration.ofMinutes(5)), HUB_B);
        return b.verifyRequest(Envelopes.wire(doc), ThingId.of("hosted-sign"));
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
        WssPolicy policy = b.policy(lamp);
        Document forged = Envelopes.invoke();
        lampSide(lamp, new byte[32], "impostor").secure(forged, policy, lamp);
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> b.verify(Envelopes.wire(forged), lamp));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault(), e.getMessage());
        assertEquals(before, keysB.metadata(lamp), "a forged UsernameToken recorded a key use");
        java.util.Map<String, byte[]> after = storeFiles(tmp.resolve("b/store"));
        assertEquals(files.keySet(), after.keySet());
        files.forEach((name, bytes) -> org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, after.get(name),
                name + " changed"));

        Document genuine = Envelopes.invoke();
        lampSide(lamp, secret, "lamp").secure(genuine, policy, lamp);
        b.verify(Envelopes.wire(genuine), lamp);
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
    void unenrolledPeersGetTheUnenrolledPolicyEnrolledOnesTheDefault() throws Exception {
        assertTrue(b.policy(ThingId.of("dpws-stranger")).isPlain());
        assertEquals(WssPolicy.SIGN_ENCRYPT, b.policy(HUB_A));
        Document doc = Envelopes.invoke();
        assertEquals(WssResult.NONE, b.secure(doc, ThingId.of("dpws-stranger")));
        assertEquals(Envelopes.INVOKE, Envelopes.text(doc));
        // A plain message from the enrolled hub-a is a downgrade, whatever unenrolled peers may do.
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> b.verify(Envelopes.invoke(), HUB_A));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
    }

    @Test
    void policiesComeFromConfigurationAndFailClosed() {
        assertEquals(WssPolicy.SIGN_ENCRYPT, b.policy(HUB_A));
        assertTrue(b.policy(ThingId.of("legacy-2")).isPlain());
        WssPolicy broken = b.policy(ThingId.of("broken-3"));
        assertTrue(broken.sign() && broken.encrypt(), "an unreadable entry gets the strict policy");
    }

    @Test
    void severalEntriesInOneCfgValueAndRefusedOnesAreReported() {
        // what a .cfg line 'thingPolicies = lamp-1: ...; legacy-2: plain; ...' delivers: one String
        WsSecurityComponent c = new WsSecurityComponent(keysB, config("sign,encrypt",
                "lamp-1: sign encrypt username ttl=60; legacy-2: plain;broken-3: sign shout; no-colon"),
                Clock.systemUTC());
        WssPolicy lamp = c.policy(ThingId.of("lamp-1"));
        assertTrue(lamp.sign() && lamp.encrypt() && lamp.usernameToken(), lamp.label());
        assertEquals(60, lamp.timestampTtl().toSeconds());
        assertTrue(c.policy(ThingId.of("legacy-2")).isPlain(), "the second entry of the value applies");
        WssPolicy broken = c.policy(ThingId.of("broken-3"));
        assertTrue(broken.sign() && broken.encrypt() && !broken.usernameToken(), "a refused entry fails closed");
        assertEquals(List.of(new PolicyReport.Row("default", "sign encrypt ttl=300"),
                new PolicyReport.Row("unenrolled", "plain ttl=300"),
                new PolicyReport.Row("lamp-1", "sign encrypt username ttl=60"),
                new PolicyReport.Row("legacy-2", "plain ttl=300"),
                new PolicyReport.Row("broken-3", "sign encrypt ttl=300")), c.policies());
        assertEquals(List.of("thingPolicies entry 'broken-3: sign shout': unknown word 'shout'; broken-3 gets "
                + "sign,encrypt", "thingPolicies entry 'no-colon': it is not '<thing id>: <words>'; ignored"),
                c.refused());

        // the typed-list text README used to show, which a .cfg with any plain value delivers as one String
        c.modified(config("sign,encrypt", "[\"lamp-1: plain\", \"legacy-2: sign, username\"]"));
        assertTrue(c.policy(ThingId.of("lamp-1")).isPlain());
        assertEquals("signed+username", c.policy(ThingId.of("legacy-2")).label());
        assertEquals(List.of(), c.refused());
        c.modified(config("sign,encrypt", "[lamp-1: plain]"));
        assertEquals(1, c.refused().size(), c.refused().toString());
        assertTrue(c.refused().get(0).startsWith("thingPolicies: '[lamp-1: plain]' starts with '[' but is not a "
                + "list of quoted strings"), c.refused().get(0));
        assertEquals(2, c.policies().size(), "nothing of a refused value applies: " + c.policies());
    }

    @Test
    void discoveryCompactSignatureBetweenHubs() throws Exception {
        Document hello = SecureXml.parse(CompactSignatureTest.HELLO.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        a.signDiscovery(hello);
        Optional<DiscoverySigner> signer = b.verifyDiscovery(Envelopes.wire(hello));
        assertEquals(Optional.of(HUB_A), signer.orElseThrow().thing());
    }

    @Test
    void theReplayShareOfASenderIsASettingAndABadValueChangesNothing() throws Exception {
        WsSecurityComponent small = new WsSecurityComponent(keysB, config(2, "sign,encrypt"), Clock.systemUTC());
        small.registry = registryB;
        for (int i = 0; i < 2; i++) {
            Document doc = Envelopes.invoke();
            a.secure(doc, HUB_B);
            small.verifyRequest(Envelopes.wire(doc), ThingId.of("hosted"));
        }
        Document third = Envelopes.invoke();
        a.secure(third, HUB_B);
        byte[] wire = SecureXml.serialize(third);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> small.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted")));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());

        small.modified(config(0, "sign,encrypt"));
        assertEquals(2, small.replayEntriesPerSender(), "0 is refused; the share stays as it was");
        assertThrows(WsSecurityException.class, () -> small.verifyRequest(SecureXml.parse(wire),
                ThingId.of("hosted")));
        // Raised while running: the window keeps what it holds (no replay becomes possible) and takes one more.
        small.modified(config(3, "sign,encrypt"));
        small.verifyRequest(SecureXml.parse(wire), ThingId.of("hosted"));
        assertEquals(3, small.replayEntries(), "one Timestamp per signed message");
    }

    @Test
    void securityProviderProperties() {
        assertEquals(org.trusthub.api.keystore.Layer.APPLICATION, a.layer());
        assertEquals("ws-security", a.mechanism());
    }

    /** The component's configuration (also SctRequestsTest's): plain for unenrolled things, a 300 s timestamp. */
    static WsSecurityComponent.Config config(String defaults, String... things) {
        return config(WssEngine.REPLAY_ENTRIES_PER_SENDER, defaults, things);
    }

    /** As {@link #config(String, String...)} with this share of the replay window per sender. */
    static WsSecurityComponent.Config config(int replayEntriesPerSender, String defaults, String... things) {
        return new WsSecurityComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return WsSecurityComponent.Config.class;
            }

            @Override
            public String defaultPolicy() {
                return defaults;
            }

            @Override
            public String unenrolledPolicy() {
                return "plain";
            }

            @Override
            public int timestampTtlSeconds() {
                return 300;
            }

            @Override
            public int replayEntriesPerSender() {
                return replayEntriesPerSender;
            }

            @Override
            public String[] thingPolicies() {
                return things;
            }
        };
    }
}
