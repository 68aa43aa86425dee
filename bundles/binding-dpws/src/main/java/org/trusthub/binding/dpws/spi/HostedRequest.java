package org.trusthub.binding.dpws.spi;

import java.util.Objects;
import java.util.Optional;

import org.trusthub.api.security.Authenticated;
import org.trusthub.api.thing.ThingId;
import org.w3c.dom.Element;

/**
 * A request to a {@link HostedService}, after the binding verified its message security.
 *
 * @param hostedThing the hub thing whose device endpoint was called
 * @param action      the request's WS-Addressing Action (one of the service's actions)
 * @param body        the first child element of the verified (decrypted) SOAP Body; empty for an empty Body. It
 *                    belongs to the binding's parsed document: read it, do not keep it beyond the call
 * @param caller      who sent the request and how well it was protected (as {@link SoapSecurity#verifyRequest} proved
 *                    it); empty when the request names no known thing
 */
public record HostedRequest(ThingId hostedThing, String action, Optional<Element> body,
        Optional<Authenticated> caller) {

    public HostedRequest {
        Objects.requireNonNull(hostedThing, "hostedThing");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(caller, "caller");
    }
}
