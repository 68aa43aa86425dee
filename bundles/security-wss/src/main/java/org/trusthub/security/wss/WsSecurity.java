package org.trusthub.security.wss;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.w3c.dom.Document;

/**
 * Secures and verifies SOAP 1.2 envelopes exchanged with things, as the security policy requires. The hub signs
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
    /** The mechanism of a message signed with an X.509 certificate ({@link WssResult#authenticated()}). */
    String X509 = "wss-x509";
    /** The mechanism of a message signed with a security context token's proof key. */
    String SCT = "wss-sct";
    /** The mechanism of a message whose sender is known by its UsernameToken only. */
    String USERNAME = "wss-username";

    /**
     * What this provider applies to and demands of the messages exchanged with {@code peer} when the security policy
     * requires {@code required}: {@code required} itself for a peer with active keys; for a peer without (a DPWS
     * device found on the network, not enrolled) nothing can be signed for or checked from it, so
     * {@link Protection#NONE} when the {@code unenrolledPolicy} setting is {@code plain}, else {@code required}
     * (which then refuses every exchange with it).
     */
    Protection effective(ThingId peer, Protection required);

    /**
     * Adds a {@code wsse:Security} header to an outgoing envelope as {@code required} (what the security policy
     * requires on messages to {@code peer}) asks: integrity is a Timestamp and a signature over Body, Timestamp, UsernameToken and the WS-Addressing headers, encryption of
     * the Body content. A plain policy leaves the envelope untouched. The reply to a request to a hosted thing that
     * was signed under a security context token ({@link #verifyRequest}) is instead signed with that token's proof
     * key (HMAC-SHA256 over Body, Timestamp and every header block), whatever the peer's policy; its Body is first
     * encrypted under the token's Body key when the request's was or the hosted thing's policy encrypts
     * ({@link org.trusthub.security.wss.sct.SctBodyCipher}).
     *
     * @param peer the thing the message goes to (its certificate is encrypted to)
     * @param required what the security policy requires on messages to {@code peer} ({@link #effective} applies)
     * @return what was applied
     * @throws WsSecurityException if the envelope is not a SOAP 1.2 envelope, already has a security header, or the
     *         peer has no certificate to encrypt to
     */
    WssResult secure(Document envelope, ThingId peer, Protection required) throws WsSecurityException;

    /**
     * Verifies an envelope that came from {@code peer} (a response to the hub as a client, an event): the peer's
     * requirement ({@link #effective}) must be met, the signature (when present) must be the peer's own. Processes the security header in
     * place: the Body is decrypted and the {@code wsse:Security} header removed. Nothing in the envelope may be acted
     * on unless this returns.
     *
     * @throws WsSecurityException naming the fault (answer with {@link WsSecurityException#soapFault()})
     */
    WssResult verify(Document envelope, ThingId peer, Protection required) throws WsSecurityException;

    /**
     * Verifies a request to a service the hub hosts for {@code hosted}: {@code required} (what the security policy
     * requires of requests to the hosted thing) must be met; any trusted signer is accepted and reported in
     * {@link WssResult#signer()} and {@link WssResult#authenticated()}.
     */
    WssResult verifyRequest(Document envelope, ThingId hosted, Protection required) throws WsSecurityException;

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
