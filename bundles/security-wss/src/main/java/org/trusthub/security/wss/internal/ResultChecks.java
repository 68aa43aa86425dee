package org.trusthub.security.wss.internal;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.WSDataRef;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.apache.wss4j.dom.message.token.Timestamp;
import org.apache.wss4j.dom.message.token.UsernameToken;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;
import org.w3c.dom.Element;

/**
 * What WSS4J's results of one security header must also be, beyond what WSS4J checked: exactly one fresh Timestamp
 * within the policy's lifetime, at most one UsernameToken and one signature (by a trusted certificate, of the
 * expected sender, with allowed algorithms, covering the Body in place, every header block, the Timestamp and the
 * token), no encrypted data left undecrypted, and everything the policy requires present (no downgrade).
 */
final class ResultChecks {

    private final Credentials credentials;
    private final Clock clock;

    ResultChecks(Credentials credentials, Clock clock) {
        this.credentials = credentials;
        this.clock = clock;
    }

    /** The last instant a message with this Timestamp is accepted: the end of its freshness window. */
    static Instant lastAccepted(Instant created, Instant expires, WssPolicy policy) {
        Instant byAge = created.plus(policy.timestampTtl());
        return byAge.isBefore(expires) ? byAge : expires;
    }

    Timestamp timestamp(WSHandlerResult results, WssPolicy policy) throws WsSecurityException {
        List<WSSecurityEngineResult> found = results.getActionResults().getOrDefault(WSConstants.TS, List.of());
        if (found.size() != 1) {
            throw new WsSecurityException(Fault.INVALID_SECURITY,
                    found.isEmpty() ? "the security header has no Timestamp" : "the security header has "
                            + found.size() + " Timestamps");
        }
        Timestamp timestamp = (Timestamp) found.get(0).get(WSSecurityEngineResult.TAG_TIMESTAMP);
        Instant created = timestamp.getCreated();
        Instant expires = timestamp.getExpires();
        if (created == null || expires == null) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "the Timestamp lacks Created or Expires");
        }
        if (Duration.between(created, expires).compareTo(policy.timestampTtl().plus(WssEngine.CLOCK_SKEW)) > 0) {
            throw new WsSecurityException(Fault.MESSAGE_EXPIRED,
                    "the Timestamp claims a validity longer than the policy allows");
        }
        // WSS4J checked freshness too; this is the window against this engine's clock that the replay window keeps.
        Instant now = clock.instant();
        if (created.isAfter(now.plus(WssEngine.CLOCK_SKEW)) || now.isAfter(lastAccepted(created, expires, policy))) {
            throw new WsSecurityException(Fault.MESSAGE_EXPIRED, "the message is stale or from the future");
        }
        return timestamp;
    }

    Optional<UsernameToken> usernameToken(WSHandlerResult results, WssPolicy policy,
            Optional<ThingId> sender) throws WsSecurityException {
        List<WSSecurityEngineResult> found = results.getActionResults().getOrDefault(WSConstants.UT, List.of());
        if (found.size() > 1) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "more than one UsernameToken");
        }
        if (found.isEmpty()) {
            if (policy.usernameToken()) {
                throw new WsSecurityException(Fault.INVALID_SECURITY, RefusalReason.POLICY,
                        "no UsernameToken, but the policy requires one");
            }
            return Optional.empty();
        }
        UsernameToken token = (UsernameToken) found.get(0).get(WSSecurityEngineResult.TAG_USERNAME_TOKEN);
        String name = token.getName();
        if (sender.isPresent() && !sender.get().value().equals(name)) {
            throw new WsSecurityException(Fault.FAILED_AUTHENTICATION,
                    "the UsernameToken does not name the expected sender");
        }
        if (token.getNonce() == null || token.getCreatedDate() == null) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "the UsernameToken lacks a Nonce or Created");
        }
        return Optional.of(token);
    }

    record Signed(Optional<ThingId> signer, Optional<X509Certificate> certificate) {
    }

    Signed signature(WSHandlerResult results, Envelope envelope, WssPolicy policy,
            Optional<ThingId> sender) throws WsSecurityException {
        List<WSSecurityEngineResult> found = results.getActionResults().getOrDefault(WSConstants.SIGN, List.of());
        if (found.size() > 1) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, "more than one signature");
        }
        if (found.isEmpty()) {
            if (policy.sign()) {
                throw new WsSecurityException(Fault.INVALID_SECURITY, RefusalReason.POLICY,
                        "the message is not signed, but the policy requires a signature");
            }
            return new Signed(Optional.empty(), Optional.empty());
        }
        WSSecurityEngineResult result = found.get(0);
        String method = (String) result.get(WSSecurityEngineResult.TAG_SIGNATURE_METHOD);
        String c14n = (String) result.get(WSSecurityEngineResult.TAG_CANONICALIZATION_METHOD);
        if (!Algorithms.SIGNATURES.contains(method) || !Algorithms.C14NS.contains(c14n)) {
            throw new WsSecurityException(Fault.UNSUPPORTED_ALGORITHM, "signature algorithm not allowed");
        }
        X509Certificate certificate = (X509Certificate) result.get(WSSecurityEngineResult.TAG_X509_CERTIFICATE);
        if (certificate == null) {
            throw new WsSecurityException(Fault.FAILED_AUTHENTICATION, "the signature names no certificate");
        }
        ThingId signer = credentials.thingOf(certificate).orElseThrow(() -> new WsSecurityException(
                Fault.FAILED_AUTHENTICATION, "the signing certificate is not trusted"));
        if (sender.isPresent() && !sender.get().equals(signer)) {
            throw new WsSecurityException(Fault.FAILED_AUTHENTICATION,
                    "signed by " + signer + ", not by the expected sender " + sender.get());
        }
        @SuppressWarnings("unchecked")
        List<WSDataRef> refs = (List<WSDataRef>) result.get(WSSecurityEngineResult.TAG_DATA_REF_URIS);
        Set<Element> covered = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (WSDataRef ref : refs == null ? List.<WSDataRef>of() : refs) {
            if (!Algorithms.DIGESTS.contains(ref.getDigestAlgorithm())) {
                throw new WsSecurityException(Fault.UNSUPPORTED_ALGORITHM, "digest algorithm not allowed");
            }
            if (ref.getProtectedElement() != null) {
                covered.add(ref.getProtectedElement());
            }
        }
        // What is acted on must be what was signed: the Body in place, every header block, Timestamp, token.
        requireCovered(covered, envelope.body(), "the SOAP Body");
        for (Element block : envelope.headerBlocks()) {
            requireCovered(covered, block, "header " + block.getLocalName());
        }
        Element security = envelope.security().orElseThrow();
        for (Element child : Envelope.children(security)) {
            String ns = child.getNamespaceURI();
            if (WssEngine.WSU_NS.equals(ns) && "Timestamp".equals(child.getLocalName())
                    || WssEngine.WSSE_NS.equals(ns) && "UsernameToken".equals(child.getLocalName())) {
                requireCovered(covered, child, child.getLocalName());
            }
        }
        // No replay check of the signature value: the Timestamp is covered, so a replayed signature brings its
        // Timestamp along, which the replay window refuses (and ECDSA values are malleable, Timestamps are not).
        return new Signed(Optional.of(signer), Optional.of(certificate));
    }

    private static void requireCovered(Set<Element> covered, Element element, String what)
            throws WsSecurityException {
        if (!covered.contains(element)) {
            throw new WsSecurityException(Fault.FAILED_CHECK, what + " is not covered by the signature");
        }
    }

    boolean encryption(WSHandlerResult results, Envelope envelope, WssPolicy policy)
            throws WsSecurityException {
        boolean bodyDecrypted = false;
        List<WSSecurityEngineResult> found = results.getActionResults().getOrDefault(WSConstants.ENCR, List.of());
        for (WSSecurityEngineResult result : found) {
            @SuppressWarnings("unchecked")
            List<WSDataRef> refs = (List<WSDataRef>) result.get(WSSecurityEngineResult.TAG_DATA_REF_URIS);
            for (WSDataRef ref : refs == null ? List.<WSDataRef>of() : refs) {
                if (!Algorithms.ENCRYPTIONS.contains(ref.getAlgorithm())) {
                    throw new WsSecurityException(Fault.UNSUPPORTED_ALGORITHM, "encryption algorithm not allowed");
                }
                if (ref.getProtectedElement() == envelope.body() && ref.isContent()) {
                    bodyDecrypted = true;
                }
            }
        }
        if (containsEncryptedData(envelope.body())) {
            throw new WsSecurityException(Fault.FAILED_CHECK, "the Body holds encrypted data that was not decrypted");
        }
        if (policy.encrypt() && !bodyDecrypted) {
            throw new WsSecurityException(Fault.INVALID_SECURITY, RefusalReason.POLICY,
                    "the Body is not encrypted, but the policy requires encryption");
        }
        return bodyDecrypted;
    }

    private static boolean containsEncryptedData(Element element) {
        for (Element child : Envelope.children(element)) {
            if (WssEngine.XENC_NS.equals(child.getNamespaceURI()) || containsEncryptedData(child)) {
                return true;
            }
        }
        return false;
    }
}
