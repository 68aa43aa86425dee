package org.trusthub.security.app.wss.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.security.app.wss.WsSecurityException;
import org.trusthub.security.app.wss.WsSecurityException.Fault;
import org.trusthub.security.app.wss.WssPolicy;
import org.trusthub.security.app.wss.WssResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

class WssEngineTest {

    private static final WssPolicy SIGN = new WssPolicy(true, false, false, Duration.ofMinutes(5));
    private static final WssPolicy SIGN_ENCRYPT = WssPolicy.SIGN_ENCRYPT;
    private static final WssPolicy ALL = new WssPolicy(true, true, true, Duration.ofMinutes(5));
    private static final WssPolicy UT = new WssPolicy(false, false, true, Duration.ofMinutes(5));

    private Party hubA;
    private Party hubB;
    private WssEngine a;
    private WssEngine b;

    @BeforeEach
    void setUp() {
        hubA = new Party("hub-a");
        hubB = new Party("hub-b");
        Party.introduce(hubA, hubB);
        a = new WssEngine(hubA, Clock.systemUTC());
        b = new WssEngine(hubB, Clock.systemUTC());
    }

    private Document securedByA(WssPolicy policy) throws WsSecurityException {
        Document doc = Envelopes.invoke();
        a.secure(doc, policy, hubB.name);
        return Envelopes.wire(doc);
    }

    @Test
    void signedAndEncryptedInvokeRoundTrips() throws Exception {
        Document doc = Envelopes.invoke();
        WssResult sent = a.secure(doc, SIGN_ENCRYPT, hubB.name);
        String wire = Envelopes.text(doc);
        assertTrue(sent.signed() && sent.encrypted());
        assertFalse(wire.contains("<l:Level>"), "the Body content travels encrypted");
        assertTrue(wire.contains("xmlenc11#aes128-gcm") && wire.contains("xmlenc11#ECDH-ES"));
        assertTrue(wire.contains("xmldsig-more#ecdsa-sha256"));

        Document received = Envelopes.wire(doc);
        WssResult result = b.verify(received, SIGN_ENCRYPT, Optional.of(hubA.name));
        assertTrue(result.signed());
        assertTrue(result.encrypted());
        assertEquals(Optional.of(hubA.name), result.signer());
        String plain = Envelopes.text(received);
        assertTrue(plain.contains("<l:Level>75</l:Level>"), plain);
        assertFalse(plain.contains("Security"), "the security header is removed after verification");
    }

    @Test
    void thingWithUsernameTokenSignatureAndEncryption() throws Exception {
        Party lamp = new Party("lamp-1");
        Party.introduce(lamp, hubB);
        Document doc = Envelopes.invoke();
        thing(lamp).secure(doc, ALL, hubB.name);
        assertTrue(Envelopes.text(doc).contains("#PasswordDigest"));
        WssResult result = b.verify(Envelopes.wire(doc), ALL, Optional.of(lamp.name));
        assertEquals(Optional.of("lamp-1"), result.username());
        assertEquals(Optional.of(lamp.name), result.signer());
        assertTrue(result.signed() && result.encrypted());
    }

    @Test
    void usernameTokenOfTheHubIsNotTheThings() throws Exception {
        // The hub names itself "trusthub": a hub message reflected back as if from the thing is refused.
        Document doc = securedByA(ALL);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(doc, ALL, Optional.of(hubA.name)));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
    }

    /** An engine that sends like a thing: its UsernameTokens carry its own id. */
    private static WssEngine thing(Party party) {
        return new WssEngine(party, Clock.systemUTC(), new WssEngine.Outgoing(Algorithms.SIGNATURE,
                Algorithms.DIGEST, Algorithms.ENCRYPTION, party.name.value()));
    }

    @Test
    void plainPolicyLeavesTheEnvelopeAlone() throws Exception {
        Document doc = Envelopes.invoke();
        assertEquals(WssResult.NONE, a.secure(doc, WssPolicy.PLAIN, hubB.name));
        assertEquals(Envelopes.INVOKE, Envelopes.text(doc));
        assertEquals(WssResult.NONE, b.verify(doc, WssPolicy.PLAIN, Optional.of(hubA.name)));
    }

    // ------------------------------------------------------------------------------------------ bad input

    @Test
    void signedBodyMovedIntoAHeaderIsRefused() throws Exception {
        Document doc = securedByA(SIGN);
        Element envelope = doc.getDocumentElement();
        Element header = child(envelope, "Header");
        Element body = child(envelope, "Body");
        Element wrapper = doc.createElementNS("urn:attacker", "x:Wrapper");
        header.appendChild(wrapper);
        wrapper.appendChild(body);
        Element evil = doc.createElementNS(WssEngine.SOAP12_NS, "s12:Body");
        evil.appendChild(doc.createElementNS("http://example.org/lamp", "l:Unlock"));
        envelope.appendChild(evil);

        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.wire(doc), SIGN, Optional.of(hubA.name)));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());
    }

    @Test
    void duplicatedIdIsRefused() throws Exception {
        Document doc = securedByA(SIGN);
        Element envelope = doc.getDocumentElement();
        Element header = child(envelope, "Header");
        Element body = child(envelope, "Body");
        Element copy = (Element) body.cloneNode(true);
        copy.getFirstChild().setTextContent("off");
        Element wrapper = doc.createElementNS("urn:attacker", "x:Wrapper");
        header.appendChild(wrapper);
        wrapper.appendChild(body);
        envelope.appendChild(copy);

        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.wire(doc), SIGN, Optional.of(hubA.name)));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
        assertTrue(e.getMessage().contains("duplicate id"), e.getMessage());
    }

    @Test
    void strippedSignatureIsRefused() throws Exception {
        Document doc = securedByA(SIGN);
        Element signature = (Element) doc.getElementsByTagNameNS("http://www.w3.org/2000/09/xmldsig#", "Signature")
                .item(0);
        signature.getParentNode().removeChild(signature);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.wire(doc), SIGN, Optional.of(hubA.name)));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
        assertTrue(e.getMessage().contains("not signed"), e.getMessage());
    }

    @Test
    void missingEncryptionIsADowngrade() throws Exception {
        Document doc = securedByA(SIGN);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(doc, SIGN_ENCRYPT, Optional.of(hubA.name)));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
        assertTrue(e.getMessage().contains("not encrypted"), e.getMessage());
    }

    @Test
    void missingSecurityHeaderIsADowngrade() {
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.invoke(), SIGN, Optional.of(hubA.name)));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
    }

    @Test
    void sha1DigestIsRefused() throws Exception {
        WssEngine weak = new WssEngine(hubA, Clock.systemUTC(), new WssEngine.Outgoing(
                Algorithms.SIGNATURE, "http://www.w3.org/2000/09/xmldsig#sha1", Algorithms.ENCRYPTION, "x"));
        Document doc = Envelopes.invoke();
        weak.secure(doc, SIGN, hubB.name);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.wire(doc), SIGN, Optional.of(hubA.name)));
        assertTrue(e.fault() == Fault.UNSUPPORTED_ALGORITHM || e.fault() == Fault.INVALID_SECURITY, e.getMessage());
    }

    @Test
    void ecdsaSha1SignatureIsRefused() throws Exception {
        WssEngine weak = new WssEngine(hubA, Clock.systemUTC(), new WssEngine.Outgoing(
                "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1", Algorithms.DIGEST, Algorithms.ENCRYPTION, "x"));
        Document doc = Envelopes.invoke();
        weak.secure(doc, SIGN, hubB.name);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.wire(doc), SIGN, Optional.of(hubA.name)));
        assertTrue(e.fault() == Fault.UNSUPPORTED_ALGORITHM || e.fault() == Fault.INVALID_SECURITY, e.getMessage());
    }

    @Test
    void cbcEncryptionIsRefused() throws Exception {
        WssEngine weak = new WssEngine(hubA, Clock.systemUTC(), new WssEngine.Outgoing(
                Algorithms.SIGNATURE, Algorithms.DIGEST, "http://www.w3.org/2001/04/xmlenc#aes128-cbc", "x"));
        Document doc = Envelopes.invoke();
        weak.secure(doc, SIGN_ENCRYPT, hubB.name);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.wire(doc), SIGN_ENCRYPT, Optional.of(hubA.name)));
        assertTrue(e.fault() == Fault.UNSUPPORTED_ALGORITHM || e.fault() == Fault.INVALID_SECURITY, e.getMessage());
    }

    @Test
    void staleTimestampIsRefused() throws Exception {
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC);
        WssEngine late = new WssEngine(hubA, past);
        Document doc = Envelopes.invoke();
        late.secure(doc, SIGN, hubB.name);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.wire(doc), SIGN, Optional.of(hubA.name)));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), e.getMessage());
    }

    @Test
    void timestampFromTheFutureIsRefused() throws Exception {
        Clock future = Clock.fixed(Instant.now().plus(Duration.ofMinutes(10)), ZoneOffset.UTC);
        Document doc = Envelopes.invoke();
        new WssEngine(hubA, future).secure(doc, SIGN, hubB.name);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.wire(doc), SIGN, Optional.of(hubA.name)));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), e.getMessage());
    }

    @Test
    void replayedSignedMessageIsRefused() throws Exception {
        byte[] wire = SecureXml.serialize(securedByA(SIGN_ENCRYPT));
        b.verify(SecureXml.parse(wire), SIGN_ENCRYPT, Optional.of(hubA.name));
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(SecureXml.parse(wire), SIGN_ENCRYPT, Optional.of(hubA.name)));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), e.getMessage());
        assertTrue(e.getMessage().contains("replay"), e.getMessage());
    }

    @Test
    void replayedNonceIsRefused() throws Exception {
        Party lamp = new Party("lamp-1");
        Party.introduce(lamp, hubB);
        Document doc = Envelopes.invoke();
        thing(lamp).secure(doc, UT, hubB.name);
        byte[] wire = SecureXml.serialize(doc);
        assertEquals(Optional.of("lamp-1"), b.verify(SecureXml.parse(wire), UT, Optional.of(lamp.name)).username());
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(SecureXml.parse(wire), UT, Optional.of(lamp.name)));
        // WSS4J's nonce cache sees the UsernameToken before any later check.
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), e.getMessage());
        assertTrue(e.getMessage().contains("Username Token") && e.getMessage().contains("replay"), e.getMessage());
    }

    @Test
    void replayedTimestampOfAnUnsignedMessageIsRefused() throws Exception {
        WssPolicy encryptOnly = new WssPolicy(false, true, false, Duration.ofMinutes(5));
        byte[] wire = SecureXml.serialize(securedByA(encryptOnly));
        b.verify(SecureXml.parse(wire), encryptOnly, Optional.empty());
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(SecureXml.parse(wire), encryptOnly, Optional.empty()));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault());
        assertTrue(e.getMessage().contains("replayed Timestamp"), e.getMessage());
    }

    @Test
    void wrongUsernamePasswordIsRefused() throws Exception {
        Party lamp = new Party("lamp-1");
        Party.introduce(lamp, hubB);
        Party impostor = new Party("lamp-2");
        Party.introduce(impostor, hubB);
        Document doc = Envelopes.invoke();
        // lamp-2 claims to be lamp-1 but only knows its own secret.
        new WssEngine(impostor, Clock.systemUTC(), new WssEngine.Outgoing(Algorithms.SIGNATURE, Algorithms.DIGEST,
                Algorithms.ENCRYPTION, "lamp-1")).secure(doc, UT, hubB.name);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.wire(doc), UT, Optional.of(lamp.name)));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault(), e.getMessage());
    }

    @Test
    void messageEncryptedForAnotherHubIsRefused() throws Exception {
        Party hubC = new Party("hub-c");
        Party.introduce(hubA, hubC);
        Party.introduce(hubC, hubB);
        Document doc = Envelopes.invoke();
        a.secure(doc, SIGN_ENCRYPT, hubC.name);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.wire(doc), SIGN_ENCRYPT, Optional.of(hubA.name)));
        assertTrue(e.fault() == Fault.SECURITY_TOKEN_UNAVAILABLE || e.fault() == Fault.FAILED_CHECK,
                e.fault() + " " + e.getMessage());
    }

    @Test
    void signatureByAnotherKnownThingIsRefused() throws Exception {
        Party hubC = new Party("hub-c");
        Party.introduce(hubC, hubB);
        Document doc = Envelopes.invoke();
        new WssEngine(hubC, Clock.systemUTC()).secure(doc, SIGN, hubB.name);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.wire(doc), SIGN, Optional.of(hubA.name)));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
        assertTrue(e.getMessage().contains("not by the expected sender"), e.getMessage());
    }

    @Test
    void untrustedCertificateIsRefused() throws Exception {
        Party stranger = new Party("stranger");
        Party.introduce(stranger, hubB);
        hubB.forget(stranger.name);
        Document doc = Envelopes.invoke();
        new WssEngine(stranger, Clock.systemUTC()).secure(doc, SIGN, hubB.name);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.wire(doc), SIGN, Optional.empty()));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault(), e.getMessage());
    }

    @Test
    void tamperedBodyFailsTheCheck() throws Exception {
        Document doc = securedByA(SIGN);
        Node level = doc.getElementsByTagNameNS("http://example.org/lamp", "Level").item(0);
        level.setTextContent("100");
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.wire(doc), SIGN, Optional.of(hubA.name)));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());
    }

    @Test
    void unsignedHeaderBlockAddedLaterIsRefused() throws Exception {
        Document doc = securedByA(SIGN);
        Element header = child(doc.getDocumentElement(), "Header");
        Element replyTo = doc.createElementNS("http://www.w3.org/2005/08/addressing", "wsa:ReplyTo");
        replyTo.setTextContent("http://attacker.example/");
        header.appendChild(replyTo);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(Envelopes.wire(doc), SIGN, Optional.of(hubA.name)));
        assertEquals(Fault.FAILED_CHECK, e.fault());
        assertTrue(e.getMessage().contains("ReplyTo"), e.getMessage());
    }

    @Test
    void faultEnvelopeNamesTheSubcode() {
        WsSecurityException e = new WsSecurityException(Fault.FAILED_CHECK, "digest <mismatch>");
        String fault = new String(e.soapFault(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(fault.contains("<env:Value>wsse:FailedCheck</env:Value>"), fault);
        assertTrue(fault.contains("digest &lt;mismatch&gt;"), fault);
        SecureXml.parse(e.soapFault());
    }

    private static void renameUser(Document doc, String user) {
        doc.getElementsByTagNameNS(WssEngine.WSSE_NS, "Username").item(0).setTextContent(user);
    }

    private static Element child(Element parent, String local) {
        return Envelope.children(parent).stream().filter(e -> local.equals(e.getLocalName())).findFirst()
                .orElseThrow();
    }
}
