package org.trusthub.binding.coap.internal;

import java.util.Optional;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.security.Authenticated;

/**
 * {@code /rd-lookup/res}: resource lookup (RFC 9176, 6.1) for authenticated things: the registered links the caller
 * may read, as the security policy says for the value each link names ({@link ThingReader#valueName}), with the
 * registering thing's base as its anchor; then the properties of every other binding's thing in the thing model that
 * the caller may read, as the hub serves them ({@code /things/<thing>/<property>}, anchored at the hub's endpoint the
 * caller used) with their resource type, interface and content formats ({@link ModelThings#link}). A thing whose
 * links the caller may read none of is not listed at all, so neither its links nor its address leak.
 */
final class RdLookupResource extends CoapResource {

    RdLookupResource(ResourceDirectory directory, Callers callers, Providers providers) {
        super("rd-lookup");
        add(new CoapResource("res") {
            {
                getAttributes().addResourceType("core.rd-lookup-res");
            }

            @Override
            public void handleGET(CoapExchange exchange) {
                Optional<Authenticated> caller = callers.admit(exchange, "authenticate with DTLS or OSCORE");
                if (caller.isEmpty()) {
                    return;
                }
                StringBuilder out = new StringBuilder();
                for (Registration r : directory.all()) {
                    for (String link : r.links()) {
                        Optional<String> name = valueName(link);
                        if (name.isEmpty() || !callers.mayRead(caller.get(), r.thing(), name.get())) {
                            continue;
                        }
                        if (out.length() > 0) {
                            out.append(',');
                        }
                        out.append(link).append(";anchor=\"").append(r.base()).append('"');
                    }
                }
                Optional<ThingModelRegistry> model = providers.model();
                if (model.isPresent()) {
                    String hub = exchange.advanced().getEndpoint().getUri().toString();
                    for (ThingModel m : ModelThings.bridged(model.get())) {
                        // the same decision a request for the value gets: granted, and over enough protection
                        boolean protectedEnough = caller.get().protection()
                                .satisfies(callers.inbound(m.thing(), m.binding()));
                        ModelThings.links(out, m, p -> protectedEnough && callers.mayRead(caller.get(), m.thing(), p),
                                hub);
                    }
                }
                exchange.respond(ResponseCode.CONTENT, out.toString(), MediaTypeRegistry.APPLICATION_LINK_FORMAT);
            }
        });
    }

    /** The value a registered link names: its target path as the hub reads it into the model. */
    static Optional<String> valueName(String link) {
        int end = link.indexOf('>');
        if (!link.startsWith("<") || end < 2) {
            return Optional.empty();
        }
        return Optional.of(ThingReader.valueName(link.substring(1, end)));
    }
}
