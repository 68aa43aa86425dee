package org.trusthub.web.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.trusthub.api.keystore.KeyRevokedException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.model.InvalidValueException;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.security.SecurityStatus;
import org.trusthub.api.security.SecurityStatus.ThingStatus;
import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Things: list, show, enroll, lifecycle transitions, re-commissioning, key metadata and rotation, properties. Each
 * handler checks the request, then makes the one call the console's command makes; a refused request changes
 * nothing.
 */
final class ThingsApi {

    private final HubServices hub;
    private final EventFeed events;
    private final ZigbeeCommissioning zigbee;
    private final Clock clock;

    ThingsApi(HubServices hub, EventFeed events, Clock clock) {
        this.hub = hub;
        this.events = events;
        this.zigbee = new ZigbeeCommissioning(hub);
        this.clock = clock;
    }

    void routes(Router r) {
        r.get("/api/things", Role.VIEWER, c -> list());
        r.post("/api/things", Role.ADMIN, 201, this::enroll);
        r.get("/api/things/{id}", Role.VIEWER, c -> show(id(c)));
        r.post("/api/things/{id}/transitions", Role.ADMIN, 200, this::transition);
        r.post("/api/things/{id}/recommission", Role.ADMIN, 200, this::recommission);
        r.get("/api/things/{id}/keys", Role.VIEWER, c -> keys(id(c)));
        r.post("/api/things/{id}/keys/rotate", Role.ADMIN, 200, this::rotate);
        r.get("/api/things/{id}/properties", Role.VIEWER, c -> Views.model(model(id(c))));
        r.put("/api/things/{id}/properties/{property}", Role.ADMIN, this::write);
    }

    static ThingId id(Call c) {
        String id = c.param("id");
        if (!ThingId.isValid(id)) {
            throw ApiException.bad("id", "malformed thing id (lower-case letters, digits and . _ : -)");
        }
        return ThingId.of(id);
    }

    List<Map<String, Object>> list() {
        ThingRegistry registry = hub.registry();
        SecurityStatus status = hub.status;
        List<Map<String, Object>> out = new ArrayList<>();
        if (status != null) {
            for (ThingStatus s : status.all()) {
                out.add(Views.summary(s, registry.find(s.thing())));
            }
        } else {
            for (Thing t : registry.list()) {
                out.add(Views.obj("id", t.id().value(), "state", t.state().name(), "owner", t.owner(),
                        "protocols", List.of(), "simulated", false, "protection", "none", "required", Map.of(),
                        "refusals", 0));
            }
        }
        return out;
    }

    Map<String, Object> show(ThingId id) {
        ThingRegistry registry = hub.registry();
        Optional<Thing> thing = registry.find(id);
        SecurityStatus status = hub.status;
        Optional<ThingStatus> s = status == null ? Optional.empty() : status.of(id);
        if (thing.isEmpty() && s.isEmpty()) {
            throw ApiException.notFound("no thing " + id + " in the registry or any binding");
        }
        Map<String, Object> m = thing.map(Views::thing).orElseGet(() -> Views.obj("id", id.value(), "state", null,
                "transitions", List.of(), "recommission", false));
        m.put("security", s.map(Views::status).orElse(null));
        var model = hub.model;
        m.put("model", model == null ? null : model.model(id).map(Views::model).orElse(null));
        m.put("journal", thing.isEmpty() ? List.of() : registry.journal(id).stream().map(Views::journal).toList());
        return m;
    }

    private Map<String, Object> enroll(Call c) {
        String owner = c.text("owner");
        JsonNode credential = c.object("credential");
        String kind = text(credential, "credential.kind");
        switch (kind) {
            case "secret-file" -> {
                ThingId id = bodyId(c);
                String content = text(credential, "credential.content");
                ThingRegistry registry = operator(c);
                if (registry.find(id).isPresent()) {
                    throw ApiException.conflict("id", "thing " + id + " is enrolled already");
                }
                RootCredential.Secret secret = Credentials.secretFile("credential.content", content);
                try {
                    return Views.thing(enrollChecked(() -> registry.enroll(id, owner, secret)));
                } finally {
                    secret.destroy();
                }
            }
            case "zigbee-install-code" -> {
                var code = Credentials.zigbee("credential.ieee", text(credential, "credential.ieee"),
                        "credential.installCode", text(credential, "credential.installCode"));
                return Views.thing(hub.registry().get(zigbee.commission(code, owner)));
            }
            case "zigbee-qr" -> {
                var code = Credentials.zigbeeQr("credential.text", text(credential, "credential.text"));
                return Views.thing(hub.registry().get(zigbee.commission(code, owner)));
            }
            default -> throw ApiException.bad("credential.kind", "must be secret-file, zigbee-install-code or "
                    + "zigbee-qr");
        }
    }

    private static Thing enrollChecked(java.util.function.Supplier<Thing> enroll) {
        try {
            return enroll.get();
        } catch (DuplicateThingException e) {
            throw ApiException.conflict("id", e.getMessage());
        } catch (IllegalArgumentException e) {
            // The registry refuses a malformed owner or an unusable credential before storing anything.
            throw ApiException.bad(e.getMessage().contains("owner") ? "owner" : "credential", e.getMessage());
        }
    }

    /** The registry as the logged-in operator changes it, so each thing's journal names them. */
    private ThingRegistry operator(Call c) {
        return hub.registry().actingAs(Views.actor(c.session.user));
    }

    private static ThingId bodyId(Call c) {
        String id = c.text("id");
        if (!ThingId.isValid(id)) {
            throw ApiException.bad("id", "malformed thing id: 1 to " + ThingId.MAX_LENGTH
                    + " of a-z 0-9 . _ : -, starting with a letter or digit");
        }
        return ThingId.of(id);
    }

    static String text(JsonNode node, String path) {
        JsonNode n = node.get(path.substring(path.lastIndexOf('.') + 1));
        if (n == null || n.isNull()) {
            throw ApiException.bad(path, "is required");
        }
        if (!n.isTextual()) {
            throw ApiException.bad(path, "must be a string");
        }
        return n.textValue();
    }

    private Map<String, Object> transition(Call c) {
        ThingId id = id(c);
        String name = c.text("transition");
        Transition t;
        try {
            t = Transition.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.bad("transition", "unknown transition; one of BOOTSTRAP, ACTIVATE, MAINTAIN, RESUME, "
                    + "REBOOTSTRAP, DECOMMISSION");
        }
        if (t == Transition.RECOMMISSION) {
            throw ApiException.bad("transition", "RECOMMISSION needs a new owner and credential: POST "
                    + "/api/things/{id}/recommission");
        }
        return Views.thing(operator(c).transition(id, t));
    }

    private Map<String, Object> recommission(Call c) {
        ThingId id = id(c);
        String owner = c.text("owner");
        JsonNode credential = c.object("credential");
        String kind = text(credential, "credential.kind");
        if (!kind.equals("secret-file")) {
            throw ApiException.bad("credential.kind", "re-commissioning takes a secret-file credential");
        }
        ThingRegistry registry = operator(c);
        registry.get(id);
        RootCredential.Secret secret = Credentials.secretFile("credential.content",
                text(credential, "credential.content"));
        try {
            return Views.thing(enrollChecked(() -> registry.recommission(id, owner, secret)));
        } finally {
            secret.destroy();
        }
    }

    private Map<String, Object> keys(ThingId id) {
        var keyStore = hub.keyStore();
        hub.registry().get(id);
        return Views.keys(keyStore.metadata(id), clock.instant());
    }

    private Map<String, Object> rotate(Call c) {
        ThingId id = id(c);
        String layer = c.optionalText("layer");
        var keyStore = hub.keyStore();
        hub.registry().get(id);
        try {
            if (layer == null) {
                keyStore.rotateAll(id);
            } else {
                Layer l;
                try {
                    l = Layer.valueOf(layer.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw ApiException.bad("layer", "must be LINK, NETWORK, TRANSPORT or APPLICATION");
                }
                keyStore.rotate(id, l);
            }
        } catch (KeyRevokedException e) {
            throw ApiException.conflict("id", e.getMessage());
        }
        return Views.keys(keyStore.metadata(id), clock.instant());
    }

    private ThingModel model(ThingId id) {
        return hub.model().model(id).orElseThrow(() -> ApiException.notFound("thing " + id
                + " has no model: no binding described it"));
    }

    private Map<String, Object> write(Call c) {
        ThingId id = id(c);
        String property = c.param("property");
        ThingModel model = model(id);
        if (model.property(property).isEmpty()) {
            throw ApiException.notFound("thing " + id + " has no property '" + LoginGuard.printable(property) + "'");
        }
        JsonNode v = c.value("value");
        try {
            Property written;
            if (v.isTextual()) {
                written = hub.model().writeText(id, property, v.textValue());
            } else if (v.isBoolean()) {
                written = hub.model().write(id, property, v.booleanValue());
            } else if (v.isInt()) {
                written = hub.model().write(id, property, v.intValue());
            } else if (v.isIntegralNumber()) {
                written = hub.model().write(id, property, v.longValue());
            } else if (v.isNumber()) {
                written = hub.model().write(id, property, v.doubleValue());
            } else {
                throw ApiException.bad("value", "must be a boolean, a number or a string");
            }
            return Views.property(written);
        } catch (InvalidValueException e) {
            throw ApiException.bad("value", e.getMessage());
        } catch (PropertyWriteException e) {
            throw ApiException.conflict("value", e.getMessage());
        }
    }
}
