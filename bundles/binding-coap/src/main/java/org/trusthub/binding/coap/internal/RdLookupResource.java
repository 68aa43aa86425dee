package org.trusthub.binding.coap.internal;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code /rd-lookup/res}: resource lookup (RFC 9176, 6.1) for authenticated things: every registered link, with
 * the registering thing's base as its anchor.
 */
final class RdLookupResource extends CoapResource {

    RdLookupResource(ResourceDirectory directory, Callers callers) {
        super("rd-lookup");
        add(new CoapResource("res") {
            {
                getAttributes().addResourceType("core.rd-lookup-res");
            }

            @Override
            public void handleGET(CoapExchange exchange) {
                if (callers.admit(exchange, "authenticate with DTLS or OSCORE").isEmpty()) {
                    return;
                }
                StringBuilder out = new StringBuilder();
                for (Registration r : directory.all()) {
                    for (String link : r.links()) {
                        if (out.length() > 0) {
                            out.append(',');
                        }
                        out.append(link).append(";anchor=\"").append(r.base()).append('"');
                    }
                }
                exchange.respond(ResponseCode.CONTENT, out.toString(), MediaTypeRegistry.APPLICATION_LINK_FORMAT);
            }
        });
    }
}
