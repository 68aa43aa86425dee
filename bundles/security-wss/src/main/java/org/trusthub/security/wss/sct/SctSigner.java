package org.trusthub.security.wss.sct;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.apache.wss4j.dom.message.WSSecTimestamp;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The requester's side: signs a SOAP 1.2 envelope with the proof key of a security context token (HMAC-SHA256,
 * Exclusive C14N, SHA-256 digests) over the Body, a fresh Timestamp and every other header block, and puts the
 * token into the security header ahead of the signature, whose KeyInfo references it ({@code wsse:Reference} with
 * the SCT value type). One symmetric MAC and one digest per signed part; no public-key operation.
 */
public final class SctSigner {

    /** What signing cost: the number of digested parts (each one SHA-256) besides the one HMAC. */
    public record Signed(int digests) {
    }

    private SctSigner() {
    }

    /**
     * Signs the reply to a request that was signed under a security context token with that token's proof key, as
     * {@link #sign} does (Body, Timestamp and every header block, so {@code wsa:RelatesTo} too). The token goes into
     * the reply as a {@code wsc:SecurityContextToken} carrying only its identifier: the requester knows it and holds
     * the key, so it checks the reply with one HMAC and no token opening ({@link SctVerifier#verifyReply}).
     *
     * @param reply      the SOAP 1.2 reply envelope, changed in place
     * @param identifier the token's {@code wsc:Identifier}, as the request carried it
     * @param proofKey   the proof key the request was checked with (not kept)
     */
    public static Signed signReply(Document reply, String identifier, byte[] proofKey, Duration ttl, Clock clock)
            throws WsSecurityException {
        if (identifier == null || identifier.isBlank()) {
            throw new WsSecurityException(Fault.INVALID_SECURITY_TOKEN, "no security context token identifier");
        }
        Element sct = reply.createElementNS(Soap.WSC, "wsc:SecurityContextToken");
        Element id = reply.createElementNS(Soap.WSC, "wsc:Identifier");
        id.setTextContent(identifier);
        sct.appendChild(id);
        return sign(reply, sct, proofKey, ttl, clock);
    }

    /**
     * @param envelope the SOAP 1.2 envelope, changed in place; it must not have a security header yet
     * @param sct      the {@code wsc:SecurityContextToken} as the token service returned it (copied in)
     * @param proofKey the proof key (not kept)
     * @param ttl      the Timestamp's validity
     */
    public static Signed sign(Document envelope, Element sct, byte[] proofKey, Duration ttl, Clock clock)
            throws WsSecurityException {
        Soap soap = Soap.of(envelope);
        if (soap.security().isPresent()) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "the envelope already has a wsse:Security header");
        }
        if (sct == null || !Soap.is(sct, Soap.WSC, "SecurityContextToken")) {
            throw new WsSecurityException(Fault.INVALID_SECURITY_TOKEN, "not a wsc:SecurityContextToken (1.4)");
        }
        Soap.declareNamespaces(soap.root);
        try {
            List<WSEncryptionPart> parts = new ArrayList<>();
            for (Element block : soap.headerBlocks()) {
                parts.add(new WSEncryptionPart(Soap.ensureId(block, "id-")));
            }
            WSSecHeader header = new WSSecHeader(envelope);
            header.setMustUnderstand(true);
            header.insertSecurityHeader();
            WSSecTimestamp timestamp = new WSSecTimestamp(header);
            timestamp.setTimeToLive((int) Math.max(1, ttl.toSeconds()));
            timestamp.setWsTimeSource(clock::instant);
            timestamp.setPrecisionInMilliSeconds(true);
            timestamp.build();
            parts.add(new WSEncryptionPart(timestamp.getId()));
            parts.add(new WSEncryptionPart("Body", Soap.SOAP12, "Element"));

            Element security = header.getSecurityHeaderElement();
            Element token = (Element) envelope.importNode(sct, true);
            String tokenId = Soap.ensureId(token, "sct-");

            WSSecSignature signature = new WSSecSignature(header);
            signature.setKeyIdentifierType(WSConstants.CUSTOM_SYMM_SIGNING);
            signature.setCustomTokenValueType(WSConstants.WSC_SCT_05_12);
            signature.setCustomTokenId(tokenId);
            signature.setSecretKey(proofKey);
            signature.setSignatureAlgorithm(WSConstants.HMAC_SHA256);
            signature.setDigestAlgo(WSConstants.SHA256);
            signature.setSigCanonicalization(WSConstants.C14N_EXCL_OMIT_COMMENTS);
            signature.setAddInclusivePrefixes(false);
            signature.getParts().addAll(parts);
            signature.build(null);
            // The receiver processes the header top down: the token must come before the signature that uses it.
            security.insertBefore(token, security.getFirstChild());
            Soap.declareNamespaces(token);
            return new Signed(parts.size());
        } catch (WSSecurityException e) {
            throw new WsSecurityException(Fault.FAILED_CHECK, "signing with the security context failed: "
                    + e.getErrorCode());
        }
    }
}
