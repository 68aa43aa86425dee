package org.trusthub.offload.internal.hub;

import org.trusthub.offload.wstrust.WsTrust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import javax.xml.namespace.QName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.HostedRequest;
import org.trusthub.binding.dpws.spi.HostedServiceException;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.wire.OpCounts;
import org.trusthub.offload.device.SctGrant;
import org.trusthub.offload.device.WsTrustClient;
import org.trusthub.offload.internal.dpws.AudienceContexts;
import org.trusthub.offload.wstrust.SctFormat;
import org.trusthub.offload.internal.dpws.StsService;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.trusthub.security.wss.sct.SctSigner;
import org.trusthub.security.wss.sct.SctVerifier;
import org.trusthub.security.wss.sct.SecurityContext;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * WS-Trust for DPWS clients: an SCT issued over the hosted-service seam, SOAP messages signed with its proof key and
 * checked by the audience alone, offline, with symmetric crypto only.
 */
class WsTrustSctTest {
    static final Duration TTL = Duration.ofMinutes(5);

    @TempDir
    Path dir;
    Fixture f;
    ConstrainedDevice client;
    ConstrainedDevice server;
    WsTrustClient clientSide;
    WsTrustClient serverSide;
    StsService sts;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
        client = f.operational("switch-1");
        server = f.operational("lamp-1");
        clientSide = new WsTrustClient(client, TTL);
        serverSide = new WsTrustClient(server, TTL);
        sts = new StsService(f.hub);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    static Document invoke(String text) throws Exception {
        String xml = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
                + "xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><s:Header><wsa:Action>urn:example:Switch"
                + "</wsa:Action><wsa:MessageID>urn:uuid:5</wsa:MessageID><wsa:To>urn:trusthub:thing:lamp-1</wsa:To>"
                + "</s:Header><s:Body><e:Switch xmlns:e=\"urn:example\">" + text + "</e:Switch></s:Body></s:Envelope>";
        return SctFormat.parser().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    HostedRequest call(Element rst) {
        return new HostedRequest(ThingId.of("hub-device"), SctFormat.ISSUE_ACTION, Optional.of(rst),
                Optional.empty());
    }

    SctGrant grant(ConstrainedDevice audience) throws Exception {
        Element rstr = sts.invoke(call(clientSide.requestSecurityToken(audience.id(), "invoke"))).body()
                .orElseThrow();
        return clientSide.acceptResponse(rstr);
    }

    @Test
    void theRstrCarriesASecurityContextTokenTheEncryptedProofKeyLifetimeAndAppliesTo() throws Exception {
        Element rstr = sts.invoke(call(clientSide.requestSecurityToken(server.id(), "invoke"))).body().orElseThrow();
        assertEquals("RequestSecurityTokenResponseCollection", rstr.getLocalName());
        Element sct = (Element) rstr.getElementsByTagNameNS(SctFormat.WSC, "SecurityContextToken").item(0);
        String identifier = sct.getElementsByTagNameNS(SctFormat.WSC, "Identifier").item(0).getTextContent();
        assertTrue(identifier.startsWith(SctFormat.IDENTIFIER_PREFIX));
        assertEquals(0, rstr.getElementsByTagNameNS(WsTrust.WSSE, "BinarySecurityToken").getLength());
        assertEquals(1, rstr.getElementsByTagNameNS(WsTrust.WST, "RequestedProofToken").getLength());
        assertEquals(1, rstr.getElementsByTagNameNS(WsTrust.WST, "Lifetime").getLength());
        assertEquals(WsTrust.THING_URN + "lamp-1", rstr.getElementsByTagNameNS(WsTrust.WSA, "Address").item(0)
                .getTextContent());
        assertEquals(SctFormat.SCT_TYPE, rstr.getElementsByTagNameNS(WsTrust.WST, "TokenType").item(0)
                .getTextContent());
        assertEquals("ws-trust", f.hub.issuedTokens().get(0).profile());
    }

    @Test
    void aProofKeySignedMessageIsAcceptedByTheAudienceAloneWithNoPublicKeyOperation() throws Exception {
        SctGrant g = grant(server);
        OpCounts c0 = client.counter().snapshot();
        String wire = clientSide.sign(invoke("on"), g, TTL);
        OpCounts c1 = client.counter().snapshot();
        f.close(); // the hub's keystore and registry are gone: the audience needs neither
        WsTrustClient.Received r = serverSide.receive(wire);
        assertEquals(client.id(), r.sender());
        assertTrue(r.envelope().getElementsByTagNameNS("urn:example", "Switch").item(0).getTextContent()
                .equals("on"));
        assertEquals(0, client.counter().snapshot().publicKey());
        assertEquals(0, server.counter().snapshot().publicKey());
        assertEquals(1, c1.symmetric() - c0.symmetric(), "one HMAC per message");
        assertEquals(5, c1.hash() - c0.hash(), "one SHA-256 per signed part");

        // The second message to the same audience costs it no token opening any more.
        OpCounts s0 = server.counter().snapshot();
        serverSide.receive(clientSide.sign(invoke("off"), g, TTL));
        OpCounts s1 = server.counter().snapshot();
        assertEquals(1, s1.symmetric() - s0.symmetric());
    }

    @Test
    void theHubSideResolverOpensTheSameTokenFromTheKeystoreForHostedThings() throws Exception {
        SctGrant g = grant(server);
        String wire = clientSide.sign(invoke("on"), g, TTL);
        SctVerifier hosted = new SctVerifier(new AudienceContexts(f.keystore), f.clock, TTL);
        SctVerifier.Verified v = hosted.verify(SctFormat.parser().parse(new ByteArrayInputStream(wire.getBytes(
                StandardCharsets.UTF_8))), server.id());
        assertEquals(client.id(), v.subject());
    }

    @Test
    void aForgedTokenWritesNothingToTheKeystoreAndAGenuineOneRecordsTheUse() throws Exception {
        ConstrainedDevice fresh = f.operational("lamp-2");
        byte[] forged = org.trusthub.offload.wire.Cose.encrypt0(
                new org.trusthub.offload.wire.Crypto(new org.trusthub.offload.wire.OpCounter(),
                        new java.security.SecureRandom()),
                new byte[16], fresh.id().value().getBytes(StandardCharsets.UTF_8),
                org.trusthub.offload.wire.Wire.AAD_TOKEN, new byte[] {(byte) 0xa0});
        var metadata = f.keystore.metadata(fresh.id());
        var files = f.keystoreFiles();
        f.clock.advance(Duration.ofSeconds(5));
        assertThrows(WsSecurityException.class,
                () -> new AudienceContexts(f.keystore).resolve(SctFormat.identifier(forged), fresh.id()));
        assertEquals(metadata, f.keystore.metadata(fresh.id()), "a forged token recorded a key use");
        Fixture.assertSameFiles(files, f.keystoreFiles());

        SctGrant g = grant(fresh);
        f.clock.advance(Duration.ofSeconds(5));
        new AudienceContexts(f.keystore).resolve(identifier(g), fresh.id()).destroy();
        assertEquals(f.clock.instant(), f.keystore.metadata(fresh.id()).layers()
                .get(org.trusthub.api.keystore.Layer.APPLICATION.ordinal()).lastUsed());
    }

    @Test
    void aTamperedBodyAReplayAndATokenForAnotherAudienceAreRefused() throws Exception {
        SctGrant g = grant(server);
        String wire = clientSide.sign(invoke("on"), g, TTL);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> serverSide.receive(wire.replace(">on<", ">off<")));
        assertEquals(Fault.FAILED_CHECK, e.fault());
        serverSide.receive(wire);
        e = assertThrows(WsSecurityException.class, () -> serverSide.receive(wire));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault());
        assertTrue(e.getMessage().contains("replayed"), e.getMessage());

        ConstrainedDevice heater = f.operational("heater-1");
        String toLamp = clientSide.sign(invoke("on"), g, TTL);
        e = assertThrows(WsSecurityException.class, () -> new WsTrustClient(heater, TTL).receive(toLamp));
        assertEquals(Fault.INVALID_SECURITY_TOKEN, e.fault());
        assertTrue(e.getMessage().contains("sealed for another thing"), e.getMessage());
        assertEquals(0, heater.counter().snapshot().publicKey());
    }

    @Test
    void anExpiredTokenIsRefusedByTheAudienceAndNotUsedByTheClient() throws Exception {
        SctGrant g = grant(server);
        String wire = clientSide.sign(invoke("on"), g, TTL);
        f.clock.advance(Duration.ofHours(1));
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> serverSide.receive(wire));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault());
        OffloadException o = assertThrows(OffloadException.class, () -> clientSide.sign(invoke("on"), g, TTL));
        assertEquals(Refusal.EXPIRED, o.refusal());
    }

    @Test
    void refusalsBecomeWsTrustFaultsAndIssueNothing() throws Exception {
        ConstrainedDevice other = f.operational("other-1");
        Element rst = clientSide.requestSecurityToken(server.id(), "invoke");
        rst.getElementsByTagNameNS(WsTrust.WSA, "Address").item(0).setTextContent(WsTrust.THING_URN
                + other.id().value());
        HostedServiceException e = assertThrows(HostedServiceException.class, () -> sts.invoke(call(rst)));
        assertEquals(new QName(WsTrust.WST, "FailedAuthentication"), e.subcode());
        assertTrue(e.getMessage().contains("AppliesTo"), e.getMessage());

        Element notRst = SctFormat.parser().newDocument().createElementNS("urn:x", "x:Other");
        e = assertThrows(HostedServiceException.class, () -> sts.invoke(call(notRst)));
        assertEquals(new QName(WsTrust.WST, "BadRequest"), e.subcode());

        Element wrongType = clientSide.requestSecurityToken(server.id(), "invoke");
        wrongType.getElementsByTagNameNS(WsTrust.WST, "TokenType").item(0).setTextContent("urn:x:saml");
        e = assertThrows(HostedServiceException.class, () -> sts.invoke(call(wrongType)));
        assertEquals(new QName(WsTrust.WST, "InvalidRequest"), e.subcode());
        assertTrue(f.hub.issuedTokens().isEmpty());
    }

    @Test
    void aCwtRequestStillGetsTheBinarySecurityTokenAnswer() throws Exception {
        Element rst = clientSide.requestSecurityToken(server.id(), "invoke");
        rst.getElementsByTagNameNS(WsTrust.WST, "TokenType").item(0).setTextContent(WsTrust.CWT_TYPE);
        Element rstr = sts.invoke(call(rst)).body().orElseThrow();
        assertEquals(1, rstr.getElementsByTagNameNS(WsTrust.WSSE, "BinarySecurityToken").getLength());
        assertFalse(rstr.getElementsByTagNameNS(SctFormat.WSC, "SecurityContextToken").getLength() > 0);
    }

    @Test
    void aMetadataGetWithAnEmptyBodyAndSingleQuotedPrefixesVerifies() throws Exception {
        SctGrant g = grant(server);
        String xml = "<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope' "
                + "xmlns:a='http://www.w3.org/2005/08/addressing'><s:Header><a:Action>"
                + "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action><a:MessageID>urn:uuid:1</a:MessageID>"
                + "<a:To>urn:uuid:2</a:To></s:Header><s:Body/></s:Envelope>";
        Document d = SctFormat.parser().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        String wire = clientSide.sign(d, g, TTL);
        Document asTheBindingReadsIt = org.trusthub.binding.dpws.internal.Xml.parse(wire.getBytes(
                StandardCharsets.UTF_8), 1 << 20);
        SctVerifier hosted = new SctVerifier(new AudienceContexts(f.keystore), f.clock, TTL);
        assertEquals(client.id(), hosted.verify(asTheBindingReadsIt, server.id()).subject(), wire);
        assertEquals(client.id(), serverSide.receive(wire).sender(), wire);
    }

    // ---- the hosted thing's reply, signed with the proof key of the request's token

    static final String REQUEST_ID = "urn:uuid:5";

    static Document reply(String relatesTo, String text) throws Exception {
        String xml = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
                + "xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><s:Header><wsa:Action>urn:example:SwitchResponse"
                + "</wsa:Action><wsa:MessageID>urn:uuid:6</wsa:MessageID><wsa:RelatesTo>" + relatesTo
                + "</wsa:RelatesTo><wsa:To>http://www.w3.org/2005/08/addressing/anonymous</wsa:To></s:Header><s:Body>"
                + "<e:SwitchResponse xmlns:e=\"urn:example\">" + text + "</e:SwitchResponse></s:Body></s:Envelope>";
        return SctFormat.parser().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static String identifier(SctGrant g) {
        return g.securityContextToken().getElementsByTagNameNS(SctFormat.WSC, "Identifier").item(0).getTextContent();
    }

    /** The hub's side for a hosted thing: checks the request as security-wss does, signs the reply with its key. */
    String hostedReply(String request, SctGrant g, String text) throws Exception {
        SctVerifier hosted = new SctVerifier(new AudienceContexts(f.keystore), f.clock, TTL);
        hosted.verify(SctFormat.parser().parse(new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8))),
                server.id());
        return replyUnder(identifier(g), g, text);
    }

    String replyUnder(String identifier, SctGrant keyOf, String text) throws Exception {
        SecurityContext c = new AudienceContexts(f.keystore).resolve(identifier(keyOf), server.id());
        byte[] key = c.key();
        try {
            Document d = reply(REQUEST_ID, text);
            SctSigner.signReply(d, identifier, key, TTL, f.clock);
            return text(d);
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
            c.destroy();
        }
    }

    static String text(Document d) throws Exception {
        java.io.StringWriter w = new java.io.StringWriter();
        var t = javax.xml.transform.TransformerFactory.newInstance().newTransformer();
        t.setOutputProperty(javax.xml.transform.OutputKeys.OMIT_XML_DECLARATION, "yes");
        t.transform(new javax.xml.transform.dom.DOMSource(d), new javax.xml.transform.stream.StreamResult(w));
        return w.toString();
    }

    @Test
    void theHostedThingsReplySignedWithTheProofKeyIsAcceptedByTheClientWithSymmetricCryptoOnly() throws Exception {
        SctGrant g = grant(server);
        String wire = hostedReply(clientSide.sign(invoke("on"), g, TTL), g, "done");
        OpCounts c0 = client.counter().snapshot();
        Document d = clientSide.receiveReply(wire, g, REQUEST_ID);
        OpCounts c1 = client.counter().snapshot().minus(c0);
        assertEquals("done", d.getElementsByTagNameNS("urn:example", "SwitchResponse").item(0).getTextContent());
        assertEquals(0, d.getElementsByTagNameNS(WsTrust.WSSE, "Security").getLength(), "the header is consumed");
        assertEquals(0, client.counter().snapshot().publicKey());
        assertEquals(1, c1.symmetric(), "one HMAC per reply, no token opening");
        assertEquals(6, c1.hash(), "one SHA-256 per signed part: four addressing headers, Timestamp, Body");
    }

    @Test
    void anUnsignedReplyIsRefusedAndCostsTheClientNoCrypto() throws Exception {
        SctGrant g = grant(server);
        OpCounts c0 = client.counter().snapshot();
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> clientSide.receiveReply(text(reply(REQUEST_ID, "done")), g, REQUEST_ID));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
        assertTrue(e.getMessage().contains("not signed"), e.getMessage());
        OpCounts c1 = client.counter().snapshot().minus(c0);
        assertEquals(0, c1.symmetric() + c1.hash() + c1.publicKey());
    }

    @Test
    void aTamperedReplyIsRefused() throws Exception {
        SctGrant g = grant(server);
        String wire = hostedReply(clientSide.sign(invoke("on"), g, TTL), g, "done");
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> clientSide.receiveReply(wire.replace(">done<", ">fail<"), g, REQUEST_ID));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());
        assertEquals(0, client.counter().snapshot().publicKey());
    }

    @Test
    void aReplyUnderAnotherTokensKeyIsRefused() throws Exception {
        SctGrant g = grant(server);
        SctGrant other = grant(server);
        // The right identifier, the key of another token: the HMAC does not hold.
        String wrongKey = replyUnder(identifier(g), other, "done");
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> clientSide.receiveReply(wrongKey, g, REQUEST_ID));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());
        // Signed under another token altogether: refused before any HMAC.
        String otherToken = replyUnder(identifier(other), other, "done");
        e = assertThrows(WsSecurityException.class, () -> clientSide.receiveReply(otherToken, g, REQUEST_ID));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
        assertTrue(e.getMessage().contains("another security context token"), e.getMessage());
    }

    @Test
    void aReplayedReplyAndAReplyToAnotherRequestAreRefused() throws Exception {
        SctGrant g = grant(server);
        String wire = hostedReply(clientSide.sign(invoke("on"), g, TTL), g, "done");
        clientSide.receiveReply(wire, g, REQUEST_ID);
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> clientSide.receiveReply(wire, g, REQUEST_ID));
        assertEquals(Fault.MESSAGE_EXPIRED, e.fault());
        assertTrue(e.getMessage().contains("replayed"), e.getMessage());

        String later = replyUnder(identifier(g), g, "done");
        e = assertThrows(WsSecurityException.class, () -> clientSide.receiveReply(later, g, "urn:uuid:7"));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
        assertTrue(e.getMessage().contains("answers another request"), e.getMessage());
    }

    // ---- Body encryption under a key derived from the proof key (targets whose policy requires encryption)

    @Test
    void anEncryptedInvokeIsOpenedByTheAudienceOnlyAfterItsSignatureWithSymmetricCryptoOnly() throws Exception {
        SctGrant g = grant(server);
        OpCounts c0 = client.counter().snapshot();
        String wire = clientSide.signEncrypted(invoke("level-42"), g, TTL);
        OpCounts c1 = client.counter().snapshot().minus(c0);
        assertFalse(wire.contains("level-42"), wire);
        assertTrue(wire.contains("aes128-gcm"), wire);
        assertEquals(3, c1.symmetric(), "HKDF of the Body key (once per grant), AES-GCM, HMAC");
        OpCounts c2 = client.counter().snapshot();
        clientSide.signEncrypted(invoke("level-43"), g, TTL);
        assertEquals(2, client.counter().snapshot().minus(c2).symmetric(), "AES-GCM and HMAC per message");

        WsTrustClient.Received r = serverSide.receive(wire);
        assertTrue(r.encrypted());
        assertEquals("level-42", r.envelope().getElementsByTagNameNS("urn:example", "Switch").item(0)
                .getTextContent());
        assertEquals(0, client.counter().snapshot().publicKey() + server.counter().snapshot().publicKey());
    }

    @Test
    void theHubOpensADevicesEncryptedBodyWithTheSameDerivation() throws Exception {
        SctGrant g = grant(server);
        String wire = clientSide.signEncrypted(invoke("level-42"), g, TTL);
        Document d = SctFormat.parser().parse(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
        new SctVerifier(new AudienceContexts(f.keystore), f.clock, TTL).verify(d, server.id());
        SecurityContext c = new AudienceContexts(f.keystore).resolve(identifier(g), server.id());
        byte[] key = c.key();
        // security-wss's HKDF (javax.crypto) and the device's (Bouncy Castle) give one Body key.
        org.trusthub.security.wss.sct.SctBodyCipher.decrypt(d, org.trusthub.security.wss.sct.SctBodyCipher
                .bodyKey(key));
        assertEquals("level-42", d.getElementsByTagNameNS("urn:example", "Switch").item(0).getTextContent());
    }

    @Test
    void anEncryptedReplyIsOpenedAfterItsSignatureAndAClearOneIsRefusedWhenEncryptionWasAsked() throws Exception {
        SctGrant g = grant(server);
        SecurityContext c = new AudienceContexts(f.keystore).resolve(identifier(g), server.id());
        byte[] key = c.key();
        Document d = reply(REQUEST_ID, "status-7");
        org.trusthub.security.wss.sct.SctBodyCipher.encrypt(d, org.trusthub.security.wss.sct.SctBodyCipher
                .bodyKey(key));
        SctSigner.signReply(d, identifier(g), key, TTL, f.clock);
        String wire = text(d);
        assertFalse(wire.contains("status-7"));
        OpCounts c0 = client.counter().snapshot();
        Document opened = clientSide.receiveReply(wire, g, REQUEST_ID, true);
        assertEquals("status-7", opened.getElementsByTagNameNS("urn:example", "SwitchResponse").item(0)
                .getTextContent());
        OpCounts c1 = client.counter().snapshot().minus(c0);
        assertEquals(3, c1.symmetric(), "HMAC, HKDF of the Body key (first use), AES-GCM");
        assertEquals(0, c1.publicKey());

        String clear = replyUnder(identifier(g), g, "status-8");
        WsSecurityException e = assertThrows(WsSecurityException.class,
                () -> clientSide.receiveReply(clear, g, REQUEST_ID, true));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
        assertTrue(e.getMessage().contains("not encrypted"), e.getMessage());
    }

    // ---- where the token service is offered

    @Test
    void theTokenServiceIsOfferedOnNoDeviceUnlessConfigured() {
        assertFalse(sts.hostedOn(server.id()), "default: no device");
        assertEquals("(none)", sts.offeredOn());
        StsService some = new StsService(f.hub, java.util.List.of("lamp-1, heater-1", "NOT A THING"));
        assertTrue(some.hostedOn(ThingId.of("lamp-1")));
        assertTrue(some.hostedOn(ThingId.of("heater-1")));
        assertFalse(some.hostedOn(ThingId.of("switch-1")));
        assertEquals("heater-1,lamp-1", some.offeredOn(), "the malformed entry is ignored");
        StsService all = new StsService(f.hub, java.util.List.of("*"));
        assertTrue(all.hostedOn(ThingId.of("switch-1")));
        assertEquals("*", all.offeredOn());
    }

    @Test
    void grantsAndContextsNeverPrintTheirKeys() throws Exception {
        SctGrant g = grant(server);
        assertTrue(g.toString().contains("redacted"));
        assertTrue(clientSide.toString().contains("redacted"));
    }
}
