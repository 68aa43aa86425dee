package org.trusthub.security.wss.sct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.junit.jupiter.api.Test;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** HMAC-SHA256 SOAP signatures keyed by a security context token, through WSS4J on both sides. */
class SctSignatureTest {

    static final ThingId CLIENT = ThingId.of("switch-1");
    static final ThingId LAMP = ThingId.of("lamp-1");
    static final ThingId HEATER = ThingId.of("heater-1");
    static final ThingId OTHER_CLIENT = ThingId.of("sensor-3");
    // Far from the system clock on purpose: sender and receiver keep their own time.
    static final Instant T0 = Instant.parse("2031-01-01T12:00:00Z");

    final byte[] key = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    final MutableClock clock = new MutableClock(T0);
    final Map<String, SecurityContext> contexts = new ConcurrentHashMap<>();
    /** Stands in for the issuer's resolver: a receiver that can open every token it knows. */
    final SecurityContextResolver resolver = (identifier, receiver) -> {
        SecurityContext c = contexts.get(identifier);
        if (c == null) {
            throw new WsSecurityException(Fault.SECURITY_TOKEN_UNAVAILABLE, "the security context token cannot be "
                    + "opened by " + receiver);
        }
        return new SecurityContext(c.identifier(), c.subject(), c.audience(), c.expires(), c.key());
    };
    final SctVerifier lampVerifier = new SctVerifier(resolver, clock, Duration.ofMinutes(5));

    static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    Element sct(String identifier, ThingId audience, Instant expires) throws Exception {
        return sct(identifier, audience, expires, CLIENT);
    }

    Element sct(String identifier, ThingId audience, Instant expires, ThingId subject) throws Exception {
        contexts.put(identifier, new SecurityContext(identifier, subject, audience, expires, key));
        String xml = "<wsc:SecurityContextToken xmlns:wsc=\"" + Soap.WSC + "\"><wsc:Identifier>" + identifier
                + "</wsc:Identifier></wsc:SecurityContextToken>";
        return parse(xml).getDocumentElement();
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static String text(Document d) throws Exception {
        StringWriter w = new StringWriter();
        var t = TransformerFactory.newInstance().newTransformer();
        t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        t.transform(new DOMSource(d), new StreamResult(w));
        return w.toString();
    }

    static Document request(String body) throws Exception {
        return parse("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
                + "xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><s:Header>"
                + "<wsa:Action>urn:example:Switch</wsa:Action><wsa:MessageID>urn:uuid:1</wsa:MessageID>"
                + "<wsa:To>http://127.0.0.1/dpws/x/thing</wsa:To></s:Header><s:Body><e:Switch xmlns:e=\"urn:example\">"
                + body + "</e:Switch></s:Body></s:Envelope>");
    }

    /** Signs as the client, then serializes and parses again as the wire would. */
    String signed(Element sct, byte[] withKey, String body) throws Exception {
        Document d = request(body);
        SctSigner.Signed s = SctSigner.sign(d, sct, withKey, Duration.ofMinutes(5), clock);
        assertEquals(5, s.digests(), "three addressing headers, the Timestamp and the Body");
        return text(d);
    }

    @Test
    void aMessageSignedWithTheProofKeyIsAcceptedAndNamesTheTokensSubject() throws Exception {
        String wire = signed(sct("urn:test:sct:1", LAMP, T0.plusSeconds(600)), key, "on");
        assertTrue(wire.contains("SecurityContextToken") && wire.contains("hmac-sha256"), wire);
        assertFalse(wire.contains("BinarySecurityToken") || wire.contains("X509"), "no certificate on the wire");
        Document d = parse(wire);
        SctVerifier.Verified v = lampVerifier.verify(d, LAMP);
        assertEquals(CLIENT, v.subject());
        assertEquals(LAMP, v.audience());
        assertEquals(T0, v.created());
        assertFalse(text(d).contains("Security"), "the security header is removed after checking");
        assertTrue(text(d).contains(">on</e:Switch>"));
    }

    @Test
    void aTamperedBodyIsRefused() throws Exception {
        String wire = signed(sct("urn:test:sct:2", LAMP, T0.plusSeconds(600)), key, "on");
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> lampVerifier.verify(parse(wire.replace(">on<", ">off<")), LAMP));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());
        assertNoKey(e);
    }

    @Test
    void aSignatureUnderAnotherKeyIsRefused() throws Exception {
        byte[] other = key.clone();
        other[0] ^= 1;
        String wire = signed(sct("urn:test:sct:3", LAMP, T0.plusSeconds(600)), other, "on");
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> lampVerifier.verify(parse(wire), LAMP));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());
        assertNoKey(e);
    }

    @Test
    void anExpiredTokenIsRefusedEvenWithAFreshTimestamp() throws Exception {
        Element sct = sct("urn:test:sct:4", LAMP, T0.plusSeconds(60));
        clock.now = T0.plusSeconds(61);
        String wire = signed(sct, key, "on");
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> lampVerifier.verify(parse(wire), LAMP));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault());
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
        assertNoKey(e);
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() throws Exception {
        String wire = signed(sct("urn:test:sct:5", HEATER, T0.plusSeconds(600)), key, "on");
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> lampVerifier.verify(parse(wire), LAMP));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
        assertTrue(e.getMessage().contains("is for heater-1, not for lamp-1"), e.getMessage());
        assertNoKey(e);
    }

    @Test
    void aReplayedMessageIsRefusedTheFirstCopyIsNot() throws Exception {
        String wire = signed(sct("urn:test:sct:6", LAMP, T0.plusSeconds(600)), key, "on");
        lampVerifier.verify(parse(wire), LAMP);
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> lampVerifier.verify(parse(wire), LAMP));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault());
        assertTrue(e.getMessage().contains("replayed"), e.getMessage());
        assertNoKey(e);
    }

    @Test
    void aTokenHolderFloodingItsOwnTokensBlocksOnlyItself() throws Exception {
        SctVerifier verifier = new SctVerifier(resolver, clock, Duration.ofMinutes(5), 3);
        Element flooded = sct("urn:test:sct:flood", LAMP, T0.plusSeconds(600));
        for (int i = 0; i < 3; i++) {
            verifier.verify(parse(signed(flooded, key, "on")), LAMP);
        }
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> verifier.verify(parse(signed(flooded, key, "on")), LAMP));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());
        assertNoKey(e);
        // A second token of the same holder brings no more room: the share is the holder's, over all its tokens.
        Element second = sct("urn:test:sct:second", LAMP, T0.plusSeconds(600));
        e = assertThrows(WsSecurityException.class, () -> verifier.verify(parse(signed(second, key, "on")), LAMP));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());
        // Another holder's token is not blocked.
        Element other = sct("urn:test:sct:other", LAMP, T0.plusSeconds(600), OTHER_CLIENT);
        String wire = signed(other, key, "on");
        assertEquals(OTHER_CLIENT, verifier.verify(parse(wire), LAMP).subject(), "another holder is not blocked");
        assertThrows(WsSecurityException.class, () -> verifier.verify(parse(wire), LAMP), "its replay still is");
        assertEquals(4, verifier.replayEntries());
        // Once the flooded token's messages are stale, its holder has room again.
        clock.now = T0.plusSeconds(301);
        verifier.verify(parse(signed(flooded, key, "on")), LAMP);
    }

    @Test
    void forgedMessagesTakeNoRoomAndARefusedMessageIsNotRecorded() throws Exception {
        Element sct = sct("urn:test:sct:forged", LAMP, T0.plusSeconds(600));
        byte[] guessed = key.clone();
        guessed[31] ^= 1;
        for (int i = 0; i < 200; i++) {
            String forged = signed(sct, guessed, "on" + i);
            assertThrows(WsSecurityException.class, () -> lampVerifier.verify(parse(forged), LAMP));
        }
        assertEquals(0, lampVerifier.replayEntries());

        String wire = signed(sct, key, "on");
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> lampVerifier.verify(parse(wire), LAMP,
                Duration.ofMinutes(5), message -> {
                    throw new WsSecurityException(Fault.FAILED_AUTHENTICATION, message.subject() + " is in maintenance");
                }));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
        assertEquals(0, lampVerifier.replayEntries(), "refused by the caller, so not recorded");
        lampVerifier.verify(parse(wire), LAMP);
        assertThrows(WsSecurityException.class, () -> lampVerifier.verify(parse(wire), LAMP));
    }

    @Test
    void aMessageIsRememberedOnlyWhileItCouldBeAccepted() throws Exception {
        String wire = signed(sct("urn:test:sct:window", LAMP, T0.plusSeconds(3600)), key, "on");
        lampVerifier.verify(parse(wire), LAMP, Duration.ofMinutes(1), message -> {
        });
        clock.now = T0.plusSeconds(60);
        assertEquals(1, lampVerifier.replayEntries());
        clock.now = T0.plusSeconds(60).plusMillis(1);
        assertEquals(0, lampVerifier.replayEntries(), "a minute old, it would be refused as stale anyway");
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> lampVerifier.verify(parse(wire), LAMP, Duration.ofMinutes(1), message -> {
                }));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), e.getMessage());
    }

    @Test
    void aMessageAcceptedBeforeARestartIsRefusedAfterIt() throws Exception {
        String wire = signed(sct("urn:test:sct:restart", LAMP, T0.plusSeconds(600)), key, "on");
        lampVerifier.verify(parse(wire), LAMP);
        clock.now = T0.plusSeconds(1);
        SctVerifier restarted = new SctVerifier(resolver, clock, Duration.ofMinutes(5));
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> restarted.verify(parse(wire), LAMP));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), e.getMessage());
        assertTrue(e.getMessage().contains("before this verifier started"), e.getMessage());
        assertNoKey(e);
        assertEquals(CLIENT, restarted.verify(parse(signed(sct("urn:test:sct:restart", LAMP, T0.plusSeconds(600)),
                key, "on")), LAMP).subject(), "a message made after the restart is taken");
    }

    @Test
    void aStaleMessageIsRefused() throws Exception {
        String wire = signed(sct("urn:test:sct:7", LAMP, T0.plusSeconds(3600)), key, "on");
        clock.now = T0.plusSeconds(301);
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> lampVerifier.verify(parse(wire), LAMP));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), e.getMessage());
    }

    @Test
    void anUnknownTokenAHeaderAddedAfterSigningAndAnUnsignedMessageAreRefused() throws Exception {
        Element sct = sct("urn:test:sct:8", LAMP, T0.plusSeconds(600));
        String wire = signed(sct, key, "on");
        contexts.clear();
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> lampVerifier.verify(parse(wire), LAMP));
        assertEquals(Fault.SECURITY_TOKEN_UNAVAILABLE, e.fault());

        String wire2 = signed(sct("urn:test:sct:9", LAMP, T0.plusSeconds(600)), key, "on");
        String injected = wire2.replace("<wsa:To ", "<wsa:ReplyTo><wsa:Address>http://evil</wsa:Address>"
                + "</wsa:ReplyTo><wsa:To ");
        assertTrue(injected.contains("evil"));
        e = assertThrows(WsSecurityException.class, () -> lampVerifier.verify(parse(injected), LAMP));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
        assertTrue(e.getMessage().contains("ReplyTo is not covered"), e.getMessage());

        Document plain = request("on");
        e = assertThrows(WsSecurityException.class, () -> lampVerifier.verify(plain, LAMP));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
        assertFalse(SctVerifier.carriesSct(plain));
    }

    @Test
    void aBodyBuiltWithoutNamespaceDeclarationsIsSignedAsItIsReceived() throws Exception {
        Element sct = sct("urn:test:sct:10", LAMP, T0.plusSeconds(600));
        Document d = parse("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Header/><s:Body/>"
                + "</s:Envelope>");
        Element body = (Element) d.getElementsByTagNameNS(Soap.SOAP12, "Body").item(0);
        Element op = d.createElementNS("urn:example:thing", "th:GetStatus");
        op.setAttributeNS("urn:example:attr", "x:level", "3");
        body.appendChild(op);
        SctSigner.sign(d, sct, key, Duration.ofMinutes(5), clock);
        assertEquals(CLIENT, lampVerifier.verify(parse(text(d)), LAMP).subject());
    }

    // ---- replies signed with the proof key of the request's token

    static final String REQUEST_ID = "urn:uuid:1";

    static Document reply(String relatesTo, String body) throws Exception {
        return parse("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
                + "xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><s:Header>"
                + "<wsa:Action>urn:example:SwitchResponse</wsa:Action><wsa:MessageID>urn:uuid:2</wsa:MessageID>"
                + "<wsa:RelatesTo>" + relatesTo + "</wsa:RelatesTo>"
                + "<wsa:To>http://www.w3.org/2005/08/addressing/anonymous</wsa:To></s:Header><s:Body>"
                + "<e:SwitchResponse xmlns:e=\"urn:example\">" + body + "</e:SwitchResponse></s:Body></s:Envelope>");
    }

    /** The replier's side: signs the reply under the request's token and key, then as the wire carries it. */
    String signedReply(String identifier, byte[] withKey, String relatesTo, String body) throws Exception {
        Document d = reply(relatesTo, body);
        SctSigner.Signed s = SctSigner.signReply(d, identifier, withKey, Duration.ofMinutes(5), clock);
        assertEquals(6, s.digests(), "four addressing headers (RelatesTo among them), the Timestamp and the Body");
        return text(d);
    }

    final SctVerifier clientVerifier = new SctVerifier((identifier, receiver) -> {
        throw new WsSecurityException(Fault.SECURITY_TOKEN_UNAVAILABLE, "a requester opens no tokens");
    }, clock, Duration.ofMinutes(5));

    @Test
    void aReplySignedWithTheRequestsProofKeyIsAccepted() throws Exception {
        String wire = signedReply("urn:test:sct:r1", key, REQUEST_ID, "done");
        assertTrue(wire.contains("RelatesTo") && wire.contains("hmac-sha256"), wire);
        assertFalse(wire.contains("BinarySecurityToken") || wire.contains("X509"), "no certificate on the wire");
        Document d = parse(wire);
        assertEquals(T0, clientVerifier.verifyReply(d, "urn:test:sct:r1", key, REQUEST_ID).created());
        assertFalse(text(d).contains("Security"), "the security header is removed after checking");
        assertTrue(text(d).contains(">done</e:SwitchResponse>"));
    }

    @Test
    void anUnsignedReplyIsRefused() throws Exception {
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> clientVerifier.verifyReply(reply(REQUEST_ID, "done"), "urn:test:sct:r2", key, REQUEST_ID));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
        assertTrue(e.getMessage().contains("not signed"), e.getMessage());
    }

    @Test
    void aTamperedReplyIsRefused() throws Exception {
        String wire = signedReply("urn:test:sct:r3", key, REQUEST_ID, "done");
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> clientVerifier.verifyReply(
                parse(wire.replace(">done<", ">fail<")), "urn:test:sct:r3", key, REQUEST_ID));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());
        assertNoKey(e);
        // RelatesTo is signed too: moved onto another request, the HMAC fails before the comparison is reached.
        String moved = signedReply("urn:test:sct:r3", key, REQUEST_ID, "done").replace(REQUEST_ID, "urn:uuid:9");
        e = assertThrows(WsSecurityException.class, () -> clientVerifier.verifyReply(parse(moved), "urn:test:sct:r3",
                key, "urn:uuid:9"));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());
    }

    @Test
    void aReplySignedWithAnotherKeyOrUnderAnotherTokenIsRefused() throws Exception {
        byte[] other = key.clone();
        other[31] ^= 1;
        String wrongKey = signedReply("urn:test:sct:r4", other, REQUEST_ID, "done");
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> clientVerifier.verifyReply(parse(wrongKey), "urn:test:sct:r4", key, REQUEST_ID));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());
        assertNoKey(e);

        String otherToken = signedReply("urn:test:sct:r5", key, REQUEST_ID, "done");
        e = assertThrows(WsSecurityException.class,
                () -> clientVerifier.verifyReply(parse(otherToken), "urn:test:sct:r4", key, REQUEST_ID));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
        assertTrue(e.getMessage().contains("another security context token"), e.getMessage());
    }

    @Test
    void aReplayedReplyAndAReplyToAnotherRequestAreRefused() throws Exception {
        String wire = signedReply("urn:test:sct:r6", key, REQUEST_ID, "done");
        clientVerifier.verifyReply(parse(wire), "urn:test:sct:r6", key, REQUEST_ID);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> clientVerifier.verifyReply(parse(wire), "urn:test:sct:r6", key, REQUEST_ID));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault());
        assertTrue(e.getMessage().contains("replayed"), e.getMessage());

        String toOther = signedReply("urn:test:sct:r6", key, "urn:uuid:other", "done");
        e = assertThrows(WsSecurityException.class,
                () -> clientVerifier.verifyReply(parse(toOther), "urn:test:sct:r6", key, REQUEST_ID));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
        assertTrue(e.getMessage().contains("answers another request"), e.getMessage());

        String stale = signedReply("urn:test:sct:r6", key, REQUEST_ID, "late");
        clock.now = T0.plusSeconds(301);
        e = assertThrows(WsSecurityException.class,
                () -> clientVerifier.verifyReply(parse(stale), "urn:test:sct:r6", key, REQUEST_ID));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault(), e.getMessage());
    }

    // ---- Body encryption under a key derived from the proof key

    @Test
    void theBodyKeyDerivationIsRfc5869Hkdf() {
        // RFC 5869 A.3: SHA-256, zero-length salt and info.
        byte[] okm = SctBodyCipher.hkdf(new byte[0], HexFormat.of().parseHex("0b".repeat(22)), new byte[0], 42);
        assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
                HexFormat.of().formatHex(okm));
        // RFC 5869 A.1: with salt and info.
        okm = SctBodyCipher.hkdf(HexFormat.of().parseHex("000102030405060708090a0b0c"), HexFormat.of().parseHex(
                "0b".repeat(22)), HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
                HexFormat.of().formatHex(okm));
        assertEquals(16, SctBodyCipher.bodyKey(key).length);
        assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOf(key, 16), SctBodyCipher.bodyKey(key)));
    }

    /** Encrypts the Body, then signs, as a client under an encrypting policy does; then as on the wire. */
    String encryptedAndSigned(Element sct, String body) throws Exception {
        Document d = request(body);
        assertTrue(SctBodyCipher.encrypt(d, SctBodyCipher.bodyKey(key)));
        SctSigner.sign(d, sct, key, Duration.ofMinutes(5), clock);
        return text(d);
    }

    @Test
    void anEncryptedBodyIsSignedAsCiphertextAndDecryptedAfterTheSignatureHeld() throws Exception {
        String wire = encryptedAndSigned(sct("urn:test:sct:e1", LAMP, T0.plusSeconds(600)), "secret-level-42");
        assertFalse(wire.contains("secret-level-42"), wire);
        assertTrue(wire.contains("EncryptedData") && wire.contains("aes128-gcm"), wire);
        Document d = parse(wire);
        assertTrue(SctBodyCipher.isEncrypted(d));
        assertEquals(CLIENT, lampVerifier.verify(d, LAMP).subject());
        SctBodyCipher.decrypt(d, SctBodyCipher.bodyKey(key));
        assertTrue(text(d).contains(">secret-level-42</e:Switch>"), text(d));
        assertFalse(SctBodyCipher.isEncrypted(d));
    }

    @Test
    void aCiphertextAlteredInTransitFailsTheSignatureAndAnotherKeyFailsDecryption() throws Exception {
        String wire = encryptedAndSigned(sct("urn:test:sct:e2", LAMP, T0.plusSeconds(600)), "on");
        String cipherValue = wire.substring(wire.indexOf("CipherValue>") + 12, wire.indexOf("</", wire.indexOf(
                "CipherValue>")));
        char c = cipherValue.charAt(10);
        String altered = wire.replace(cipherValue, cipherValue.substring(0, 10) + (c == 'A' ? 'B' : 'A')
                + cipherValue.substring(11));
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> lampVerifier.verify(parse(altered), LAMP));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());

        Document d = parse(encryptedAndSigned(sct("urn:test:sct:e3", LAMP, T0.plusSeconds(600)), "on"));
        lampVerifier.verify(d, LAMP);
        byte[] other = key.clone();
        other[0] ^= 1;
        e = assertThrows(WsSecurityException.class, () -> SctBodyCipher.decrypt(d, SctBodyCipher.bodyKey(other)));
        assertEquals(Fault.FAILED_CHECK, e.fault());
        assertNoKey(e);
    }

    @Test
    void anEmptyBodyIsLeftAsItIsAndAPlainBodyIsNotDecrypted() throws Exception {
        Document get = parse("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Header/><s:Body/>"
                + "</s:Envelope>");
        assertFalse(SctBodyCipher.encrypt(get, SctBodyCipher.bodyKey(key)));
        assertFalse(SctBodyCipher.hasContent(get));
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> SctBodyCipher.decrypt(request("on"), SctBodyCipher.bodyKey(key)));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
    }

    @Test
    void theContextNeverPrintsItsKey() {
        SecurityContext c = new SecurityContext("urn:x", CLIENT, LAMP, T0, key);
        assertFalse(c.toString().contains(HexFormat.of().formatHex(key)));
        assertFalse(c.toString().contains(Base64.getEncoder().encodeToString(key)));
        byte[] copy = c.key();
        copy[0] = 9;
        assertEquals(0, c.key()[0], "the context hands out copies");
    }

    void assertNoKey(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            assertFalse(m.contains(HexFormat.of().formatHex(key)) || m.contains(Base64.getEncoder()
                    .encodeToString(key)) || m.contains(Base64.getEncoder().encodeToString(key).substring(0, 20)), m);
        }
    }
}
