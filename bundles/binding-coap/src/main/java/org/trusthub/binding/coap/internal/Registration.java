package org.trusthub.binding.coap.internal;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

import org.eclipse.californium.core.network.Endpoint;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.thing.ThingId;

/**
 * A thing's registration in the resource directory (RFC 9176): its endpoint name, the links it announced, where
 * the hub reaches it and how it authenticated.
 *
 * @param id the registration resource's name (under {@code /rd/})
 * @param by the thing that registered and how it authenticated (its DTLS session or OSCORE context)
 * @param links the announced links in CoRE Link Format, one per entry
 * @param peer the address the registration came from (the thing's base unless it gave one)
 * @param endpoint the hub endpoint it came in on (plain/OSCORE or DTLS), which the hub reads it through
 */
public record Registration(String id, Authenticated by, String endpointName, List<String> links,
        InetSocketAddress peer, Endpoint endpoint, Instant expires) {

    public Registration {
        links = List.copyOf(links);
    }

    public boolean expired(Instant now) {
        return !now.isBefore(expires);
    }

    public ThingId thing() {
        return by.thing();
    }

    /** Whether it registered over DTLS: the hub then reaches it over its DTLS session, otherwise with OSCORE. */
    public boolean overDtls() {
        return by.layer() == Layer.TRANSPORT;
    }

    public String scheme() {
        return overDtls() ? "coaps" : "coap";
    }

    public String base() {
        return scheme() + "://" + peer.getAddress().getHostAddress().replace("%", "%25") + ":" + peer.getPort();
    }
}
