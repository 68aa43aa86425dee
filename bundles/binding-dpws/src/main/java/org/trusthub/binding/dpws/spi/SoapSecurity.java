package org.trusthub.binding.dpws.spi;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.w3c.dom.Document;

/**
 * Message security for SOAP 1.2 envelopes exchanged by the DPWS binding, registered as an OSGi service (at most
 * one is used; the highest ranking). Implementations take keys and certificates from the shared keystore; what each
 * message must carry the binding passes in, as the {@link org.trusthub.api.security.SecurityPolicy} requires it for
 * protocol {@code dpws}.
 *
 * <p>The {@code policyThing} of every call is the thing whose requirement governs the exchange: in the client role
 * the remote device ({@code dpws:<uuid>} for a discovered device, or the id the operator gave it), in the
 * device-host role the hub thing that is hosted as a DPWS device. The binding hands over documents it has
 * already parsed with its hardened parser (no DTD, no external entities, size limits); implementations must not
 * re-parse text with a weaker parser.
 */
@ConsumerType
public interface SoapSecurity {

    /** The mechanism name this seam stands for, for logs and the shell. */
    String MECHANISM = "ws-security";

    /**
     * What {@link #verifyDiscovery} returns when this hub's own identity signed the message. Any other signer binds
     * a discovery message only to the endpoint whose thing it is ({@code dpws:<uuid>} of the announced address).
     */
    String HUB_SIGNER = "this hub";

    /**
     * What the provider applies to and demands of the messages exchanged with a thing when the policy requires
     * {@code required}: {@code required}, or less for a peer the provider cannot secure at all (a device that is not
     * enrolled, when the provider is configured to talk to such peers plainly).
     */
    Protection effective(ThingId policyThing, Protection required);

    /**
     * Secures an outgoing envelope in place (adds the wsse:Security header, signs, encrypts) to give
     * {@code required}. The binding calls it for every outgoing SOAP-over-HTTP message; for
     * {@link Protection#NONE} it leaves the envelope untouched (except a reply to a request signed under a security
     * context token, which is signed with that token's key).
     *
     * @return what was applied
     * @throws SoapSecurityException when the requirement cannot be met (no key, no certificate); the binding then
     *         does not send the message
     */
    Protection secure(Document envelope, ThingId policyThing, Protection required) throws SoapSecurityException;

    /**
     * Verifies an incoming envelope from a thing in place: decrypts encrypted parts so the binding reads plain body
     * and headers afterwards, checks signatures, timestamps and nonces (replay caches on), and that the protection
     * meets {@code required} (a stripped or downgraded signature is an error). Called for every incoming
     * SOAP-over-HTTP message in the client role (responses, events).
     *
     * @return who sent it and how well protected; empty for a message that names no thing
     * @throws SoapSecurityException with a WS-Security fault code; the binding answers with that SOAP fault (or logs
     *         it for a response or a one-way message) and acts on nothing in the message
     */
    Optional<Authenticated> verify(Document envelope, ThingId policyThing, Protection required)
            throws SoapSecurityException;

    /**
     * Verifies a request to a hosted thing in place, as {@link #verify} does, to {@code required} (what the policy
     * requires of requests to the hosted thing), from any trusted signer (the client is not known beforehand). The
     * binding secures the response with {@link #secure} for the returned caller (or for the hosted thing when the
     * request names no thing), and holds the caller to what the policy requires of its own messages too.
     *
     * @return the thing the request is proven to come from (a signature, a security context token's proof key, a
     *         UsernameToken) and how well it was protected; empty for a request that names no thing
     * @throws SoapSecurityException as for {@link #verify}; the binding answers with that SOAP fault
     */
    Optional<Authenticated> verifyRequest(Document envelope, ThingId hostedThing, Protection required)
            throws SoapSecurityException;

    /**
     * Signs an outgoing WS-Discovery message (Hello, Bye, ProbeMatches, ResolveMatches) with the hub's identity
     * using the WS-Discovery 1.1 compact signature (d:Security/d:Sig header, section 8.2). A no-op is allowed when
     * discovery signing is not configured.
     */
    void signDiscovery(Document envelope) throws SoapSecurityException;

    /**
     * Checks the compact signature of an incoming WS-Discovery message.
     *
     * @return the signer (the id of the thing whose enrolled key signed, or {@link #HUB_SIGNER}) when the message is
     *         signed and the signature is good; empty when it carries no signature at all. The binding accepts a
     *         signed message only for the endpoints of that thing.
     * @throws SoapSecurityException when a signature is present but bad, by an unknown key, or covers the wrong
     *         parts; the binding then drops the message
     */
    Optional<String> verifyDiscovery(Document envelope) throws SoapSecurityException;
}
