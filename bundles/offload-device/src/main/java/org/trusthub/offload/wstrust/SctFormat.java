package org.trusthub.offload.wstrust;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.offload.wstrust.WsTrust;
import org.trusthub.offload.wire.Crypto;
import org.trusthub.offload.wire.Wire;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The WS-Trust 1.4 / WS-SecureConversation 1.4 shape of an offload token for DPWS: the RST (as the CWT one, with
 * TokenType SCT) and the RSTR carrying a {@code wsc:SecurityContextToken} whose {@code wsc:Identifier} is
 * {@value #IDENTIFIER_PREFIX} followed by the offload token (the CWT sealed under the audience's K_T) in base64url.
 * So the audience recovers the proof key from the identifier alone, offline, with one AEAD decryption; the hub keeps
 * no context. The requester gets the same material wrapped under its K_W ({@code wst:RequestedProofToken}); both
 * derive the HMAC key as HKDF-SHA256(salt = OSCORE salt, IKM = OSCORE master secret, info = {@value #PROOF_INFO},
 * 32 bytes), so the key used for SOAP signatures is never the OSCORE master secret itself.
 */
public final class SctFormat {

    public static final String WSC = "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512";
    public static final String SCT_TYPE = WSC + "/sct";
    public static final String ISSUE_ACTION = WsTrust.WST + "/RST/Issue";
    public static final String ISSUE_FINAL_ACTION = WsTrust.WST + "/RSTRC/IssueFinal";
    public static final String IDENTIFIER_PREFIX = "urn:trusthub:sct:";
    public static final String PROOF_INFO = "trusthub wss proof key";
    public static final int PROOF_KEY = 32;
    private static final String XMLNS = "http://www.w3.org/2000/xmlns/";

    private SctFormat() {
    }

    /** The SCT identifier that carries a sealed token. */
    public static String identifier(byte[] token) {
        return IDENTIFIER_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /** The sealed token inside an SCT identifier. */
    public static byte[] token(String identifier) {
        if (identifier == null || !identifier.startsWith(IDENTIFIER_PREFIX)
                || identifier.length() > IDENTIFIER_PREFIX.length() + 2048) {
            throw new OffloadException(Refusal.MALFORMED, "not a trusthub security context token identifier");
        }
        try {
            return Base64.getUrlDecoder().decode(identifier.substring(IDENTIFIER_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new OffloadException(Refusal.MALFORMED, "the security context token identifier is not base64url");
        }
    }

    /** The HMAC-SHA256 proof key from the token's OSCORE input material (one HKDF). */
    public static byte[] proofKey(Crypto crypto, byte[] masterSecret, byte[] salt) {
        return crypto.hkdf(salt, masterSecret, Wire.ascii(PROOF_INFO), PROOF_KEY);
    }

    /** What an Issue RST for DPWS asks. */
    public record Request(boolean sct, String audience, byte[] authenticatedRequest) {
    }

    /** Reads a {@code wst:RequestSecurityToken} element (from the binding's verified Body). */
    public static Request parse(Element rst) {
        if (rst == null || !WsTrust.WST.equals(rst.getNamespaceURI())
                || !"RequestSecurityToken".equals(rst.getLocalName())) {
            throw new OffloadException(Refusal.MALFORMED, "the Body must be a wst:RequestSecurityToken");
        }
        if (!WsTrust.ISSUE.equals(one(rst, WsTrust.WST, "RequestType", true))) {
            throw new OffloadException(Refusal.MALFORMED, "only the Issue request type is supported");
        }
        String tokenType = one(rst, WsTrust.WST, "TokenType", false);
        boolean sct = tokenType == null || SCT_TYPE.equals(tokenType);
        if (!sct && !WsTrust.CWT_TYPE.equals(tokenType)) {
            throw new OffloadException(Refusal.POLICY, "only security context tokens (" + SCT_TYPE + ") and CWTs ("
                    + WsTrust.CWT_TYPE + ") are issued");
        }
        String address = one(rst, WsTrust.WSA, "Address", true);
        if (!address.startsWith(WsTrust.THING_URN)) {
            throw new OffloadException(Refusal.MALFORMED, "AppliesTo must be " + WsTrust.THING_URN + "<thing id>");
        }
        byte[] request;
        try {
            request = Base64.getDecoder().decode(one(rst, WsTrust.TH, "AuthenticatedRequest", true));
        } catch (IllegalArgumentException e) {
            throw new OffloadException(Refusal.MALFORMED, "AuthenticatedRequest is not base64");
        }
        return new Request(sct, address.substring(WsTrust.THING_URN.length()), request);
    }

    private static String one(Element root, String ns, String local, boolean required) {
        var l = root.getElementsByTagNameNS(ns, local);
        if (l.getLength() > 1) {
            throw new OffloadException(Refusal.MALFORMED, "RequestSecurityToken has more than one " + local);
        }
        if (l.getLength() == 0) {
            if (required) {
                throw new OffloadException(Refusal.MALFORMED, "RequestSecurityToken has no " + local);
            }
            return null;
        }
        return l.item(0).getTextContent().trim();
    }

    /** The RST a DPWS client sends for an SCT (the device model uses it). */
    public static Element rst(String audience, byte[] authenticatedRequest) {
        Document d = newDocument();
        Element rst = d.createElementNS(WsTrust.WST, "wst:RequestSecurityToken");
        d.appendChild(rst);
        rst.setAttributeNS(XMLNS, "xmlns:wst", WsTrust.WST);
        rst.setAttributeNS(XMLNS, "xmlns:wsp", WsTrust.WSP);
        rst.setAttributeNS(XMLNS, "xmlns:wsa", WsTrust.WSA);
        rst.setAttributeNS(XMLNS, "xmlns:th", WsTrust.TH);
        add(rst, WsTrust.WST, "wst:TokenType", SCT_TYPE);
        add(rst, WsTrust.WST, "wst:RequestType", WsTrust.ISSUE);
        appliesTo(rst, audience);
        add(rst, WsTrust.TH, "th:AuthenticatedRequest", Base64.getEncoder().encodeToString(authenticatedRequest));
        return rst;
    }

    /**
     * The RSTR collection for an issued SCT.
     *
     * @param tokenId the token's cti (hex), used for the SCT's wsu:Id
     */
    public static Element rstr(String audience, String tokenId, byte[] token, byte[] wrappedProof, Instant created,
            Instant expires) {
        Document d = newDocument();
        Element c = d.createElementNS(WsTrust.WST, "wst:RequestSecurityTokenResponseCollection");
        d.appendChild(c);
        c.setAttributeNS(XMLNS, "xmlns:wst", WsTrust.WST);
        c.setAttributeNS(XMLNS, "xmlns:wsc", WSC);
        c.setAttributeNS(XMLNS, "xmlns:wsse", WsTrust.WSSE);
        c.setAttributeNS(XMLNS, "xmlns:wsu", WsTrust.WSU);
        c.setAttributeNS(XMLNS, "xmlns:wsp", WsTrust.WSP);
        c.setAttributeNS(XMLNS, "xmlns:wsa", WsTrust.WSA);
        c.setAttributeNS(XMLNS, "xmlns:th", WsTrust.TH);
        Element r = add(c, WsTrust.WST, "wst:RequestSecurityTokenResponse", null);
        add(r, WsTrust.WST, "wst:TokenType", SCT_TYPE);
        String id = "sct-" + tokenId;
        Element sct = add(add(r, WsTrust.WST, "wst:RequestedSecurityToken", null), WSC, "wsc:SecurityContextToken",
                null);
        sct.setAttributeNS(WsTrust.WSU, "wsu:Id", id);
        add(sct, WSC, "wsc:Identifier", identifier(token));
        // Attached: by wsu:Id inside the message; unattached: by the identifier (WS-SecureConversation 1.4, 7).
        reference(r, "wst:RequestedAttachedReference", "#" + id);
        reference(r, "wst:RequestedUnattachedReference", identifier(token));
        appliesTo(r, audience);
        add(add(r, WsTrust.WST, "wst:RequestedProofToken", null), WsTrust.TH, "th:WrappedProofKey",
                Base64.getEncoder().encodeToString(wrappedProof));
        Element life = add(r, WsTrust.WST, "wst:Lifetime", null);
        add(life, WsTrust.WSU, "wsu:Created", created.toString());
        add(life, WsTrust.WSU, "wsu:Expires", expires.toString());
        add(r, WsTrust.WST, "wst:KeySize", String.valueOf(PROOF_KEY * 8));
        return c;
    }

    /** What a client reads out of an RSTR (collection or single response). */
    public record Response(Element sct, String identifier, byte[] wrappedProof, String appliesTo, Instant expires) {
    }

    public static Response readRstr(Element rstr) {
        List<Element> scts = elements(rstr, WSC, "SecurityContextToken");
        if (scts.size() != 1) {
            throw new OffloadException(Refusal.MALFORMED, "the RSTR must carry exactly one wsc:SecurityContextToken");
        }
        Element sct = scts.get(0);
        String identifier = text(sct, WSC, "Identifier");
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(text(rstr, WsTrust.TH, "WrappedProofKey"));
        } catch (IllegalArgumentException e) {
            throw new OffloadException(Refusal.MALFORMED, "the wrapped proof key is not base64");
        }
        String address = text(rstr, WsTrust.WSA, "Address");
        Instant expires;
        try {
            expires = Instant.parse(text(rstr, WsTrust.WSU, "Expires"));
        } catch (java.time.format.DateTimeParseException e) {
            throw new OffloadException(Refusal.MALFORMED, "the RSTR's Lifetime is not a date-time");
        }
        return new Response(sct, identifier, proof, address.startsWith(WsTrust.THING_URN)
                ? address.substring(WsTrust.THING_URN.length()) : address, expires);
    }

    private static List<Element> elements(Element root, String ns, String local) {
        var l = root.getElementsByTagNameNS(ns, local);
        java.util.ArrayList<Element> out = new java.util.ArrayList<>();
        for (int i = 0; i < l.getLength(); i++) {
            out.add((Element) l.item(i));
        }
        return out;
    }

    private static String text(Element root, String ns, String local) {
        List<Element> l = elements(root, ns, local);
        if (l.size() != 1) {
            throw new OffloadException(Refusal.MALFORMED, "the RSTR must carry exactly one " + local);
        }
        return l.get(0).getTextContent().trim();
    }

    private static void reference(Element rstr, String which, String uri) {
        Element str = add(add(rstr, WsTrust.WST, which, null), WsTrust.WSSE, "wsse:SecurityTokenReference", null);
        Element ref = add(str, WsTrust.WSSE, "wsse:Reference", null);
        ref.setAttribute("URI", uri);
        ref.setAttribute("ValueType", SCT_TYPE);
    }

    private static void appliesTo(Element parent, String audience) {
        Element epr = add(add(parent, WsTrust.WSP, "wsp:AppliesTo", null), WsTrust.WSA, "wsa:EndpointReference", null);
        add(epr, WsTrust.WSA, "wsa:Address", WsTrust.THING_URN + audience);
    }

    private static Element add(Element parent, String ns, String qname, String text) {
        Element e = parent.getOwnerDocument().createElementNS(ns, qname);
        if (text != null) {
            e.setTextContent(text);
        }
        parent.appendChild(e);
        return e;
    }

    /** A hardened, namespace-aware parser (no DTD, no external entities). */
    public static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no XML parser", e);
        }
    }

    static Document newDocument() {
        return parser().newDocument();
    }

    /** Parses the RSTR text the hub's token service returns (CWT shape). */
    public static Element parseText(String xml) {
        try {
            return parser().parse(new ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .getDocumentElement();
        } catch (org.xml.sax.SAXException | java.io.IOException e) {
            throw new OffloadException(Refusal.MALFORMED, "the token service's answer is not well-formed XML");
        }
    }
}
