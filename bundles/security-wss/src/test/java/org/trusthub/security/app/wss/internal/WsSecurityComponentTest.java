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
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.TrustPurpose;
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
    void certificateIssuedByAWssAnchorNamesTheThingOfItsEnrolledKey() throws Exception {
        KeyPair ca = Party.p256();
        keysB.addTrustAnchor("home-ca", Party.certificate("home ca", ca.getPublic(), "home ca", ca.getPrivate()),
                Set.of(TrustPurpose.WSS));
        KeyPair sensorKey = Party.p256();
        keysB.enroll(ThingId.of("sensor-7"), RootCredential.certificate(
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
        keysB.enroll(ThingId.of("lamp"), RootCredential.secret(secret));
        refused(new Party("lamp", "home ca", ca.getPrivate()));
    }

    @Test
    void anAnchorForFirmwareVouchesForNoSigner() throws Exception {
        KeyPair ca = Party.p256();
        keysB.addTrustAnchor("vendor", Party.certificate("vendor ca", ca.getPublic(), "vendor ca", ca.getPrivate()),
                Set.of(TrustPurpose.FIRMWARE, TrustPurpose.DTLS, TrustPurpose.TLS));
        KeyPair lampKey = Party.p256();
        keysB.enroll(ThingId.of("lamp"), RootCredential.certificate(
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
