package org.trusthub.security.wss.internal;

import java.security.cert.X509Certificate;
import java.util.Optional;

import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.wss.WsSecurityException;

/**
 * The keys and certificates WS-Security needs, as the engine sees them. The component backs it with the shared
 * {@code ThingKeyStore}; nothing else decides what is trusted.
 */
interface Credentials {

    /** The hub's own key pair and certificate. */
    HubIdentity hub();

    /** The certificate to encrypt to and to expect signatures from: the thing's root certificate. */
    Optional<X509Certificate> certificateOf(ThingId thing);

    /**
     * The active thing a signing certificate belongs to: its root certificate, or a certificate issued by a trust
     * anchor whose subject CN is the thing id. Empty when the certificate is not trusted.
     */
    Optional<ThingId> thingOf(X509Certificate certificate);

    /**
     * The active thing whose root certificate's public key has this subject key identifier (SHA-1 of the public key
     * bits, RFC 5280 method 1), as the WS-Discovery compact signature names keys.
     */
    Optional<ThingId> thingOfKeyId(byte[] subjectKeyId);

    /**
     * The UsernameToken password shared with a thing (derived from its root credential); empty if the thing is not
     * enrolled or revoked. The caller wipes the array.
     */
    Optional<char[]> usernamePassword(ThingId thing);

    /**
     * The same password, for checking an incoming UsernameToken: the keystore records no use of the key, so a
     * token that does not verify changes nothing. Call {@link #recordUsernameUse} once the message verified.
     */
    default Optional<char[]> usernamePasswordUnrecorded(ThingId thing) {
        return usernamePassword(thing);
    }

    /**
     * Records that the thing's UsernameToken password authenticated a message.
     *
     * @throws WsSecurityException if the thing's keys were revoked or rotated meanwhile, or the use cannot be written
     */
    default void recordUsernameUse(ThingId thing) throws WsSecurityException {
    }
}
