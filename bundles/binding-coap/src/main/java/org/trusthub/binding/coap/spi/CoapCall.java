package org.trusthub.binding.coap.spi;

import java.util.Objects;

import org.trusthub.api.security.Authenticated;
import org.trusthub.api.thing.ThingId;

/**
 * One request to a contributed resource.
 *
 * @param authenticated who sent it and how well it was protected: the thing the binding authenticated (DTLS PSK
 *            identity, raw public key or certificate, or OSCORE context), OPERATIONAL when the request arrived and
 *            its protection enough for the security policy
 * @param method {@code GET}, {@code POST}, {@code PUT}, {@code DELETE}, {@code FETCH}, {@code PATCH} or {@code IPATCH}
 * @param resource the resource name under the prefix
 * @param payload the request body (empty if none); the handler owns this copy
 * @param contentFormat the CoAP Content-Format number, or {@value #NO_FORMAT} if the request carried none
 */
public record CoapCall(Authenticated authenticated, String method, String resource, byte[] payload,
        int contentFormat) {

    /** No Content-Format option in the request. */
    public static final int NO_FORMAT = -1;

    public CoapCall {
        Objects.requireNonNull(authenticated, "authenticated");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(payload, "payload");
    }

    /** The thing the binding authenticated: {@code authenticated().thing()}. */
    public ThingId caller() {
        return authenticated.thing();
    }

    @Override
    public String toString() {
        // The payload may carry secrets (keys on their way): never printed.
        return "CoapCall[" + method + " " + resource + " from " + caller() + " via " + authenticated.mechanism() + ", "
                + payload.length + " bytes, format " + contentFormat + "]";
    }
}
