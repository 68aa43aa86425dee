package org.trusthub.security.wss;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.ThingId;
import org.w3c.dom.Document;

/**
 * Secures and verifies SOAP 1.2 envelopes exchanged with things, as a thing's {@link WssPolicy} says. The hub signs
 * with its identity ({@code ThingKeyStore.hubIdentity()}, ECDSA P-256 with SHA-256) and encrypts the Body with
 * AES-GCM under a key agreed by ECDH-ES with the peer's root certificate. A signature is trusted when its certificate
 * is an enrolled thing's root certificate, or is issued by a keystore trust anchor and names a thing (subject CN equal
 * to the thing id).
 *
 * <p>Envelopes are DOM documents parsed by the caller with a hardened parser (namespace aware, no DTD, no external
 * entities); they are changed in place. Registered as an OSGi service; the same component is the
 * {@link org.trusthub.api.security.SecurityProvider} with {@code trusthub.layer=APPLICATION} and
 * {@code trusthub.mechanism=}{@value #WS_SECURITY}.
 */
@ProviderType
public interface WsSecurity {

    /** The mechanism name of WS-Security. */
    String WS_SECURITY = "ws-security";

    /** The policy of a thing (from Config Admin; the configured default when the thing has none). */
    WssPolicy policy(ThingId thing);

    /**
     * Adds a {@code wsse:Security} header to an outgoing envelope, as the policy of {@code peer} says: a Timestamp,
     * a UsernameToken, a signature over Body, Timestamp, UsernameToken and the WS-Addressing headers, encryption of
     * the Body content. A plain policy leaves the envelope untouched. The reply to a request to a hosted thing that
     * was signed under a security context token ({@link #verifyRequest}) is instead signed with that token's proof
     * key (HMAC-SHA256 over Body, Timestamp and every header block), whatever the peer's policy; its Body is first
     * encrypted under the token's Body key when the request's was or the hosted thing's policy encrypts
     * ({@link org.trusthub.security.wss.sct.SctBodyCipher}).
     *
     * @param peer the thing the message goes to (its policy applies; its certificate is encrypted to)
     * @return what was applied
     * @throws WsSecurityException if the envelope is not a SOAP 1.2 envelope, already has a security header, or the
     *         peer has no certificate to encrypt to
     */
    WssResult secure(Document envelope, ThingId peer) throws WsSecurityException;

    /**
     * Verifies an envelope that came from {@code peer} (a response to the hub as a client, an event): the peer's
     * policy must be met, the signature (when present) must be the peer's own. Processes the security header in
     * place: the Body is decrypted and the {@code wsse:Security} header removed. Nothing in the envelope may be acted
     * on unless this returns.
     *
     * @throws WsSecurityException naming the fault (answer with {@link WsSecurityException#soapFault()})
     */
    WssResult verify(Document envelope, ThingId peer) throws WsSecurityException;

    /**
     * Verifies a request to a service the hub hosts for {@code hosted}: the hosted thing's policy must be met; any
     * trusted signer is accepted and reported in {@link WssResult#signer()}.
     */
    WssResult verifyRequest(Document envelope, ThingId hosted) throws WsSecurityException;

    /**
     * Signs a WS-Discovery 1.1 message (Hello, Bye, Probe, ProbeMatches, Resolve, ResolveMatches) in place with the
     * compact signature of WS-Discovery 1.1 section 8.2: a {@code d:Security/d:Sig} header over the WS-Addressing
     * headers, {@code d:AppSequence} (when present) and the Body, by the hub identity.
     */
    void signDiscovery(Document envelope) throws WsSecurityException;

    /**
     * Verifies the compact signature of a discovery message: every referenced part present exactly once, the
     * WS-Addressing headers, {@code d:AppSequence} and the Body covered, an allowed scheme, the key a known thing's
     * root certificate or the hub's own.
     *
     * @return who signed; empty if the message carries no compact signature
     * @throws WsSecurityException if the signature is malformed, does not cover what it must, is by an unknown key or
     *         does not verify
     */
    Optional<DiscoverySigner> verifyDiscovery(Document envelope) throws WsSecurityException;
}
