package org.trusthub.benchmarks.offload;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.engine.WSSConfig;
import org.apache.wss4j.dom.engine.WSSecurityEngine;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.apache.wss4j.dom.message.WSSecTimestamp;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * One DPWS invoke (three WS-Addressing headers and a small Body) and its baseline protection without the hub: a
 * WS-Security X.509 signature (ECDSA P-256, SHA-256, Exclusive C14N, the certificate as a BinarySecurityToken) over
 * the same parts the SCT signature covers, made and checked with WSS4J.
 */
final class SoapMessages {

    static final String SOAP = "http://www.w3.org/2003/05/soap-envelope";
    private static final String WSU =
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    private static final String ALIAS = "signer";
    private static final String PASSWORD = "bench";

    private final Merlin crypto;

    SoapMessages(OffloadBench b) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, b.signerKeys.getPrivate(), PASSWORD.toCharArray(), new Certificate[] {b.signer});
        ks.setCertificateEntry("ca", b.ca);
        crypto = new Merlin();
        crypto.setKeyStore(ks);
        crypto.setTrustStore(ks);
        WSSConfig.init();
    }

    static Document invoke() throws Exception {
        String xml = "<s:Envelope xmlns:s=\"" + SOAP + "\" xmlns:wsa=\"http://www.w3.org/2005/08/addressing\">"
                + "<s:Header><wsa:Action>http://trusthub.org/ns/dpws/2026/thing/ThingPortType/GetStatus</wsa:Action>"
                + "<wsa:MessageID>urn:uuid:" + UUID.randomUUID() + "</wsa:MessageID>"
                + "<wsa:To>http://127.0.0.1:5357/dpws/0f8fad5b-d9cb-469f-a165-70867728950e/thing</wsa:To>"
                + "</s:Header><s:Body><th:GetStatus xmlns:th=\"http://trusthub.org/ns/dpws/2026/thing\"/></s:Body>"
                + "</s:Envelope>";
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** The hosted thing's answer to a GetStatus, relating to it (four addressing headers, as the binding's). */
    static Document reply(String relatesTo) throws Exception {
        String xml = "<s:Envelope xmlns:s=\"" + SOAP + "\" xmlns:wsa=\"http://www.w3.org/2005/08/addressing\">"
                + "<s:Header><wsa:Action>http://trusthub.org/ns/dpws/2026/thing/ThingPortType/GetStatusResponse"
                + "</wsa:Action><wsa:MessageID>urn:uuid:" + UUID.randomUUID() + "</wsa:MessageID>"
                + "<wsa:RelatesTo>" + relatesTo + "</wsa:RelatesTo>"
                + "<wsa:To>http://www.w3.org/2005/08/addressing/anonymous</wsa:To>"
                + "</s:Header><s:Body><th:GetStatusResponse xmlns:th=\"http://trusthub.org/ns/dpws/2026/thing\">"
                + "<th:Thing>sct-server</th:Thing><th:State>OPERATIONAL</th:State></th:GetStatusResponse></s:Body>"
                + "</s:Envelope>";
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** Signs with ECDSA P-256 and the certificate; returns the number of digested parts. */
    int signX509(Document d) throws Exception {
        List<WSEncryptionPart> parts = new ArrayList<>();
        Element header = (Element) d.getElementsByTagNameNS(SOAP, "Header").item(0);
        for (org.w3c.dom.Node n = header.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                String id = "id-" + UUID.randomUUID();
                e.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:wsu", WSU);
                e.setAttributeNS(WSU, "wsu:Id", id);
                parts.add(new WSEncryptionPart(id));
            }
        }
        WSSecHeader h = new WSSecHeader(d);
        h.setMustUnderstand(true);
        h.insertSecurityHeader();
        WSSecTimestamp ts = new WSSecTimestamp(h);
        ts.setTimeToLive(300);
        ts.build();
        parts.add(new WSEncryptionPart(ts.getId()));
        parts.add(new WSEncryptionPart("Body", SOAP, "Element"));
        WSSecSignature s = new WSSecSignature(h);
        s.setUserInfo(ALIAS, PASSWORD);
        s.setKeyIdentifierType(WSConstants.BST_DIRECT_REFERENCE);
        s.setSignatureAlgorithm(WSConstants.ECDSA_SHA256);
        s.setDigestAlgo(WSConstants.SHA256);
        s.setSigCanonicalization(WSConstants.C14N_EXCL_OMIT_COMMENTS);
        s.setAddInclusivePrefixes(false);
        s.getParts().addAll(parts);
        s.build(crypto);
        return parts.size();
    }

    /** Checks an X.509-signed message (signature and the certificate's trust); true when it holds. */
    boolean verifyX509(Document d) throws Exception {
        Element security = (Element) d.getElementsByTagNameNS(WSConstants.WSSE_NS, "Security").item(0);
        RequestData data = new RequestData();
        data.setSigVerCrypto(crypto);
        data.setEnableRevocation(false);
        WSSecurityEngine engine = new WSSecurityEngine();
        return engine.processSecurityHeader(security, data).getActionResults().containsKey(WSConstants.SIGN);
    }

    static String text(Document d) throws Exception {
        StringWriter w = new StringWriter();
        var t = TransformerFactory.newInstance().newTransformer();
        t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        t.transform(new DOMSource(d), new StreamResult(w));
        return w.toString();
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
