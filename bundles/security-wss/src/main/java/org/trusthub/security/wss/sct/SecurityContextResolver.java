package org.trusthub.security.wss.sct;

import org.osgi.annotation.versioning.ConsumerType;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.wss.WsSecurityException;

/**
 * Recovers the security context of a {@code wsc:SecurityContextToken} for the thing that received it, alone and
 * offline (the token carries what the receiver needs, sealed under a key the receiver already holds). Registered as
 * an OSGi service by the bundle that issues the tokens (trusthub offload); the WS-Security provider uses it for
 * requests to hosted things, and a device uses its own.
 */
@ConsumerType
public interface SecurityContextResolver {

    /**
     * @param identifier the token's {@code wsc:Identifier}
     * @param receiver   the thing that received the message
     * @return the context; its audience, lifetime and key are checked by the caller as well
     * @throws WsSecurityException when the token cannot be opened by the receiver (forged, sealed for another
     *         thing, not a token of this issuer); the message must not hold key material
     */
    SecurityContext resolve(String identifier, ThingId receiver) throws WsSecurityException;
}
