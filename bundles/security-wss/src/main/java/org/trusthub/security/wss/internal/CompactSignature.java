package org.trusthub.security.wss.internal;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.apache.xml.security.c14n.CanonicalizationException;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.c14n.InvalidCanonicalizerException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.wss.DiscoverySigner;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The WS-Discovery 1.1 compact signature (section 8.2): a {@code d:Security} header holding one {@code d:Sig} whose
 * {@code Sig} attribute is the signature value of an XML-DSig {@code ds:SignedInfo} that is not sent but rebuilt by
 * the receiver from {@code Scheme} and {@code Refs}: exclusive c14n, one {@code ds:Reference URI="#id"} per entry of
 * {@code Refs} in order, each with an exclusive c14n transform (with {@code PrefixList} as inclusive namespaces) and
 * its digest. {@code KeyId} is the subject key identifier (SHA-1 of the subject public key, RFC 5280 method 1) of the
 * signer's certificate.
 *
 * <p>The spec's own scheme ({@value #RSA_SCHEME}) is RSA with SHA-1, which the allow-list refuses; the hub's keys are
 * EC P-256, so it signs with the scheme {@value #ECDSA_SCHEME}: the same construction with SHA-256 digests and
 * ECDSA-SHA256 (signature value r||s, as XML-DSig 1.1). Retransmissions of a discovery message carry the same
 * signature, so replay is the binding's AppSequence/MessageID check, not a signature cache.
 */
final class CompactSignature {

    static final String WSD_NS = "http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01";
    static final String RSA_SCHEME = WSD_NS + "/rsa";
    static final String ECDSA_SCHEME = "urn:trusthub:ws-discovery:compact-sig:ecdsa-sha256";

    private static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
    private static final String EXC_C14N = Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS;
    private static final String SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    private static final String ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";

    private final Credentials credentials;

    CompactSignature(Credentials credentials) {
        this.credentials = credentials;
        org.apache.xml.security.Init.init();
    }

    void sign(Document document) throws WsSecurityException {
        Envelope envelope = Envelope.of(document);
        if (envelope.header().isEmpty()) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "a discovery message needs a SOAP Header");
        }
        if (discoverySecurity(envelope).isPresent()) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "the message already has a d:Security header");
        }
        WssEngine.rejectDuplicateIds(document.getDocumentElement());
        List<Element> parts = new ArrayList<>(envelope.headerBlocks());
        parts.add(envelope.body());
        List<String> ids = new ArrayList<>();
        for (Element part : parts) {
            ids.add(ensureId(part));
        }
        X509Certificate certificate = credentials.hub().certificate();
        byte[] signedInfo = signedInfo(parts, ids);
        byte[] value;
        try {
            Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
            PrivateKey key = credentials.hub().privateKey();
            signer.initSign(key);
            signer.update(signedInfo);
            value = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new WsSecurityException(Fault.FAILED_CHECK, "cannot sign the discovery message: "
                    + e.getClass().getSimpleName());
        }
        Element security = document.createElementNS(WSD_NS, "d:Security");
        Element sig = document.createElementNS(WSD_NS, "d:Sig");
        sig.setAttributeNS(null, "Scheme", ECDSA_SCHEME);
        sig.setAttributeNS(null, "KeyId", Base64.getEncoder().encodeToString(subjectKeyId(certificate.getPublicKey())));
        sig.setAttributeNS(null, "Refs", String.join(" ", ids));
        sig.setAttributeNS(null, "Sig", Base64.getEncoder().encodeToString(value));
        security.appendChild(sig);
        envelope.header().get().appendChild(security);
    }

    Optional<DiscoverySigner> verify(Document document) throws WsSecurityException {
        Envelope envelope = Envelope.of(document);
        Optional<Element> security = discoverySecurity(envelope);
        if (security.isEmpty()) {
            return Optional.empty();
        }
        WssEngine.rejectDuplicateIds(document.getDocumentElement());
        List<Element> sigs = Envelope.children(security.get());
        if (sigs.size() != 1 || !WSD_NS.equals(sigs.get(0).getNamespaceURI())
                || !"Sig".equals(sigs.get(0).getLocalName())) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "d:Security must hold exactly one d:Sig");
        }
        Element sig = sigs.get(0);
        String scheme = sig.getAttributeNS(null, "Scheme");
        if (!ECDSA_SCHEME.equals(scheme)) {
            throw new WsSecurityException(Fault.UNSUPPORTED_ALGORITHM, RSA_SCHEME.equals(scheme)
                    ? "the RSA-SHA1 compact signature scheme is not allowed" : "unknown compact signature scheme");
        }
        if (!sig.getAttributeNS(null, "PrefixList").isEmpty()) {
            throw new WsSecurityException(Fault.UNSUPPORTED_ALGORITHM, "PrefixList is not supported");
        }
        byte[] keyId = base64(sig.getAttributeNS(null, "KeyId"), "KeyId");
        byte[] value = base64(sig.getAttributeNS(null, "Sig"), "Sig");
        String refs = sig.getAttributeNS(null, "Refs").trim();
        if (refs.isEmpty()) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "d:Sig has no Refs");
        }
        List<String> ids = Arrays.asList(refs.split("\\s+"));
        if (new HashSet<>(ids).size() != ids.size()) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "d:Sig references an element twice");
        }
        Map<String, Element> byId = idsOf(document.getDocumentElement());
        List<Element> parts = new ArrayList<>();
        for (String id : ids) {
            Element part = byId.get(id);
            if (part == null) {
                throw new WsSecurityException(Fault.INVALID_SECURITY, "d:Sig references a missing element");
            }
            parts.add(part);
        }
        // What the binding acts on must be signed, in place: every header block and the Body.
        Set<Element> covered = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        covered.addAll(parts);
        List<Element> required = new ArrayList<>(envelope.headerBlocks());
        required.add(envelope.body());
        for (Element part : required) {
            if (part != security.get() && !covered.contains(part)) {
                throw new WsSecurityException(Fault.FAILED_CHECK,
                        part.getLocalName() + " is not covered by the compact signature");
            }
        }
        Signer signer = signerOf(keyId).orElseThrow(() -> new WsSecurityException(Fault.FAILED_AUTHENTICATION,
                "the compact signature's key is not a known thing's"));
        byte[] signedInfo = signedInfo(parts, ids);
        boolean valid;
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(signer.certificate().getPublicKey());
            verifier.update(signedInfo);
            valid = verifier.verify(value);
        } catch (GeneralSecurityException e) {
            valid = false;
        }
        if (!valid) {
            throw new WsSecurityException(Fault.FAILED_CHECK, "the compact signature does not verify");
        }
        return Optional.of(new DiscoverySigner(signer.thing(), signer.certificate()));
    }

    private record Signer(Optional<ThingId> thing, X509Certificate certificate) {
    }

    private Optional<Signer> signerOf(byte[] keyId) throws WsSecurityException {
        X509Certificate hub = credentials.hub().certificate();
        if (Arrays.equals(keyId, subjectKeyId(hub.getPublicKey()))) {
            return Optional.of(new Signer(Optional.empty(), hub));
        }
        Optional<ThingId> thing = credentials.thingOfKeyId(keyId);
        if (thing.isEmpty()) {
            return Optional.empty();
        }
        return credentials.certificateOf(thing.get()).map(c -> new Signer(thing, c));
    }

    private static Optional<Element> discoverySecurity(Envelope envelope) throws WsSecurityException {
        Element found = null;
        if (envelope.header().isPresent()) {
            for (Element child : Envelope.children(envelope.header().get())) {
                if (WSD_NS.equals(child.getNamespaceURI()) && "Security".equals(child.getLocalName())) {
                    if (found != null) {
                        throw new WsSecurityException(Fault.INVALID_SECURITY, "more than one d:Security header");
                    }
                    found = child;
                }
            }
        }
        return Optional.ofNullable(found);
    }

    /** The canonical ds:SignedInfo over the parts, as the scheme builds it on both sides. */
    private static byte[] signedInfo(List<Element> parts, List<String> ids) throws WsSecurityException {
        try {
            Canonicalizer c14n = Canonicalizer.getInstance(EXC_C14N);
            Document doc = SecureXml.newDocument();
            Element info = doc.createElementNS(DSIG_NS, "ds:SignedInfo");
            info.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:ds", DSIG_NS);
            doc.appendChild(info);
            info.appendChild(algorithm(doc, "ds:CanonicalizationMethod", EXC_C14N));
            info.appendChild(algorithm(doc, "ds:SignatureMethod", ECDSA_SHA256));
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < parts.size(); i++) {
                ByteArrayOutputStream canonical = new ByteArrayOutputStream();
                c14n.canonicalizeSubtree(parts.get(i), canonical);
                Element reference = doc.createElementNS(DSIG_NS, "ds:Reference");
                reference.setAttributeNS(null, "URI", "#" + ids.get(i));
                Element transforms = doc.createElementNS(DSIG_NS, "ds:Transforms");
                transforms.appendChild(algorithm(doc, "ds:Transform", EXC_C14N));
                reference.appendChild(transforms);
                reference.appendChild(algorithm(doc, "ds:DigestMethod", SHA256));
                Element digest = doc.createElementNS(DSIG_NS, "ds:DigestValue");
                digest.setTextContent(Base64.getEncoder().encodeToString(sha256.digest(canonical.toByteArray())));
                reference.appendChild(digest);
                info.appendChild(reference);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            c14n.canonicalizeSubtree(info, out);
            return out.toByteArray();
        } catch (InvalidCanonicalizerException | CanonicalizationException | GeneralSecurityException e) {
            throw new WsSecurityException(Fault.FAILED_CHECK, "cannot canonicalize the discovery message");
        }
    }

    private static Element algorithm(Document doc, String name, String uri) {
        Element element = doc.createElementNS(DSIG_NS, name);
        element.setAttributeNS(null, "Algorithm", uri);
        return element;
    }

    private static Map<String, Element> idsOf(Element root) {
        Map<String, Element> ids = new HashMap<>();
        collect(root, ids);
        return ids;
    }

    private static void collect(Element element, Map<String, Element> ids) {
        String id = element.getAttributeNS(WssEngine.WSU_NS, "Id");
        if (!id.isEmpty()) {
            ids.put(id, element);
        }
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                collect(child, ids);
            }
        }
    }

    private static String ensureId(Element element) {
        String id = element.getAttributeNS(WssEngine.WSU_NS, "Id");
        if (!id.isEmpty()) {
            return id;
        }
        id = "d-" + UUID.randomUUID();
        element.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:wsu", WssEngine.WSU_NS);
        element.setAttributeNS(WssEngine.WSU_NS, "wsu:Id", id);
        return id;
    }

    private static byte[] base64(String text, String what) throws WsSecurityException {
        try {
            byte[] bytes = Base64.getDecoder().decode(text.trim());
            if (bytes.length == 0) {
                throw new IllegalArgumentException("empty");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "d:Sig " + what + " is missing or not base64");
        }
    }

    /** RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING's bits, from the SubjectPublicKeyInfo. */
    static byte[] subjectKeyId(PublicKey key) {
        byte[] spki = key.getEncoded();
        int[] outer = header(spki, 0);                  // SEQUENCE SubjectPublicKeyInfo
        int[] algorithm = header(spki, outer[0]);       // SEQUENCE AlgorithmIdentifier
        int bitString = algorithm[0] + algorithm[1];
        int[] bits = header(spki, bitString);           // BIT STRING
        byte[] keyBits = Arrays.copyOfRange(spki, bits[0] + 1, bits[0] + bits[1]); // skip the unused-bits octet
        try {
            return MessageDigest.getInstance("SHA-1").digest(keyBits);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
    }

    // DER tag-length header at offset: {offset of contents, length of contents}.
    private static int[] header(byte[] der, int offset) {
        int length = der[offset + 1] & 0xff;
        int contents = offset + 2;
        if (length > 0x7f) {
            int octets = length & 0x7f;
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (der[contents + i] & 0xff);
            }
            contents += octets;
        }
        return new int[] {contents, length};
    }
}
