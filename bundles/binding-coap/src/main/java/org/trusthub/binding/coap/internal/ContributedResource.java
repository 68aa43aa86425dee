package org.trusthub.binding.coap.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.security.Authenticated;
import org.trusthub.binding.coap.spi.CoapCall;
import org.trusthub.binding.coap.spi.CoapHandler;
import org.trusthub.binding.coap.spi.CoapReply;

/**
 * {@code /<prefix>/<name>}: another bundle's resources. One resource serves the whole prefix (it is its own child, as
 * {@link ThingsResource}), so no request grows the tree; the caller is authenticated and checked OPERATIONAL here,
 * before any contributed code runs, and the handler sees a {@link CoapCall}, never the Californium exchange.
 */
final class ContributedResource extends CoapResource {
    private static final Logger LOG = LoggerFactory.getLogger(ContributedResource.class);

    private final Callers callers;
    private final Map<String, CoapHandler> handlers;
    private final String owner;

    ContributedResource(String prefix, Map<String, CoapHandler> handlers, Callers callers, String owner) {
        super(prefix);
        this.handlers = Map.copyOf(handlers);
        this.callers = callers;
        this.owner = owner;
        getAttributes().setTitle(owner);
    }

    @Override
    public Resource getChild(String name) {
        return this;
    }

    @Override
    public void handleRequest(Exchange exchange) {
        CoapExchange coap = new CoapExchange(exchange, this);
        Optional<Authenticated> caller = callers.admit(coap,
                "authenticate with DTLS or OSCORE as an operational thing");
        if (caller.isEmpty()) {
            return;
        }
        List<String> path = exchange.getRequest().getOptions().getUriPath();
        CoapHandler handler = path.size() == 2 ? handlers.get(path.get(1)) : null;
        if (handler == null) {
            Refusals.refuse(coap, ResponseCode.NOT_FOUND, "no such resource under /" + getName());
            return;
        }
        int format = exchange.getRequest().getOptions().hasContentFormat()
                ? exchange.getRequest().getOptions().getContentFormat() : CoapCall.NO_FORMAT;
        CoapCall call = new CoapCall(caller.get(), exchange.getRequest().getCode().name(), path.get(1),
                exchange.getRequest().getPayload().clone(), format);
        CoapReply reply;
        try {
            reply = handler.handle(call);
        } catch (RuntimeException e) {
            // The contributor's exception may name anything: logged here, never sent.
            LOG.error("Contributed CoAP resource /{}/{} of {} failed on {}", getName(), path.get(1), owner, call, e);
            coap.respond(ResponseCode.INTERNAL_SERVER_ERROR, "internal error", MediaTypeRegistry.TEXT_PLAIN);
            return;
        }
        if (reply == null) {
            LOG.error("Contributed CoAP resource /{}/{} of {} answered nothing to {}", getName(), path.get(1), owner,
                    call);
            coap.respond(ResponseCode.INTERNAL_SERVER_ERROR, "internal error", MediaTypeRegistry.TEXT_PLAIN);
            return;
        }
        Response response = new Response(ResponseCode.valueOf(reply.status().codeClass() << 5
                | reply.status().detail()));
        response.setPayload(reply.payload());
        if (reply.contentFormat() >= 0) {
            response.getOptions().setContentFormat(reply.contentFormat());
        }
        if (reply.status().codeClass() != 2) {
            Refusals.log(coap, response.getCode(), caller.get().thing() + ": "
                    + Refusals.oneLine(new String(reply.payload(), java.nio.charset.StandardCharsets.UTF_8)));
        }
        coap.respond(response);
    }
}
