package org.trusthub.binding.coap.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.WebLink;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.LinkFormat;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.security.Authenticated;

/**
 * {@code /rd}: the registration interface of a resource directory in the manner of RFC 9176 (5.3). A thing POSTs
 * its links in CoRE Link Format with {@code ?ep=<its thing id>[&lt=<seconds>]} and gets {@code 2.01} with the
 * registration resource's location {@code /rd/<id>}; POST there refreshes it (and replaces the links if it carries
 * any), DELETE removes it. Only an authenticated thing registers, and only itself.
 */
final class RdResource extends CoapResource {
    private static final Logger LOG = LoggerFactory.getLogger(RdResource.class);
    static final int MAX_LINKS_BYTES = 2048;

    private final ResourceDirectory directory;
    private final Callers callers;
    private final RegistrationListener listener;

    /** Told about new registrations, so the hub can read or observe what they announce. */
    interface RegistrationListener {
        void registered(Registration registration);
    }

    RdResource(ResourceDirectory directory, Callers callers, RegistrationListener listener) {
        super("rd");
        this.directory = directory;
        this.callers = callers;
        this.listener = listener;
        getAttributes().addResourceType("core.rd");
    }

    @Override
    public Resource getChild(String name) {
        return directory.byId(name).map(r -> (Resource) new RegistrationResource(r.id())).orElse(null);
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        Optional<Authenticated> caller = callers.admit(exchange, "authenticate with DTLS or OSCORE to register");
        if (caller.isEmpty()) {
            return;
        }
        String ep = exchange.getQueryParameter("ep");
        if (ep != null && !ep.equals(caller.get().thing().value())) {
            Refusals.refuse(exchange, ResponseCode.FORBIDDEN, "ep must be the registering thing's own id");
            return;
        }
        if (exchange.getQueryParameter("base") != null) {
            Refusals.refuse(exchange, ResponseCode.BAD_REQUEST, "base is not supported: the hub uses the source");
            return;
        }
        Long lifetime = lifetime(exchange);
        if (lifetime == null) {
            return;
        }
        Optional<List<String>> links = links(exchange, true);
        if (links.isEmpty()) {
            return;
        }
        Optional<Registration> previous = directory.of(caller.get().thing());
        Registration registration = new Registration(previous.map(Registration::id).orElseGet(directory::newId),
                caller.get(), caller.get().thing().value(), links.get(), exchange.getSourceSocketAddress(),
                exchange.advanced().getEndpoint(), directory.expiry(lifetime));
        try {
            directory.register(registration);
        } catch (IllegalStateException e) {
            Refusals.refuse(exchange, ResponseCode.SERVICE_UNAVAILABLE, e.getMessage());
            return;
        }
        LOG.info("CoAP thing {} registered {} links via {} from {}", registration.thing(), links.get().size(),
                registration.by().mechanism(), registration.peer());
        exchange.setLocationPath("rd/" + registration.id());
        exchange.respond(ResponseCode.CREATED);
        listener.registered(registration);
    }

    private static Long lifetime(CoapExchange exchange) {
        String lt = exchange.getQueryParameter("lt");
        if (lt == null) {
            return ResourceDirectory.DEFAULT_LIFETIME;
        }
        try {
            long seconds = Long.parseLong(lt);
            if (seconds >= ResourceDirectory.MIN_LIFETIME && seconds <= ResourceDirectory.MAX_LIFETIME) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        Refusals.refuse(exchange, ResponseCode.BAD_REQUEST, "lt must be " + ResourceDirectory.MIN_LIFETIME + " to "
                + ResourceDirectory.MAX_LIFETIME + " seconds");
        return null;
    }

    /** The links of the payload, or empty when refused (a refresh may carry none: then an empty list). */
    private static Optional<List<String>> links(CoapExchange exchange, boolean required) {
        byte[] payload = exchange.getRequestPayload();
        if (payload.length == 0 && !required) {
            return Optional.of(List.of());
        }
        if (exchange.getRequestOptions().hasContentFormat()
                && exchange.getRequestOptions().getContentFormat() != MediaTypeRegistry.APPLICATION_LINK_FORMAT) {
            Refusals.refuse(exchange, ResponseCode.UNSUPPORTED_CONTENT_FORMAT, "links must be application/link-format");
            return Optional.empty();
        }
        if (payload.length == 0 || payload.length > MAX_LINKS_BYTES) {
            Refusals.refuse(exchange, ResponseCode.BAD_REQUEST,
                    "links must be 1 to " + MAX_LINKS_BYTES + " bytes of CoRE Link Format");
            return Optional.empty();
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        if (!text.startsWith("<") || text.chars().anyMatch(c -> c < 0x20)) {
            Refusals.refuse(exchange, ResponseCode.BAD_REQUEST, "malformed CoRE Link Format");
            return Optional.empty();
        }
        Set<WebLink> parsed = LinkFormat.parse(text);
        List<String> links = new ArrayList<>();
        for (WebLink link : parsed) {
            String uri = link.getURI();
            if (uri == null || !uri.startsWith("/") || uri.startsWith("//") || uri.length() > 256) {
                Refusals.refuse(exchange, ResponseCode.BAD_REQUEST, "each link must be a path starting with /");
                return Optional.empty();
            }
            links.add(LinkFormat.serialize(link));
        }
        if (links.isEmpty()) {
            Refusals.refuse(exchange, ResponseCode.BAD_REQUEST, "malformed CoRE Link Format");
            return Optional.empty();
        }
        return Optional.of(links);
    }

    /** {@code /rd/<id>}: refresh or remove one registration; only its thing may. */
    private final class RegistrationResource extends CoapResource {
        RegistrationResource(String id) {
            super(id);
            setParent(RdResource.this);
        }

        private Optional<Registration> own(CoapExchange exchange) {
            Optional<Authenticated> caller = callers.admit(exchange, "authenticate with DTLS or OSCORE");
            if (caller.isEmpty()) {
                return Optional.empty();
            }
            Optional<Registration> r = directory.byId(getName());
            if (r.isEmpty()) {
                Refusals.refuse(exchange, ResponseCode.NOT_FOUND, "no such registration");
                return Optional.empty();
            }
            if (!r.get().thing().equals(caller.get().thing())) {
                Refusals.refuse(exchange, ResponseCode.FORBIDDEN, "not your registration");
                return Optional.empty();
            }
            return r;
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            Optional<Registration> r = own(exchange);
            if (r.isEmpty()) {
                return;
            }
            Long lifetime = lifetime(exchange);
            if (lifetime == null) {
                return;
            }
            Optional<List<String>> links = links(exchange, false);
            if (links.isEmpty()) {
                return;
            }
            Registration old = r.get();
            Registration updated = new Registration(old.id(), old.by(), old.endpointName(),
                    links.get().isEmpty() ? old.links() : links.get(), exchange.getSourceSocketAddress(),
                    exchange.advanced().getEndpoint(), directory.expiry(lifetime));
            directory.register(updated);
            exchange.respond(ResponseCode.CHANGED);
        }

        @Override
        public void handleDELETE(CoapExchange exchange) {
            Optional<Registration> r = own(exchange);
            if (r.isEmpty()) {
                return;
            }
            directory.remove(r.get().thing());
            exchange.respond(ResponseCode.DELETED);
        }
    }
}
