package org.trusthub.security.app.wss.internal;

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
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.security.app.wss.DiscoverySigner;
import org.trusthub.security.app.wss.WsSecurityException;
import org.trusthub.security.app.wss.WsSecurityException.Fault;
import org.trusthub.security.app.wss.WssPolicy;
import org.trusthub.security.app.wss.WssResult;
import org.w3c.dom.Document;

/** The component on the real keystore: two hubs that enrolled each other's certificate, and things. */
class WsSecurityComponentTest {

    private static final ThingId HUB_A = ThingId.of("hub-a");
    private static final ThingId HUB_B = ThingId.of("hub-b");

    @TempDir
    Path tmp;

    private FileThingKeyStore keysA;
    private FileThingKeyStore keysB;
    private WsSecurityComponent a;
    private WsSecurityComponent b;

    @BeforeEach
    void setUp() {
        keysA = FileThingKeyStore.open(tmp.resolve("a/store"), tmp.resolve("a/master.key"));
        keysB = FileThingKeyStore.open(tmp.resolve("b/store"), tmp.resolve("b/master.key"));
        keysA.enroll(HUB_B, RootCredential.certificate(keysB.hubIdentity().certificate()));
        keysB.enroll(HUB_A, RootCredential.certificate(keysA.hubIdentity().certificate()));
        a = new WsSecurityComponent(keysA, config("sign,encrypt"), Clock.systemUTC());
        b = new WsSecurityComponent(keysB, config("sign,encrypt", "lamp-1: username ttl=60",
                "legacy-2: plain", "broken-3: sign shout", "hosted-sign: sign"), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        keysA.close();
        keysB.close();
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
        keysB.enroll(lamp, RootCredential.secret(secret));
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

    @Test
    void aForgedUsernameTokenWritesNothingToTheKeystoreAndAGenuineOneRecordsTheUse() throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        ThingId lamp = ThingId.of("lamp-1");
        keysB.enroll(lamp, RootCredential.secret(secret));
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
    void certificateIssuedByATrustAnchorNamesItsThing() throws Exception {
        KeyPair ca = Party.p256();
        keysB.addTrustAnchor("home-ca", Party.certificate("home ca", ca.getPublic(), "home ca", ca.getPrivate()));
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        keysB.enroll(ThingId.of("sensor-7"), RootCredential.secret(secret));
        Party sensor = new Party("sensor-7", "home ca", ca.getPrivate());
        sensor.know(HUB_B, keysB.hubIdentity().certificate());
        Document doc = Envelopes.invoke();
        new WssEngine(sensor, Clock.systemUTC()).secure(doc, new WssPolicy(true, false, false,
                Duration.ofMinutes(5)), HUB_B);
        WssResult result = b.verifyRequest(Envelopes.wire(doc), ThingId.of("hosted-sign"));
        assertEquals(Optional.of(ThingId.of("sensor-7")), result.signer());

        Party impostor = new Party("sensor-7");
        Document forged = Envelopes.invoke();
        new WssEngine(impostor, Clock.systemUTC()).secure(forged, new WssPolicy(true, false, false,
                Duration.ofMinutes(5)), HUB_B);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verifyRequest(Envelopes.wire(forged), ThingId.of("hosted-sign")));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
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
    void discoveryCompactSignatureBetweenHubs() throws Exception {
        Document hello = SecureXml.parse(CompactSignatureTest.HELLO.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        a.signDiscovery(hello);
        Optional<DiscoverySigner> signer = b.verifyDiscovery(Envelopes.wire(hello));
        assertEquals(Optional.of(HUB_A), signer.orElseThrow().thing());
    }

    @Test
    void securityProviderProperties() {
        assertEquals(org.trusthub.api.keystore.Layer.APPLICATION, a.layer());
        assertEquals("ws-security", a.mechanism());
    }

    /** The component's configuration (also SctRequestsTest's): plain for unenrolled things, a 300 s timestamp. */
    static WsSecurityComponent.Config config(String defaults, String... things) {
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
            public String[] thingPolicies() {
                return things;
            }
        };
    }
}
