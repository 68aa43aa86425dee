package org.trusthub.security.wss.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trusthub.security.wss.internal.WsSecurityComponentTest.config;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.trusthub.security.wss.WssResult;
import org.trusthub.security.wss.sct.SctSigner;
import org.trusthub.security.wss.sct.SecurityContext;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The provider's request path for hosted things, with a security context token instead of an X.509 signature. */
class SctRequestsTest {

    static final ThingId SWITCH = ThingId.of("switch-1");
    // What the security policy requires: of lamp-1 integrity, of lamp-2 confidentiality, of switch-1 nothing.
    static final Protection SIGN = Protection.integrity().endToEnd();
    static final Protection SEAL = Protection.confidentiality().endToEnd();
    static final ThingId LAMP = ThingId.of("lamp-1");
    static final ThingId SECRET_LAMP = ThingId.of("lamp-2");
    static final String IDENTIFIER = "urn:test:sct:1";

    @TempDir
    Path tmp;
    FileThingKeyStore keys;
    org.trusthub.lifecycle.internal.ThingRegistryCore registry;
    WsSecurityComponent hub;
    final byte[] key = new byte[32];

    @BeforeEach
    void setUp() throws Exception {
        keys = FileThingKeyStore.open(tmp.resolve("store"), tmp.resolve("master.key"));
        registry = WsSecurityComponentTest.registry(tmp.resolve("registry"), keys);
        WsSecurityComponentTest.operational(registry, SWITCH, RootCredential.secret(new byte[32]));
        hub = new WsSecurityComponent(keys, config(), Clock.systemUTC());
        hub.registry = registry;
    }

    @AfterEach
    void tearDown() {
        registry.close();
        keys.close();
    }

    Document signedRequest(ThingId audience) throws Exception {
        return signedRequest(audience, REQUEST_ID, IDENTIFIER);
    }

    /** A request with this wsa:MessageID signed under the token with this identifier (the proof key is key). */
    Document signedRequest(ThingId audience, String messageId, String identifier) throws Exception {
        Document d = Envelopes.invoke();
        d.getElementsByTagNameNS("http://www.w3.org/2005/08/addressing", "MessageID").item(0)
                .setTextContent(messageId);
        Element sct = DocumentBuilderFactory.newNSInstance().newDocumentBuilder().parse(new ByteArrayInputStream((
                "<wsc:SecurityContextToken xmlns:wsc=\"http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512\">"
                + "<wsc:Identifier>" + identifier + "</wsc:Identifier></wsc:SecurityContextToken>")
                .getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        SctSigner.sign(d, sct, key, Duration.ofMinutes(1), Clock.systemUTC());
        return Envelopes.wire(d);
    }

    @Test
    void withoutAResolverTheRequestIsRefusedWithAResolverItNamesTheTokensSubject() throws Exception {
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> hub.verifyRequest(signedRequest(LAMP), LAMP, SIGN));
        assertEquals(Fault.SECURITY_TOKEN_UNAVAILABLE, e.fault());

        hub.contexts = (identifier, receiver) -> new SecurityContext(identifier, SWITCH, receiver,
                Instant.now().plusSeconds(60), key);
        WssResult r = hub.verifyRequest(signedRequest(LAMP), LAMP, SIGN);
        assertEquals(Optional.of(SWITCH), r.signer());
        assertTrue(r.signed());
        assertEquals("signed", r.label());
        assertEquals(Optional.of(new Authenticated(SWITCH, Layer.APPLICATION, "wss-sct", SIGN, IDENTIFIER)),
                r.authenticated());
    }

    @Test
    void theTokensAThingSignsUnderAreItsSessionsUntilItIsForgotten() throws Exception {
        assertEquals(List.of(), hub.sessions(SWITCH));
        hub.contexts = (identifier, receiver) -> new SecurityContext(identifier, SWITCH, receiver,
                Instant.now().plusSeconds(60), key);
        hub.verifyRequest(signedRequest(LAMP), LAMP, SIGN);
        assertEquals(List.of(new Authenticated(SWITCH, Layer.APPLICATION, "wss-sct", SIGN, IDENTIFIER)),
                hub.sessions(SWITCH));
        assertEquals(List.of(), hub.sessions(LAMP), "the audience holds no session of the subject's");
        hub.forget(SWITCH);
        assertEquals(List.of(), hub.sessions(SWITCH));
    }

    @Test
    void aSessionEndsWhenItsTokenExpiresAndEachThingKeepsItsLatestTokens() {
        SctSessions sessions = new SctSessions();
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        sessions.seen(SWITCH, "urn:t:1", true, now.plusSeconds(10));
        assertEquals(List.of(new Authenticated(SWITCH, Layer.APPLICATION, "wss-sct", SEAL, "urn:t:1")),
                sessions.of(SWITCH, now));
        assertEquals(List.of(), sessions.of(SWITCH, now.plusSeconds(10)));
        for (int i = 0; i < SctSessions.PER_THING + 5; i++) {
            sessions.seen(SWITCH, "urn:t:" + i, false, now.plusSeconds(60));
        }
        List<Authenticated> kept = sessions.of(SWITCH, now);
        assertEquals(SctSessions.PER_THING, kept.size());
        assertEquals("urn:t:" + (SctSessions.PER_THING + 4), kept.get(kept.size() - 1).session());
    }

    @Test
    void aHostedThingWhosePolicyRequiresEncryptionRefusesAndAnUnenrolledSubjectIsRefused() throws Exception {
        hub.contexts = (identifier, receiver) -> new SecurityContext(identifier, SWITCH, receiver,
                Instant.now().plusSeconds(60), key);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> hub.verifyRequest(signedRequest(SECRET_LAMP), SECRET_LAMP, SEAL));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
        assertTrue(e.getMessage().contains("requires encryption"), e.getMessage());

        hub.contexts = (identifier, receiver) -> new SecurityContext(identifier, ThingId.of("stranger-9"), receiver,
                Instant.now().plusSeconds(60), key);
        e = assertThrows(WsSecurityException.class, () -> hub.verifyRequest(signedRequest(LAMP), LAMP, SIGN));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
    }

    static Document replyTo(String messageId) {
        return SecureXml.parse(("<s12:Envelope xmlns:s12=\"http://www.w3.org/2003/05/soap-envelope\""
                + " xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><s12:Header>"
                + "<wsa:Action>http://example.org/lamp/SwitchPower/SetTargetResponse</wsa:Action>"
                + "<wsa:MessageID>urn:uuid:11111111-2f53-4d7e-9a3c-1b2c3d4e5f60</wsa:MessageID>"
                + "<wsa:RelatesTo>" + messageId + "</wsa:RelatesTo>"
                + "<wsa:To>http://www.w3.org/2005/08/addressing/anonymous</wsa:To></s12:Header>"
                + "<s12:Body><l:SetTargetResponse xmlns:l=\"http://example.org/lamp\"/></s12:Body></s12:Envelope>")
                .getBytes(StandardCharsets.UTF_8));
    }

    static final String REQUEST_ID = "urn:uuid:6a1b8c3e-2f53-4d7e-9a3c-1b2c3d4e5f60";

    @Test
    void theReplyToATokenSignedRequestIsSignedWithItsProofKeyOnceAndOnlyForItsRequester() throws Exception {
        hub.contexts = (identifier, receiver) -> new SecurityContext(identifier, SWITCH, receiver,
                Instant.now().plusSeconds(60), key);
        hub.verifyRequest(signedRequest(LAMP), LAMP, SIGN);

        // To another thing, or answering another request: not with this key (lamp-1's own policy applies).
        Document notOurs = replyTo("urn:uuid:other");
        assertEquals("none", hub.secure(notOurs, SWITCH, Protection.NONE).label(), "switch-1's own policy is plain");
        assertTrue(Envelopes.text(notOurs).indexOf("Security") < 0);

        Document reply = replyTo(REQUEST_ID);
        WssResult r = hub.secure(reply, SWITCH, Protection.NONE);
        assertTrue(r.signed());
        String wire = Envelopes.text(reply);
        assertTrue(wire.contains("hmac-sha256") && wire.contains(IDENTIFIER), wire);
        org.trusthub.security.wss.sct.SctVerifier client = new org.trusthub.security.wss.sct.SctVerifier(
                (identifier, receiver) -> {
                    throw new WsSecurityException(Fault.SECURITY_TOKEN_UNAVAILABLE, "not here");
                }, Clock.systemUTC(), Duration.ofMinutes(5));
        client.verifyReply(Envelopes.wire(reply), IDENTIFIER, key, REQUEST_ID);

        // The key was held for one reply only: a second reply to the same request is not signed with it.
        Document again = replyTo(REQUEST_ID);
        assertEquals("none", hub.secure(again, SWITCH, Protection.NONE).label());
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> client.verifyReply(Envelopes.wire(again), IDENTIFIER, key, REQUEST_ID));
        assertTrue(e.getMessage().contains("not signed"), e.getMessage());
    }

    @Test
    void underAnEncryptingPolicyTheRequestIsDecryptedAfterItsSignatureAndTheReplyIsEncryptedThenSigned()
            throws Exception {
        hub.contexts = (identifier, receiver) -> new SecurityContext(identifier, SWITCH, receiver,
                Instant.now().plusSeconds(60), key);
        Document d = Envelopes.invoke();
        byte[] bodyKey = org.trusthub.security.wss.sct.SctBodyCipher.bodyKey(key);
        org.trusthub.security.wss.sct.SctBodyCipher.encrypt(d, bodyKey);
        Element sct = DocumentBuilderFactory.newNSInstance().newDocumentBuilder().parse(new ByteArrayInputStream((
                "<wsc:SecurityContextToken xmlns:wsc=\"http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512\">"
                + "<wsc:Identifier>" + IDENTIFIER + "</wsc:Identifier></wsc:SecurityContextToken>")
                .getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        SctSigner.sign(d, sct, key, Duration.ofMinutes(1), Clock.systemUTC());
        Document request = Envelopes.wire(d);
        assertTrue(Envelopes.text(request).indexOf("<l:Power>on") < 0, "the wire carries ciphertext");
        WssResult r = hub.verifyRequest(request, SECRET_LAMP, SEAL);
        assertEquals("signed+encrypted", r.label());
        assertTrue(Envelopes.text(request).contains("<l:Power>on</l:Power>"), Envelopes.text(request));

        Document reply = replyTo(REQUEST_ID);
        reply.getElementsByTagNameNS("http://example.org/lamp", "SetTargetResponse").item(0).setTextContent("done-7");
        assertEquals("signed+encrypted", hub.secure(reply, SWITCH, Protection.NONE).label());
        Document wire = Envelopes.wire(reply);
        assertTrue(Envelopes.text(wire).indexOf("done-7") < 0, "the reply's Body is encrypted");
        new org.trusthub.security.wss.sct.SctVerifier((identifier, receiver) -> {
            throw new WsSecurityException(Fault.SECURITY_TOKEN_UNAVAILABLE, "not here");
        }, Clock.systemUTC(), Duration.ofMinutes(5)).verifyReply(wire, IDENTIFIER, key, REQUEST_ID);
        org.trusthub.security.wss.sct.SctBodyCipher.decrypt(wire, bodyKey);
        assertTrue(Envelopes.text(wire).contains("done-7"));
    }

    @Test
    void anEmptyReplyBodyUnderAnEncryptingPolicyIsSignedAndSaysSo() throws Exception {
        hub.contexts = (identifier, receiver) -> new SecurityContext(identifier, SWITCH, receiver,
                Instant.now().plusSeconds(60), key);
        Document d = Envelopes.invoke();
        org.trusthub.security.wss.sct.SctBodyCipher.encrypt(d,
                org.trusthub.security.wss.sct.SctBodyCipher.bodyKey(key));
        Element sct = DocumentBuilderFactory.newNSInstance().newDocumentBuilder().parse(new ByteArrayInputStream((
                "<wsc:SecurityContextToken xmlns:wsc=\"http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512\">"
                + "<wsc:Identifier>" + IDENTIFIER + "</wsc:Identifier></wsc:SecurityContextToken>")
                .getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        SctSigner.sign(d, sct, key, Duration.ofMinutes(1), Clock.systemUTC());
        hub.verifyRequest(Envelopes.wire(d), SECRET_LAMP, SEAL);
        Document reply = replyTo(REQUEST_ID);
        Element body = (Element) reply.getElementsByTagNameNS("http://www.w3.org/2003/05/soap-envelope", "Body")
                .item(0);
        body.removeChild(body.getFirstChild());
        assertEquals("signed", hub.secure(reply, SWITCH, Protection.NONE).label(), "nothing to encrypt, and not claimed");
    }

    @Test
    void aRefusedRequestLeavesNoKeyWaitingForAReply() throws Exception {
        hub.contexts = (identifier, receiver) -> new SecurityContext(identifier, ThingId.of("stranger-9"), receiver,
                Instant.now().plusSeconds(60), key);
        assertThrows(WsSecurityException.class, () -> hub.verifyRequest(signedRequest(LAMP), LAMP, SIGN));
        Document reply = replyTo(REQUEST_ID);
        assertEquals("none", hub.secure(reply, ThingId.of("stranger-9"), SEAL).label());
    }

    @Test
    void aSubjectLeavingRepliesUntakenBlocksOnlyItselfAndItsRefusedRequestIsNotRecorded() throws Exception {
        ThingId other = ThingId.of("sensor-3");
        WsSecurityComponentTest.operational(registry, other, RootCredential.secret(new byte[32]));
        SctRequests requests = new SctRequests(() -> (identifier, receiver) -> new SecurityContext(identifier,
                identifier.endsWith(":other") ? other : SWITCH, receiver, Instant.now().plusSeconds(60), key),
                Clock.systemUTC(), 2);
        WssPolicy sign = new WssPolicy(true, false, false, Duration.ofMinutes(1));
        WssEngine.SenderCheck anyone = subject -> {
        };
        requests.verify(signedRequest(LAMP, "urn:uuid:r-1", IDENTIFIER), LAMP, sign, anyone);
        requests.verify(signedRequest(LAMP, "urn:uuid:r-2", IDENTIFIER), LAMP, sign, anyone);
        byte[] third = SecureXml.serialize(signedRequest(LAMP, "urn:uuid:r-3", IDENTIFIER));
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> requests.verify(SecureXml.parse(third), LAMP, sign, anyone));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());
        assertEquals(2, requests.replayEntries(), "the refused request is not recorded");
        requests.verify(signedRequest(LAMP, "urn:uuid:r-1", IDENTIFIER + ":other"), LAMP, sign, anyone);
        assertEquals(3, requests.pending(), "another subject is not blocked");
        // Once one reply took its key, the same request is accepted: it was never recorded as seen.
        requests.secureReply(replyTo("urn:uuid:r-1"), SWITCH).orElseThrow();
        requests.verify(SecureXml.parse(third), LAMP, sign, anyone);
    }

    @Test
    void aRequestWhoseBodyDoesNotDecryptIsNotRecordedAndHoldsNoKey() throws Exception {
        hub.contexts = (identifier, receiver) -> new SecurityContext(identifier, SWITCH, receiver,
                Instant.now().plusSeconds(60), key);
        Document d = Envelopes.invoke();
        byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        org.trusthub.security.wss.sct.SctBodyCipher.encrypt(d,
                org.trusthub.security.wss.sct.SctBodyCipher.bodyKey(otherKey));
        Element sct = DocumentBuilderFactory.newNSInstance().newDocumentBuilder().parse(new ByteArrayInputStream((
                "<wsc:SecurityContextToken xmlns:wsc=\"http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512\">"
                + "<wsc:Identifier>" + IDENTIFIER + "</wsc:Identifier></wsc:SecurityContextToken>")
                .getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        SctSigner.sign(d, sct, key, Duration.ofMinutes(1), Clock.systemUTC());
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> hub.verifyRequest(Envelopes.wire(d), SECRET_LAMP, SEAL));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());
        assertEquals(0, hub.replayEntries(), "refused, so not recorded");
        assertEquals("none", hub.secure(replyTo(REQUEST_ID), SWITCH, Protection.NONE).label(), "no key held for a reply");
    }
}
