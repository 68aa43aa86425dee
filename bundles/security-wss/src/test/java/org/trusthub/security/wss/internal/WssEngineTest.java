package org.trusthub.security.wss.internal;

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
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.trusthub.security.wss.WssResult;
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
        return thing(party, Clock.systemUTC());
    }

    private static WssEngine thing(Party party, Clock clock) {
        return new WssEngine(party, clock, new WssEngine.Outgoing(Algorithms.SIGNATURE,
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
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), e.getMessage());
        assertTrue(e.getMessage().contains("replayed message"), e.getMessage());
    }

    @Test
    void aUsedUsernameTokenUnderAFreshTimestampIsAReplay() throws Exception {
        Party lamp = new Party("lamp-1");
        Party.introduce(lamp, hubB);
        Document first = Envelopes.invoke();
        thing(lamp).secure(first, UT, hubB.name);
        String wire = Envelopes.text(first);
        b.verify(Envelopes.wire(first), UT, Optional.of(lamp.name));
        // The Timestamp of a UsernameToken-only message is not signed: an eavesdropper can put a fresh one around it.
        Document other = Envelopes.invoke();
        thing(lamp).secure(other, UT, hubB.name);
        String freshTimestamp = timestampOf(Envelopes.text(other));
        Document spliced = SecureXml.parse(wire.replace(timestampOf(wire), freshTimestamp)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(spliced, UT, Optional.of(lamp.name)));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), e.getMessage());
    }

    private static String timestampOf(String wire) {
        int start = wire.indexOf("<wsu:Timestamp");
        return wire.substring(start, wire.indexOf("</wsu:Timestamp>", start) + "</wsu:Timestamp>".length());
    }

    @Test
    void aMessageWithoutAnAuthenticatedSenderIsNotRecorded() throws Exception {
        // Encrypted to the hub, signed by no one: anyone can make a fresh one, so remembering it protects nothing.
        WssPolicy encryptOnly = new WssPolicy(false, true, false, Duration.ofMinutes(5));
        byte[] wire = SecureXml.serialize(securedByA(encryptOnly));
        assertEquals(Optional.empty(), b.verify(SecureXml.parse(wire), encryptOnly, Optional.empty()).signer());
        assertEquals(0, b.replayEntries());
    }

    // ------------------------------------------------------------------------------------------ replay window

    /**
     * 100,000 envelopes no trusted sender vouches for: unsigned where the policy signs, signed but altered, signed by
     * an unknown key, and UsernameTokens with a wrong password. Every one is refused and none takes room.
     */
    @Test
    void unauthenticatedEnvelopesLeaveTheReplayWindowEmpty() throws Exception {
        String signed = Envelopes.text(securedByA(SIGN));
        Document unsigned = SecureXml.parse(withoutSignature(signed).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Element timestamp = (Element) unsigned.getElementsByTagNameNS(WssEngine.WSU_NS, "Timestamp").item(0);
        String id = timestamp.getAttributeNS(WssEngine.WSU_NS, "Id");
        int refused = 0;
        for (int i = 0; i < 94_000; i++) {
            // Each with a Timestamp of its own, as a flood would send (changed in place: parsing is not under test).
            timestamp.setAttributeNS(WssEngine.WSU_NS, "wsu:Id", id + "-" + i);
            refused += refused(unsigned, SIGN, i % 2 == 0 ? Optional.of(hubA.name) : Optional.empty());
        }
        Document altered = SecureXml.parse(signed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Node level = altered.getElementsByTagNameNS("http://example.org/lamp", "Level").item(0);
        for (int i = 0; i < 4_000; i++) {
            level.setTextContent(Integer.toString(1000 + i));
            refused += refused(altered, SIGN, Optional.empty());
        }
        Party stranger = new Party("stranger");
        Party.introduce(hubA, stranger);
        WssEngine forger = new WssEngine(stranger, Clock.systemUTC());
        Party lamp = new Party("lamp-1");
        Party.introduce(lamp, hubB);
        Party impostor = new Party("lamp-2");
        Party.introduce(impostor, hubA);
        WssEngine guesser = new WssEngine(impostor, Clock.systemUTC(), new WssEngine.Outgoing(Algorithms.SIGNATURE,
                Algorithms.DIGEST, Algorithms.ENCRYPTION, "lamp-1"));
        for (int i = 0; i < 1_000; i++) {
            Document forged = Envelopes.invoke();
            forger.secure(forged, SIGN, hubB.name);
            refused += refused(Envelopes.wire(forged), SIGN, Optional.empty());
            Document guessed = Envelopes.invoke();
            guesser.secure(guessed, UT, hubA.name);
            refused += refused(Envelopes.wire(guessed), UT, Optional.of(lamp.name));
        }
        assertEquals(100_000, refused);
        assertEquals(0, b.replayEntries(), "unauthenticated envelopes took room in the replay window");

        // The genuine message is still accepted, once.
        byte[] genuine = SecureXml.serialize(SecureXml.parse(signed.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        b.verify(SecureXml.parse(genuine), SIGN, Optional.of(hubA.name));
        assertEquals(1, b.replayEntries());
        assertThrows(WsSecurityException.class, () -> b.verify(SecureXml.parse(genuine), SIGN, Optional.of(hubA.name)));
    }

    private int refused(Document doc, WssPolicy policy, Optional<org.trusthub.api.thing.ThingId> sender) {
        try {
            b.verify(doc, policy, sender);
            return 0;
        } catch (WsSecurityException e) {
            return 1;
        }
    }

    private static String withoutSignature(String signed) {
        String out = signed.replaceAll("<ds:Signature .*</ds:Signature>", "");
        return out.replaceAll("<wsse:BinarySecurityToken [^>]*>[^<]*</wsse:BinarySecurityToken>", "");
    }

    @Test
    void aSenderFloodingTheWindowBlocksOnlyItself() throws Exception {
        WssEngine small = new WssEngine(hubB, Clock.systemUTC(), WssEngine.Outgoing.DEFAULT, 5);
        for (int i = 0; i < 5; i++) {
            small.verify(securedByA(SIGN), SIGN, Optional.empty());
        }
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> small.verify(securedByA(SIGN), SIGN, Optional.empty()));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());
        Party hubC = new Party("hub-c");
        Party.introduce(hubC, hubB);
        Document fromC = Envelopes.invoke();
        new WssEngine(hubC, Clock.systemUTC()).secure(fromC, SIGN, hubB.name);
        assertEquals(Optional.of(hubC.name), small.verify(Envelopes.wire(fromC), SIGN, Optional.empty()).signer());
    }

    @Test
    void aMessageTheSenderCheckRefusesIsNotRecorded() throws Exception {
        byte[] wire = SecureXml.serialize(securedByA(SIGN));
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> b.verify(SecureXml.parse(wire), SIGN, Optional.empty(), sender -> {
                    throw new WsSecurityException(Fault.FAILED_AUTHENTICATION, sender + " is not operational");
                }));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
        assertEquals(0, b.replayEntries());
        // Once the sender may send again, the same message is accepted, once.
        b.verify(SecureXml.parse(wire), SIGN, Optional.empty());
        e = assertThrows(WsSecurityException.class, () -> b.verify(SecureXml.parse(wire), SIGN, Optional.empty()));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault());
    }

    @Test
    void entriesLiveAsLongAsTheirMessageCouldBeAccepted() throws Exception {
        ReplayWindowTest.Manual clock = new ReplayWindowTest.Manual();
        clock.now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        WssEngine receiver = new WssEngine(hubB, clock);
        WssPolicy oneMinute = new WssPolicy(true, false, false, Duration.ofMinutes(1));
        Document doc = Envelopes.invoke();
        new WssEngine(hubA, Clock.fixed(clock.now, ZoneOffset.UTC)).secure(doc, oneMinute, hubB.name);
        receiver.verify(Envelopes.wire(doc), oneMinute, Optional.of(hubA.name));
        clock.now = clock.now.plusSeconds(60);
        assertEquals(1, receiver.replayEntries(), "kept while its message could still be accepted");
        clock.now = clock.now.plusMillis(1);
        assertEquals(0, receiver.replayEntries(), "gone once the message would be refused as stale");
    }

    @Test
    void aMessageAcceptedBeforeARestartIsRefusedAfterIt() throws Exception {
        ReplayWindowTest.Manual clock = new ReplayWindowTest.Manual();
        clock.now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        WssEngine before = new WssEngine(hubB, clock);
        Document doc = Envelopes.invoke();
        new WssEngine(hubA, Clock.fixed(clock.now, ZoneOffset.UTC)).secure(doc, SIGN, hubB.name);
        byte[] wire = SecureXml.serialize(doc);
        before.verify(SecureXml.parse(wire), SIGN, Optional.of(hubA.name));
        // The component restarts a second later: its new window is empty, the message is still fresh.
        clock.now = clock.now.plusSeconds(1);
        WssEngine after = new WssEngine(hubB, clock);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> after.verify(SecureXml.parse(wire), SIGN, Optional.of(hubA.name)));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), e.getMessage());
        assertTrue(e.getMessage().contains("before WS-Security started"), e.getMessage());
        assertEquals(0, after.replayEntries());
        Document fresh = Envelopes.invoke();
        new WssEngine(hubA, Clock.fixed(clock.now, ZoneOffset.UTC)).secure(fresh, SIGN, hubB.name);
        after.verify(Envelopes.wire(fresh), SIGN, Optional.of(hubA.name));
    }

    @Test
    void aUsernameTokenAcceptedBeforeARestartIsRefusedUnderAFreshTimestamp() throws Exception {
        Party lamp = new Party("lamp-1");
        Party.introduce(lamp, hubB);
        ReplayWindowTest.Manual clock = new ReplayWindowTest.Manual();
        clock.now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        WssEngine before = new WssEngine(hubB, clock);
        Document first = Envelopes.invoke();
        thing(lamp, Clock.fixed(clock.now, ZoneOffset.UTC)).secure(first, UT, hubB.name);
        String wire = Envelopes.text(first);
        before.verify(Envelopes.wire(first), UT, Optional.of(lamp.name));
        clock.now = clock.now.plusSeconds(1);
        WssEngine after = new WssEngine(hubB, clock);
        // Only the UsernameToken is authenticated: a Timestamp made after the restart must not make it new.
        Document other = Envelopes.invoke();
        thing(lamp, Clock.fixed(clock.now, ZoneOffset.UTC)).secure(other, UT, hubB.name);
        Document spliced = SecureXml.parse(wire.replace(timestampOf(wire), timestampOf(Envelopes.text(other)))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> after.verify(spliced, UT, Optional.of(lamp.name)));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), e.getMessage());
        assertTrue(e.getMessage().contains("before WS-Security started"), e.getMessage());
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
