package org.trusthub.binding.dpws.spi;

import java.util.Optional;

import org.trusthub.api.thing.ThingId;

/**
 * What a request to a hosted thing carried, and who sent it: the response is secured for that sender (its
 * certificate, its policy), not for the hosted thing.
 *
 * @param protection what the request carried
 * @param sender     the thing whose trusted signature the request bears; empty for an unsigned request
 */
public record VerifiedRequest(SoapProtection protection, Optional<ThingId> sender) {

    public VerifiedRequest {
        java.util.Objects.requireNonNull(protection, "protection");
        java.util.Objects.requireNonNull(sender, "sender");
    }

    /** An unsigned, unencrypted request. */
    public static final VerifiedRequest PLAIN = new VerifiedRequest(SoapProtection.NONE, Optional.empty());
}
