package org.trusthub.offload.device;

import org.trusthub.offload.wire.OpCounter;
import org.trusthub.offload.wire.CryptoKind;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.offload.wstrust.SctFormat;
import org.trusthub.offload.wire.Cbor;
import org.trusthub.offload.wire.Wire;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.trusthub.security.wss.sct.SctBodyCipher;
import org.trusthub.security.wss.sct.SctSigner;
import org.trusthub.security.wss.sct.SctVerifier;
import org.trusthub.security.wss.sct.SecurityContext;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import com.upokecenter.cbor.CBORObject;

/**
 * The DPWS side of a constrained device in the WS-Trust manner: asks the hub for a security context token
 * (WS-Trust 1.4 Issue, the request authenticated by the device's COSE_Mac0), unwraps the proof key, signs SOAP
 * messages with it (HMAC-SHA256 through WSS4J), and, as the audience, checks such messages alone and offline (the
 * SCT's identifier carries the token sealed under its own K_T). Every operation lands in the device's
 * {@link OpCounter}: no public-key operation anywhere; per message one HMAC and one SHA-256 per signed part on each
 * side, replies included ({@link #receiveReply}: the audience signs them with the same proof key). Not thread safe
 * (a device is one thread).
 */
public final class WsTrustClient {

    private final ConstrainedDevice device;
    private final SctVerifier verifier;
    // The audience's opened contexts by identifier: a token costs one AEAD and one HKDF once, not per message.
    private final Map<String, SecurityContext> opened = new HashMap<>();

    /** @param timestampTtl validity of the Timestamps this device sends and accepts */
    public WsTrustClient(ConstrainedDevice device, Duration timestampTtl) {
        this.device = device;
        this.verifier = new SctVerifier(this::open, device.clock(), timestampTtl);
    }

    // ------------------------------------------------------------------------------------------------ client

    /** Client: the RST for an SCT to use {@code scope} at {@code audience} (one HMAC: the request's COSE_Mac0). */
    public Element requestSecurityToken(ThingId audience, String scope) {
        byte[] mac0 = device.requestToken(audience, scope);
        Element rst = SctFormat.rst(audience.value(), mac0);
        device.counter().sent(serialize(rst).length - mac0.length);
        return rst;
    }

    /** Client: reads the RSTR; one AEAD decryption (the wrapped proof material) and one HKDF (the proof key). */
    public SctGrant acceptResponse(Element rstr) {
        SctFormat.Response r = SctFormat.readRstr(rstr);
        byte[] token = SctFormat.token(r.identifier());
        CBORObject m = CBORObject.NewMap();
        m.Add(Wire.ACE_ACCESS_TOKEN, token);
        m.Add(Wire.ACE_CNF, r.wrappedProof());
        byte[] cbor = m.EncodeToBytes();
        TokenGrant g = device.acceptTokenResponse(cbor);
        device.counter().received(serialize(rstr).length - cbor.length);
        if (!g.audience.value().equals(r.appliesTo())) {
            throw new OffloadException(Refusal.WRONG_BINDING, "the RSTR's AppliesTo names another audience");
        }
        byte[] key = SctFormat.proofKey(device.crypto(), g.masterSecret, g.masterSalt);
        Arrays.fill(g.masterSecret, (byte) 0);
        return new SctGrant(g.audience, (Element) r.sct().cloneNode(true), key, g.expires);
    }

    /**
     * Client: signs a SOAP 1.2 envelope with the grant's proof key and returns it as sent (counted).
     *
     * @throws OffloadException EXPIRED when the token's lifetime is over (the device asks for a new one)
     */
    public String sign(Document envelope, SctGrant grant, Duration ttl) throws WsSecurityException {
        if (!device.clock().instant().isBefore(grant.expires)) {
            throw new OffloadException(Refusal.EXPIRED, "the security context token expired at " + grant.expires);
        }
        SctSigner.Signed s = SctSigner.sign(envelope, grant.sct, grant.proofKey, ttl, device.clock());
        device.counter().count(CryptoKind.SYMMETRIC);
        for (int i = 0; i < s.digests(); i++) {
            device.counter().count(CryptoKind.HASH);
        }
        byte[] wire = serialize(envelope.getDocumentElement());
        device.counter().sent(wire.length);
        return new String(wire, StandardCharsets.UTF_8);
    }

    /**
     * Client: checks the reply to a request this device signed with {@code grant}: it must be signed with the same
     * proof key (HMAC-SHA256 over Body, Timestamp and every header block), under the same token, relate to the
     * request and be fresh and new. One HMAC and one SHA-256 per signed part; no token opening, no public-key
     * operation. The envelope is returned without its security header.
     *
     * @param requestMessageId the {@code wsa:MessageID} of the request this answers
     * @throws WsSecurityException for an unsigned, tampered, wrongly keyed, stale, replayed or misrelated reply
     */
    public Document receiveReply(String wire, SctGrant grant, String requestMessageId) throws WsSecurityException {
        return reply(wire, grant, requestMessageId).envelope();
    }

    /** A checked reply, and whether its Body was decrypted. */
    private record Reply(Document envelope, boolean decrypted) {
    }

    private Reply reply(String wire, SctGrant grant, String requestMessageId) throws WsSecurityException {
        byte[] bytes = wire.getBytes(StandardCharsets.UTF_8);
        device.counter().received(bytes.length);
        Document d;
        try {
            d = SctFormat.parser().parse(new ByteArrayInputStream(bytes));
        } catch (org.xml.sax.SAXException | java.io.IOException e) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "the reply is not well-formed XML");
        }
        String identifier = identifier(grant);
        int signatures = d.getElementsByTagNameNS(DS, "SignatureValue").getLength();
        int refs = d.getElementsByTagNameNS(DS, "Reference").getLength();
        boolean checked = false;
        try {
            verifier.verifyReply(d, identifier, grant.proofKey, requestMessageId);
            checked = true;
        } finally {
            // An unsigned reply costs nothing; otherwise WSS4J computed the HMAC over SignedInfo and, when it held,
            // one digest per reference (on a refusal this is an upper bound: a wrong key stops before the digests).
            if (signatures > 0 || checked) {
                device.counter().count(CryptoKind.SYMMETRIC);
                for (int i = 0; i < refs; i++) {
                    device.counter().count(CryptoKind.HASH);
                }
            }
        }
        // After the signature held: the Body, encrypted under the grant's Body key, is opened (one AES-GCM).
        if (SctBodyCipher.isEncrypted(d)) {
            byte[] k = bodyKey(grant);
            device.counter().count(CryptoKind.SYMMETRIC);
            SctBodyCipher.decrypt(d, k);
            return new Reply(d, true);
        }
        return new Reply(d, false);
    }

    private static final String DS = "http://www.w3.org/2000/09/xmldsig#";

    private static String identifier(SctGrant grant) {
        var ids = grant.sct.getElementsByTagNameNS(SctFormat.WSC, "Identifier");
        if (ids.getLength() != 1) {
            throw new OffloadException(Refusal.MALFORMED, "the grant's token has no single wsc:Identifier");
        }
        return ids.item(0).getTextContent().trim();
    }

    /**
     * Client: encrypts the Body (AES-128-GCM under the grant's Body key, {@link SctBodyCipher}), then signs as
     * {@link #sign} does, for a target whose policy requires encryption. One AES-GCM operation per message, and one
     * HKDF per grant (the Body key, derived on first use).
     */
    public String signEncrypted(Document envelope, SctGrant grant, Duration ttl) throws WsSecurityException {
        if (!device.clock().instant().isBefore(grant.expires)) {
            throw new OffloadException(Refusal.EXPIRED, "the security context token expired at " + grant.expires);
        }
        if (SctBodyCipher.encrypt(envelope, bodyKey(grant))) {
            device.counter().count(CryptoKind.SYMMETRIC);
        }
        return sign(envelope, grant, ttl);
    }

    /**
     * Client: as {@link #receiveReply(String, SctGrant, String)}, and, when {@code requireEncrypted}, refuses a reply
     * whose Body has content in the clear (the request was encrypted: so must its answer be).
     */
    public Document receiveReply(String wire, SctGrant grant, String requestMessageId, boolean requireEncrypted)
            throws WsSecurityException {
        Reply r = reply(wire, grant, requestMessageId);
        if (requireEncrypted && !r.decrypted() && SctBodyCipher.hasContent(r.envelope())) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "the reply's Body is not encrypted");
        }
        return r.envelope();
    }

    // The grant's Body key: HKDF-SHA256 of the proof key (SctBodyCipher's derivation, counted), once per grant.
    private byte[] bodyKey(SctGrant grant) {
        if (grant.bodyKey == null) {
            grant.bodyKey = device.crypto().hkdf(new byte[0], grant.proofKey, Wire.ascii(SctBodyCipher.BODY_KEY_INFO),
                    SctBodyCipher.BODY_KEY);
        }
        return grant.bodyKey;
    }

    // ---------------------------------------------------------------------------------------------- audience

    /**
     * Audience: checks a message signed under an SCT for this device, alone and offline, and returns the sender.
     * The envelope is left without its security header.
     */
    public Received receive(String wire) throws WsSecurityException {
        byte[] bytes = wire.getBytes(StandardCharsets.UTF_8);
        device.counter().received(bytes.length);
        Document d;
        try {
            d = SctFormat.parser().parse(new ByteArrayInputStream(bytes));
        } catch (org.xml.sax.SAXException | java.io.IOException e) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "the message is not well-formed XML");
        }
        int refs = d.getElementsByTagNameNS("http://www.w3.org/2000/09/xmldsig#", "Reference").getLength();
        // The identifier of the token in the security header (the one verify() checks), not any element so named.
        String identifier = headerTokenIdentifier(d);
        try {
            SctVerifier.Verified v = verifier.verify(d, device.id());
            boolean encrypted = SctBodyCipher.isEncrypted(d);
            if (encrypted) {
                decryptAsAudience(d, identifier);
            }
            return new Received(v.subject(), d, encrypted);
        } finally {
            // WSS4J did the work whatever the verdict: one HMAC over SignedInfo and one digest per reference.
            device.counter().count(CryptoKind.SYMMETRIC);
            for (int i = 0; i < refs; i++) {
                device.counter().count(CryptoKind.HASH);
            }
        }
    }

    /** A verified message: who sent it, the envelope without its security header, whether its Body was encrypted. */
    public record Received(ThingId sender, Document envelope, boolean encrypted) {
        public Received(ThingId sender, Document envelope) {
            this(sender, envelope, false);
        }
    }

    private static String headerTokenIdentifier(Document d) {
        org.w3c.dom.Element root = d.getDocumentElement();
        for (org.w3c.dom.Element header : children(root, SOAP12, "Header")) {
            for (org.w3c.dom.Element security : children(header, WsSecurityException.WSSE_NS, "Security")) {
                for (org.w3c.dom.Element sct : children(security, SctFormat.WSC, "SecurityContextToken")) {
                    for (org.w3c.dom.Element id : children(sct, SctFormat.WSC, "Identifier")) {
                        return id.getTextContent().trim();
                    }
                }
            }
        }
        return null;
    }

    private static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";

    private static java.util.List<org.w3c.dom.Element> children(org.w3c.dom.Element parent, String ns, String local) {
        java.util.List<org.w3c.dom.Element> out = new java.util.ArrayList<>();
        for (org.w3c.dom.Node n = parent == null ? null : parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof org.w3c.dom.Element e && ns.equals(e.getNamespaceURI()) && local.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    // The context verify() just used is cached by identifier; the Body key is derived from its proof key (one HKDF,
    // counted) and the Body opened (one AES-GCM), only after the signature held.
    private void decryptAsAudience(Document d, String identifier) throws WsSecurityException {
        SecurityContext c = identifier == null ? null : opened.get(identifier);
        if (c == null) {
            throw new WsSecurityException(Fault.SECURITY_TOKEN_UNAVAILABLE, "no context to decrypt the Body with");
        }
        byte[] proof = c.key();
        byte[] k = device.crypto().hkdf(new byte[0], proof, Wire.ascii(SctBodyCipher.BODY_KEY_INFO),
                SctBodyCipher.BODY_KEY);
        try {
            device.counter().count(CryptoKind.SYMMETRIC);
            SctBodyCipher.decrypt(d, k);
        } finally {
            Arrays.fill(proof, (byte) 0);
            Arrays.fill(k, (byte) 0);
        }
    }

    private SecurityContext open(String identifier, ThingId receiver) throws WsSecurityException {
        Instant now = device.clock().instant();
        opened.values().removeIf(c -> !now.isBefore(c.expires()));
        SecurityContext known = opened.get(identifier);
        if (known != null) {
            return copy(known);
        }
        CBORObject claims;
        try {
            claims = device.openOwnToken(SctFormat.token(identifier));
        } catch (OffloadException e) {
            throw new WsSecurityException(Fault.INVALID_SECURITY_TOKEN,
                    "the security context token cannot be opened by " + receiver + ": " + e.getMessage());
        }
        try {
            if (!Wire.ISSUER.equals(Cbor.text(claims, Wire.CWT_ISS, "iss"))) {
                throw new WsSecurityException(Fault.FAILED_AUTHENTICATION,
                        "the security context token is from another issuer");
            }
            CBORObject osc = Cbor.map(Cbor.field(Cbor.map(Cbor.field(claims, Wire.CWT_CNF, "cnf"), "cnf"),
                    Wire.CNF_OSC, "osc"), "osc");
            byte[] ms = Cbor.bytes(osc, Wire.OSC_MS, "ms");
            byte[] key = SctFormat.proofKey(device.crypto(), ms, Cbor.bytes(osc, Wire.OSC_SALT, "salt"));
            SecurityContext c = new SecurityContext(identifier, ThingId.of(Cbor.text(claims, Wire.CWT_SUB, "sub")),
                    ThingId.of(Cbor.text(claims, Wire.CWT_AUD, "aud")),
                    Instant.ofEpochSecond(Cbor.uint(claims, Wire.CWT_EXP, "exp")), key);
            Arrays.fill(ms, (byte) 0);
            Arrays.fill(key, (byte) 0);
            opened.put(identifier, c);
            return copy(c);
        } catch (OffloadException e) {
            throw new WsSecurityException(Fault.INVALID_SECURITY_TOKEN,
                    "the security context token's claims are not usable: " + e.getMessage());
        }
    }

    // The verifier destroys what it is given; the cache keeps its own copy.
    private static SecurityContext copy(SecurityContext c) {
        byte[] k = c.key();
        try {
            return new SecurityContext(c.identifier(), c.subject(), c.audience(), c.expires(), k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    // Looking up a TransformerFactory costs more than signing the message; one serializer per thread.
    private static final ThreadLocal<javax.xml.transform.Transformer> SERIALIZER = ThreadLocal.withInitial(() -> {
        try {
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            return t;
        } catch (javax.xml.transform.TransformerConfigurationException ex) {
            throw new IllegalStateException("no XML serializer", ex);
        }
    });

    static byte[] serialize(Element e) {
        StringWriter w = new StringWriter();
        try {
            SERIALIZER.get().transform(new DOMSource(e), new StreamResult(w));
        } catch (TransformerException ex) {
            throw new IllegalStateException("cannot serialize XML", ex);
        }
        return w.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "WsTrustClient[" + device.id() + ", keys redacted]";
    }
}
