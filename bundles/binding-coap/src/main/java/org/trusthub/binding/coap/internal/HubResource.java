package org.trusthub.binding.coap.internal;

import java.util.Optional;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.trusthub.api.security.Authenticated;

/** {@code /hub}: tells an authenticated thing who the hub takes it for and how it authenticated. */
final class HubResource extends CoapResource {
    private final Callers callers;

    HubResource(Callers callers) {
        super("hub");
        this.callers = callers;
        getAttributes().setTitle("trusthub");
    }

    @Override
    public void handleGET(CoapExchange exchange) {
        Optional<Authenticated> caller = callers.admit(exchange, "authenticate with DTLS or OSCORE");
        if (caller.isEmpty()) {
            return;
        }
        exchange.respond(ResponseCode.CONTENT,
                "trusthub: " + caller.get().thing().value() + " via " + caller.get().mechanism(),
                MediaTypeRegistry.TEXT_PLAIN);
    }
}
