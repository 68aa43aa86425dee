package org.trusthub.binding.coap.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.RawValue;
import org.trusthub.api.model.RawValues;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;

/**
 * {@code /things/<thing>/<name>}: every thing of the hub's thing model. A CoAP thing's values are its raw values
 * ({@link RawValues}), which the thing itself reads, writes and observes; a thing of another binding (ZigBee,
 * Bluetooth LE, DPWS, MQTT) is its properties in the model ({@link ModelThings}), read, written and observed through
 * the model only. Another thing reads or writes either as far as the security policy lets it, and only over a
 * protection at least what the policy requires of the target's own values. One resource serves every path below it
 * (it is its own child), so no request can make the hub grow a resource tree; observers are told of every change to
 * exactly the path they observe, whoever made it (the thing, the hub through the model, or a read or observation of
 * the thing), and every notification is authorized again under the policy in force.
 */
final class ThingsResource extends CoapResource {
    private final Callers callers;
    private final Providers providers;
    private final BridgedWrites writes;
    /** Told by the model of every change; registered while the binding has the model. */
    final RawValues.Listener changes = new RawValues.Listener() {
        @Override
        public void changed(ThingId thing, String name, RawValue value) {
            notifyObservers(thing, name);
        }

        @Override
        public void forgotten(ThingId thing) {
            // a decommissioned thing has no session left to be told over
        }
    };

    ThingsResource(Callers callers, Providers providers, BridgedWrites writes) {
        super("things");
        this.callers = callers;
        this.providers = providers;
        this.writes = writes;
        setObservable(true);
    }

    @Override
    public Resource getChild(String name) {
        return this;
    }

    /**
     * {@code name} is null for the thing itself (its list of values); {@code model} is the thing's model when it
     * belongs to another binding (served through the model), empty for a CoAP thing's raw values.
     */
    private record Target(Authenticated caller, ThingId thing, String name, Optional<ThingModel> model) {
        /** The protocol the target's values reach the hub over, as the policy names it. */
        String protocol() {
            return model.map(ThingModel::binding).orElse(Callers.PROTOCOL);
        }
    }

    /**
     * The caller and the path when the caller may read ({@code write} false) or write it; otherwise the refusal has
     * been sent. The security policy decides, for a thing's own values too (it lets a thing use its own).
     */
    private Optional<Target> authorize(CoapExchange exchange, boolean write) {
        Optional<Authenticated> caller = callers.admit(exchange, "authenticate with DTLS or OSCORE");
        if (caller.isEmpty()) {
            return Optional.empty();
        }
        List<String> path = exchange.getRequestOptions().getUriPath();
        if (path.size() < 2 || path.size() > 3 || !ThingId.isValid(path.get(1))) {
            Refusals.refuse(exchange, ResponseCode.NOT_FOUND, "use /things/<thing id>[/<value name>]");
            return Optional.empty();
        }
        ThingId thing = ThingId.of(path.get(1));
        Optional<ThingModel> model = providers.model().flatMap(m -> m.model(thing))
                .filter(m -> !Callers.PROTOCOL.equals(m.binding()));
        Target target = new Target(caller.get(), thing, path.size() == 3 ? path.get(2) : null, model);
        // The list of another thing's values is filtered by what the caller may read; a PUT on it is refused below.
        boolean allowed = target.name() == null
                || (write ? callers.mayWrite(caller.get(), target.thing(), target.name())
                        : callers.mayRead(caller.get(), target.thing(), target.name()));
        if (!allowed) {
            callers.refusedByPolicy(caller.get());
            Refusals.refuse(exchange, ResponseCode.FORBIDDEN, "the policy does not let " + caller.get().thing().value()
                    + (write ? " write" : " read") + " this value of " + target.thing().value());
            return Optional.empty();
        }
        // The target's values reached the hub under at least what the policy requires of them (each binding refuses
        // what comes below it); they never leave over less.
        Protection required = callers.inbound(target.thing(), target.protocol());
        if (!caller.get().protection().satisfies(required)) {
            callers.refusedByPolicy(caller.get());
            Refusals.refuse(exchange, ResponseCode.FORBIDDEN, "the policy requires " + required + " for the values of "
                    + target.thing().value() + "; " + caller.get().mechanism() + " gives "
                    + caller.get().protection());
            return Optional.empty();
        }
        return Optional.of(target);
    }

    /** The model's values, or empty once the refusal has been sent (the model is not running: nothing to serve). */
    private static Optional<RawValues> values(CoapExchange exchange, Providers providers) {
        Optional<RawValues> values = providers.values();
        if (values.isEmpty()) {
            Refusals.refuse(exchange, ResponseCode.SERVICE_UNAVAILABLE, "the hub's thing model is not running");
        }
        return values;
    }

    @Override
    public void handleGET(CoapExchange exchange) {
        Optional<Target> t = authorize(exchange, false);
        if (t.isEmpty()) {
            return;
        }
        if (t.get().model().isPresent()) {
            getModelThing(exchange, t.get());
            return;
        }
        Optional<RawValues> model = values(exchange, providers);
        if (model.isEmpty()) {
            return;
        }
        if (t.get().name() == null) {
            StringBuilder links = new StringBuilder();
            for (String name : model.get().values(t.get().thing()).keySet()) {
                if (!callers.mayRead(t.get().caller(), t.get().thing(), name)) {
                    continue;
                }
                if (links.length() > 0) {
                    links.append(',');
                }
                links.append("</things/").append(t.get().thing().value()).append('/').append(name).append('>');
            }
            exchange.respond(ResponseCode.CONTENT, links.toString(), MediaTypeRegistry.APPLICATION_LINK_FORMAT);
            return;
        }
        Optional<RawValue> value = model.get().get(t.get().thing(), t.get().name());
        if (value.isEmpty()) {
            Refusals.refuse(exchange, ResponseCode.NOT_FOUND, "no such value");
            return;
        }
        Response response = new Response(ResponseCode.CONTENT);
        response.setPayload(value.get().bytes());
        response.getOptions().setContentFormat(value.get().format());
        exchange.respond(response);
    }

    @Override
    public void handlePUT(CoapExchange exchange) {
        Optional<Target> t = authorize(exchange, true);
        if (t.isEmpty()) {
            return;
        }
        if (t.get().name() == null) {
            Refusals.refuse(exchange, ResponseCode.METHOD_NOT_ALLOWED, "PUT a value: /things/<thing id>/<name>");
            return;
        }
        if (t.get().model().isPresent()) {
            Optional<ThingModelRegistry> registry = providers.model();
            if (registry.isEmpty()) {
                Refusals.refuse(exchange, ResponseCode.SERVICE_UNAVAILABLE, "the hub's thing model is not running");
                return;
            }
            ThingModel model = t.get().model().get();
            Target target = t.get();
            writes.run(exchange, () -> {
                // it may have waited behind slow things: what allowed it then must still hold
                if (!callers.stillMayWrite(target.caller(), target.thing(), target.name(), target.protocol())) {
                    callers.refusedByPolicy(target.caller());
                    Refusals.refuse(exchange, ResponseCode.FORBIDDEN, "the write is no longer allowed: the caller's "
                            + "state or the policy changed while it waited");
                    return;
                }
                ModelThings.put(exchange, registry.get(), model, target.name());
            });
            return;
        }
        byte[] payload = exchange.getRequestPayload();
        if (payload.length > RawValues.MAX_BYTES) {
            Refusals.refuse(exchange, ResponseCode.REQUEST_ENTITY_TOO_LARGE, "value is " + payload.length
                    + " bytes; at most " + RawValues.MAX_BYTES);
            return;
        }
        Optional<RawValues> model = values(exchange, providers);
        if (model.isEmpty()) {
            return;
        }
        if (!t.get().thing().equals(t.get().caller().thing()) && !isCoapThing(t.get().thing(), model.get())) {
            // A thing of another binding its binding has not described yet (not joined, out of range): a value
            // stored here would become its report and make it a CoAP thing in the model for good.
            Refusals.refuse(exchange, ResponseCode.NOT_FOUND, "no CoAP thing " + t.get().thing().value()
                    + "; another binding's thing is written once the thing model has it");
            return;
        }
        int format = exchange.getRequestOptions().hasContentFormat() ? exchange.getRequestOptions().getContentFormat()
                : MediaTypeRegistry.TEXT_PLAIN;
        boolean created;
        try {
            // what a thing writes to the hub the hub holds for it: on disk before the answer (observers are told)
            created = model.get().put(t.get().thing(), t.get().name(), payload, format, Origin.REPORT, true);
        } catch (IllegalArgumentException e) {
            Refusals.refuse(exchange, ResponseCode.BAD_REQUEST, e.getMessage());
            return;
        } catch (IllegalStateException e) {
            // not on disk, so not taken: the thing may try again
            Refusals.refuse(exchange, ResponseCode.SERVICE_UNAVAILABLE, "the hub cannot store values now");
            return;
        }
        exchange.respond(created ? ResponseCode.CREATED : ResponseCode.CHANGED);
    }

    /** Whether values of the thing are kept here: it wrote some, or the model has it as a CoAP thing. */
    private boolean isCoapThing(ThingId thing, RawValues values) {
        return values.things().contains(thing) || providers.model().flatMap(m -> m.model(thing))
                .map(m -> Callers.PROTOCOL.equals(m.binding())).orElse(false);
    }

    /** A property of another binding's thing, or the list of those the caller may read. */
    private void getModelThing(CoapExchange exchange, Target t) {
        ThingModel model = t.model().get();
        if (t.name() == null) {
            StringBuilder links = new StringBuilder();
            ModelThings.links(links, model, p -> callers.mayRead(t.caller(), t.thing(), p), null);
            exchange.respond(ResponseCode.CONTENT, links.toString(), MediaTypeRegistry.APPLICATION_LINK_FORMAT);
            return;
        }
        // A value that came under less than the policy now requires of its thing (the policy was raised since) is
        // no better for having reached the hub: it is not served until one comes under enough.
        Protection required = callers.inbound(t.thing(), t.protocol());
        Optional<Protection> arrived = model.property(t.name()).flatMap(p -> p.value())
                .flatMap(v -> v.arrivedUnder());
        if (arrived.isPresent() && !arrived.get().satisfies(required)) {
            callers.refusedByPolicy(t.caller());
            Refusals.refuse(exchange, ResponseCode.FORBIDDEN, "this value of " + t.thing().value() + " came under "
                    + arrived.get() + "; the policy requires " + required);
            return;
        }
        ModelThings.get(exchange, model, t.name());
    }

    /** Tells the observers of every value of the thing (it became available or unavailable). */
    void notifyObservers(ThingId thing) {
        String prefix = "things/" + thing.value() + "/";
        changed(relation -> relation.getExchange().getRequest().getOptions().getUriPathString().startsWith(prefix));
    }

    void notifyObservers(ThingId thing, String name) {
        String path = "things/" + thing.value() + "/" + name;
        changed(relation -> path.equals(relation.getExchange().getRequest().getOptions().getUriPathString()));
    }

    static String text(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
