package org.trusthub.offload.wstrust;

import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Base64;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * The WS-Trust 1.4 shape of the token service for DPWS clients. The RST carries the client's authenticated request
 * (the same COSE_Mac0 a CoAP client sends) in {@code th:AuthenticatedRequest} and names the audience in
 * {@code wsp:AppliesTo}; the RSTR carries the same CWT as a {@code wsse:BinarySecurityToken} and the client's wrapped
 * proof-of-possession material in {@code wst:RequestedProofToken}. A WS-Security layer on the DPWS binding can then
 * put the token in the message's security header and sign with the proof key.
 */
public final class WsTrust {
    public static final String WST = "http://docs.oasis-open.org/ws-sx/ws-trust/200512";
    public static final String WSP = "http://www.w3.org/ns/ws-policy";
    public static final String WSA = "http://www.w3.org/2005/08/addressing";
    public static final String WSSE =
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    public static final String WSU =
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    public static final String TH = "urn:trusthub:offload:1";
    public static final String ISSUE = WST + "/Issue";
    public static final String CWT_TYPE = "urn:ietf:params:oauth:token-type:cwt";
    public static final String BASE64 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
    /** AppliesTo addresses of things. */
    public static final String THING_URN = "urn:trusthub:thing:";
    private static final int MAX_RST = 32 * 1024;

    /** What an RST asks for. */
    public record Rst(byte[] request, String appliesTo) {
    }

    private WsTrust() {
    }

    public static Rst parse(String xml) {
        if (xml == null || xml.isEmpty() || xml.length() > MAX_RST) {
            throw new OffloadException(Refusal.MALFORMED, "RequestSecurityToken must be 1 to " + MAX_RST
                    + " characters");
        }
        Document d;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            d = b.parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException | java.io.IOException e) {
            throw new OffloadException(Refusal.MALFORMED, "RequestSecurityToken is not well-formed XML");
        }
        Element root = d.getDocumentElement();
        if (!WST.equals(root.getNamespaceURI()) || !"RequestSecurityToken".equals(root.getLocalName())) {
            throw new OffloadException(Refusal.MALFORMED, "not a wst:RequestSecurityToken");
        }
        String requestType = text(root, WST, "RequestType");
        if (!ISSUE.equals(requestType)) {
            throw new OffloadException(Refusal.MALFORMED, "only the Issue request type is supported");
        }
        String tokenType = optionalText(root, WST, "TokenType");
        if (tokenType != null && !CWT_TYPE.equals(tokenType)) {
            throw new OffloadException(Refusal.POLICY, "only CWT tokens (" + CWT_TYPE + ") are issued");
        }
        String address = text(root, WSA, "Address");
        if (!address.startsWith(THING_URN)) {
            throw new OffloadException(Refusal.MALFORMED, "AppliesTo must be " + THING_URN + "<thing id>");
        }
        byte[] request;
        try {
            request = Base64.getDecoder().decode(text(root, TH, "AuthenticatedRequest"));
        } catch (IllegalArgumentException e) {
            throw new OffloadException(Refusal.MALFORMED, "AuthenticatedRequest is not base64");
        }
        return new Rst(request, address.substring(THING_URN.length()));
    }

    private static String text(Element root, String ns, String local) {
        String t = optionalText(root, ns, local);
        if (t == null) {
            throw new OffloadException(Refusal.MALFORMED, "RequestSecurityToken has no " + local);
        }
        return t;
    }

    private static String optionalText(Element root, String ns, String local) {
        NodeList l = root.getElementsByTagNameNS(ns, local);
        if (l.getLength() == 0) {
            return null;
        }
        if (l.getLength() > 1) {
            throw new OffloadException(Refusal.MALFORMED, "RequestSecurityToken has more than one " + local);
        }
        return l.item(0).getTextContent().trim();
    }

    /** The RST a DPWS client sends (what the device model and tests use). */
    public static String rst(String audience, byte[] authenticatedRequest) {
        return write(w -> {
            w.writeStartElement("wst", "RequestSecurityToken", WST);
            w.writeNamespace("wst", WST);
            w.writeNamespace("wsp", WSP);
            w.writeNamespace("wsa", WSA);
            w.writeNamespace("th", TH);
            element(w, "wst", "TokenType", WST, CWT_TYPE);
            element(w, "wst", "RequestType", WST, ISSUE);
            appliesTo(w, audience);
            element(w, "th", "AuthenticatedRequest", TH, Base64.getEncoder().encodeToString(authenticatedRequest));
            w.writeEndElement();
        });
    }

    public static String rstr(String audience, byte[] token, byte[] proof, Instant created, Instant expires) {
        return write(w -> {
            w.writeStartElement("wst", "RequestSecurityTokenResponseCollection", WST);
            w.writeNamespace("wst", WST);
            w.writeNamespace("wsp", WSP);
            w.writeNamespace("wsa", WSA);
            w.writeNamespace("wsse", WSSE);
            w.writeNamespace("wsu", WSU);
            w.writeNamespace("th", TH);
            w.writeStartElement("wst", "RequestSecurityTokenResponse", WST);
            element(w, "wst", "TokenType", WST, CWT_TYPE);
            w.writeStartElement("wst", "RequestedSecurityToken", WST);
            w.writeStartElement("wsse", "BinarySecurityToken", WSSE);
            w.writeAttribute("ValueType", CWT_TYPE);
            w.writeAttribute("EncodingType", BASE64);
            w.writeCharacters(Base64.getEncoder().encodeToString(token));
            w.writeEndElement();
            w.writeEndElement();
            appliesTo(w, audience);
            w.writeStartElement("wst", "RequestedProofToken", WST);
            element(w, "th", "WrappedProofKey", TH, Base64.getEncoder().encodeToString(proof));
            w.writeEndElement();
            w.writeStartElement("wst", "Lifetime", WST);
            element(w, "wsu", "Created", WSU, created.toString());
            element(w, "wsu", "Expires", WSU, expires.toString());
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndElement();
        });
    }

    private static void appliesTo(XMLStreamWriter w, String audience) throws XMLStreamException {
        w.writeStartElement("wsp", "AppliesTo", WSP);
        w.writeStartElement("wsa", "EndpointReference", WSA);
        element(w, "wsa", "Address", WSA, THING_URN + audience);
        w.writeEndElement();
        w.writeEndElement();
    }

    private static void element(XMLStreamWriter w, String prefix, String local, String ns, String text)
            throws XMLStreamException {
        w.writeStartElement(prefix, local, ns);
        w.writeCharacters(text);
        w.writeEndElement();
    }

    private interface Body {
        void write(XMLStreamWriter w) throws XMLStreamException;
    }

    private static String write(Body body) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            body.write(w);
            w.flush();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write WS-Trust message", e);
        }
        return out.toString();
    }

    /** Reads the CWT and the wrapped proof key out of an RSTR (for clients and tests). */
    public static byte[][] tokenAndProof(String rstr) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document d = f.newDocumentBuilder().parse(new InputSource(new StringReader(rstr)));
            Element root = d.getDocumentElement();
            return new byte[][] {Base64.getDecoder().decode(text(root, WSSE, "BinarySecurityToken")),
                Base64.getDecoder().decode(text(root, TH, "WrappedProofKey"))};
        } catch (ParserConfigurationException | SAXException | java.io.IOException e) {
            throw new OffloadException(Refusal.MALFORMED, "RequestSecurityTokenResponse is not well-formed XML");
        }
    }
}
