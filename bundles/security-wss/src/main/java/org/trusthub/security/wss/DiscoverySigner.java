package org.trusthub.security.wss;

import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

import org.trusthub.api.thing.ThingId;

/**
 * Who signed a discovery message with a valid compact signature.
 *
 * @param thing the thing whose root certificate holds the key; empty when the hub itself signed
 * @param certificate the certificate with the signing key
 */
public record DiscoverySigner(Optional<ThingId> thing, X509Certificate certificate) {
    public DiscoverySigner {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(certificate, "certificate");
    }

    /** Whether the hub's own identity signed the message. */
    public boolean isHub() {
        return thing.isEmpty();
    }
}
