package org.trusthub.binding.dpws.spi;

import java.util.Objects;
import java.util.Optional;

import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;

/**
 * Who sent a request to a hosted thing and how well it was protected: the response is secured for that sender (its
 * certificate, the policy's requirement for it), not for the hosted thing.
 *
 * @param caller the thing the request is proven to come from (a signature, a security context token's proof key, a
 *               UsernameToken), as every binding states it; empty for a request that names no thing
 */
public record VerifiedRequest(Optional<Authenticated> caller) {

    public VerifiedRequest {
        Objects.requireNonNull(caller, "caller");
    }

    /** A request that names no thing. */
    public static final VerifiedRequest ANONYMOUS = new VerifiedRequest(Optional.empty());

    /** The calling thing, if the request names one. */
    public Optional<ThingId> sender() {
        return caller.map(Authenticated::thing);
    }

    /** How well the request was protected. */
    public Protection protection() {
        return caller.map(Authenticated::protection).orElse(Protection.NONE);
    }
}
