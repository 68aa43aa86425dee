package org.trusthub.security.wss.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.security.wss.DiscoverySigner;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class CompactSignatureTest {

    static final String HELLO = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\""
            + " xmlns:a=\"http://www.w3.org/2005/08/addressing\""
            + " xmlns:d=\"http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01\">"
            + "<s:Header>"
            + "<a:Action>http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01/Hello</a:Action>"
            + "<a:MessageID>urn:uuid:4d0f2c8a-9b1e-4f3a-8c7d-2e1f0a9b8c7d</a:MessageID>"
            + "<a:To>urn:docs-oasis-open-org:ws-dd:ns:discovery:2009:01</a:To>"
            + "<d:AppSequence InstanceId=\"1700000000\" MessageNumber=\"7\"/>"
            + "</s:Header>"
            + "<s:Body><d:Hello><a:EndpointReference><a:Address>urn:uuid:0f6e5d4c-3b2a-4190-8a7b-6c5d4e3f2a1b"
            + "</a:Address></a:EndpointReference><d:Types xmlns:dpws=\"http://docs.oasis-open.org/ws-dd/ns/dpws/2009/01\">"
            + "dpws:Device</d:Types><d:MetadataVersion>1</d:MetadataVersion></d:Hello></s:Body>"
            + "</s:Envelope>";

    private Party device;
    private Party hub;
    private CompactSignature deviceSide;
    private CompactSignature hubSide;

    @BeforeEach
    void setUp() {
        device = new Party("dpws-device-1");
        hub = new Party("hub");
        Party.introduce(device, hub);
        deviceSide = new CompactSignature(device);
        hubSide = new CompactSignature(hub);
    }

    private static Document hello() {
        return SecureXml.parse(HELLO.getBytes(StandardCharsets.UTF_8));
    }

    private Document signedHello() throws WsSecurityException {
        Document doc = hello();
        deviceSide.sign(doc);
        return Envelopes.wire(doc);
    }

    @Test
    void keyIdIsTheRfc5280SubjectKeyIdentifier() throws Exception {
        byte[] expected = new JcaX509ExtensionUtils()
                .createSubjectKeyIdentifier(device.identity.certificate().getPublicKey()).getKeyIdentifier();
        assertArrayEquals(expected, CompactSignature.subjectKeyId(device.identity.certificate().getPublicKey()));
    }

    @Test
    void signedHelloVerifies() throws Exception {
        Document doc = signedHello();
        String wire = Envelopes.text(doc);
        assertTrue(wire.contains("<d:Security><d:Sig "), wire);
        assertTrue(wire.contains("Scheme=\"" + CompactSignature.ECDSA_SCHEME + "\""), wire);
        Optional<DiscoverySigner> signer = hubSide.verify(doc);
        assertEquals(Optional.of(device.name), signer.orElseThrow().thing());
        assertTrue(wire.length() < 4096, "fits the SOAP-over-UDP limit: " + wire.length());
    }

    @Test
    void hubVerifiesItsOwnSignature() throws Exception {
        Document doc = hello();
        hubSide.sign(doc);
        assertTrue(hubSide.verify(Envelopes.wire(doc)).orElseThrow().isHub());
    }

    @Test
    void unsignedMessageHasNoSigner() throws Exception {
        assertEquals(Optional.empty(), hubSide.verify(hello()));
    }

    @Test
    void tamperedAppSequenceFails() throws Exception {
        Document doc = signedHello();
        Element seq = (Element) doc.getElementsByTagNameNS(CompactSignature.WSD_NS, "AppSequence").item(0);
        seq.setAttribute("MessageNumber", "8");
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> hubSide.verify(doc));
        assertEquals(Fault.FAILED_CHECK, e.fault());
    }

    @Test
    void headerAddedAfterSigningIsNotCovered() throws Exception {
        Document doc = signedHello();
        Element header = (Element) doc.getDocumentElement().getFirstChild();
        Element relates = doc.createElementNS("http://www.w3.org/2005/08/addressing", "a:RelatesTo");
        relates.setTextContent("urn:uuid:00000000-0000-0000-0000-000000000000");
        header.insertBefore(relates, header.getFirstChild());
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> hubSide.verify(doc));
        assertEquals(Fault.FAILED_CHECK, e.fault());
        assertTrue(e.getMessage().contains("RelatesTo"), e.getMessage());
    }

    @Test
    void signedBodyMovedAndReplacedIsRefused() throws Exception {
        Document doc = signedHello();
        Element envelope = doc.getDocumentElement();
        Element body = Envelope.children(envelope).get(1);
        Element header = Envelope.children(envelope).get(0);
        header.appendChild(body);
        Element evil = doc.createElementNS(WssEngine.SOAP12_NS, "s:Body");
        envelope.appendChild(evil);
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> hubSide.verify(doc));
        assertEquals(Fault.FAILED_CHECK, e.fault(), e.getMessage());
    }

    @Test
    void duplicatedIdIsRefused() throws Exception {
        Document doc = signedHello();
        Element envelope = doc.getDocumentElement();
        Element body = Envelope.children(envelope).get(1);
        Element wrapper = doc.createElementNS("urn:x", "x:W");
        wrapper.appendChild(body.cloneNode(true));
        Envelope.children(envelope).get(0).appendChild(wrapper);
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> hubSide.verify(doc));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
    }

    @Test
    void unknownKeyIsRefused() throws Exception {
        Party stranger = new Party("stranger");
        Document doc = hello();
        new CompactSignature(stranger).sign(doc);
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> hubSide.verify(Envelopes.wire(doc)));
        assertEquals(Fault.FAILED_AUTHENTICATION, e.fault());
    }

    @Test
    void keyIdOfAKnownThingWithAForeignSignatureFails() throws Exception {
        Party stranger = new Party("stranger");
        Document doc = hello();
        new CompactSignature(stranger).sign(doc);
        Element sig = (Element) doc.getElementsByTagNameNS(CompactSignature.WSD_NS, "Sig").item(0);
        sig.setAttribute("KeyId", java.util.Base64.getEncoder().encodeToString(
                CompactSignature.subjectKeyId(device.identity.certificate().getPublicKey())));
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> hubSide.verify(Envelopes.wire(doc)));
        assertEquals(Fault.FAILED_CHECK, e.fault());
    }

    @Test
    void rsaSha1SchemeIsADowngrade() throws Exception {
        Document doc = signedHello();
        Element sig = (Element) doc.getElementsByTagNameNS(CompactSignature.WSD_NS, "Sig").item(0);
        sig.setAttribute("Scheme", CompactSignature.RSA_SCHEME);
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> hubSide.verify(doc));
        assertEquals(Fault.UNSUPPORTED_ALGORITHM, e.fault());
    }

    @Test
    void strippedSigIsRefused() throws Exception {
        Document doc = signedHello();
        Element sig = (Element) doc.getElementsByTagNameNS(CompactSignature.WSD_NS, "Sig").item(0);
        sig.getParentNode().removeChild(sig);
        WsSecurityException e = assertThrows(WsSecurityException.class, () -> hubSide.verify(doc));
        assertEquals(Fault.INVALID_SECURITY, e.fault());
    }
}
