package org.trusthub.api.offload;

import java.time.Instant;
import java.util.Objects;

import org.trusthub.api.thing.ThingId;

/**
 * What the hub remembers of a token it issued: never the token's keys.
 *
 * @param id the token's {@code cti}, hex
 * @param client the thing the token was issued to (CWT {@code sub})
 * @param audience the thing that accepts it (CWT {@code aud})
 * @param scope what the client may do at the audience
 * @param profile {@code coap_oscore} (ACE, RFC 9203) or {@code ws-trust} (DPWS)
 */
public record IssuedToken(String id, ThingId client, ThingId audience, String scope, String profile, Instant issued,
        Instant expires) {
    public IssuedToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(issued, "issued");
        Objects.requireNonNull(expires, "expires");
    }
}
