package org.trusthub.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyValue;
import org.trusthub.api.model.Quality;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.zigbee.spi.ZigbeeBridge;

/** Properties are written through the thing model; ZigBee devices are enrolled through the bridge. */
class ModelAndZigbeeTest extends WebTestSupport {

    static final ThingId LAMP = ThingId.of("lamp-1");

    /** A model with one dimmable lamp; a write is checked by the descriptor, as the model's own check does. */
    final class FakeModel implements ThingModelRegistry {
        final List<Object> written = new ArrayList<>();
        Object level = 10;

        @Override
        public Optional<ThingModel> model(ThingId thing) {
            if (!thing.equals(LAMP)) {
                return Optional.empty();
            }
            return Optional.of(new ThingModel(LAMP, "zigbee", true, true, List.of(new Property(
                    PropertyDescriptor.level(), new PropertyValue(level, Instant.now(), Quality.GOOD,
                            Origin.REPORT)))));
        }

        @Override
        public List<ThingModel> models() {
            return List.of(model(LAMP).orElseThrow());
        }

        @Override
        public Property write(ThingId thing, String property, Object value) {
            Object v = PropertyDescriptor.level().validate(value);
            written.add(v);
            level = v;
            return model(thing).orElseThrow().property(property).orElseThrow();
        }

        @Override
        public Property writeText(ThingId thing, String property, String text) {
            return write(thing, property, PropertyDescriptor.level().parse(text));
        }

        @Override
        public Property toggle(ThingId thing, String property) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void refresh(ThingId thing) {
        }
    }

    @Test
    void aPropertyIsWrittenThroughTheModelAndABadValueNamesTheFieldAndWritesNothing() throws Exception {
        FakeModel model = new FakeModel();
        component.setModel(model);
        Client ada = admin();
        Response shown = ada.get("/api/things/lamp-1/properties");
        assertEquals(200, shown.status(), shown.body());
        assertEquals(10, shown.json().get("properties").get(0).get("value").asInt());

        Response bad = ada.write("PUT", "/api/things/lamp-1/properties/level", Map.of("value", 150));
        assertEquals(400, bad.status(), bad.body());
        assertEquals("value", bad.field());
        assertEquals(List.of(), model.written);
        assertEquals(404, ada.write("PUT", "/api/things/lamp-1/properties/colour", Map.of("value", 1)).status());

        Response ok = ada.write("PUT", "/api/things/lamp-1/properties/level", Map.of("value", 40));
        assertEquals(200, ok.status(), ok.body());
        assertEquals(40, ok.json().get("value").asInt());
        Response typed = ada.write("PUT", "/api/things/lamp-1/properties/level", Map.of("value", "55"));
        assertEquals(200, typed.status(), typed.body());
        assertEquals(List.of(40, 55), model.written);

        assertEquals(403, viewer().write("PUT", "/api/things/lamp-1/properties/level", Map.of("value", 1))
                .status());
        assertEquals(List.of(40, 55), model.written);
    }

    @Test
    void aZigbeeQrTextEnrollsTheDeviceThroughTheBridge() throws Exception {
        List<String> commissioned = new ArrayList<>();
        component.setZigbee(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { ZigbeeBridge.class },
                (proxy, method, args) -> {
                    if (!method.getName().equals("commission")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    long ieee = (Long) args[0];
                    commissioned.add(String.format("%016x %s %s", ieee, args[1], args[2]));
                    ThingId id = ThingId.of(String.format("zigbee:%016x", ieee));
                    registry.enroll(id, (String) args[2], RootCredential.secret(new byte[32]));
                    return id;
                }));
        Client ada = admin();
        Response r = ada.write("POST", "/api/things", Map.of("owner", "alice", "credential", Map.of("kind",
                "zigbee-qr", "text", "Z:0011223344556677$I:83FED3407A939723A5C639B26916D505C3B5%G$M:lamp")));
        assertEquals(201, r.status(), r.body());
        assertEquals("zigbee:0011223344556677", r.json().get("id").asText());
        assertEquals(List.of("0011223344556677 83FED3407A939723A5C639B26916D505C3B5 alice"), commissioned);

        Response typed = ada.write("POST", "/api/things", Map.of("owner", "alice", "credential", Map.of("kind",
                "zigbee-install-code", "ieee", "00:11:22:33:44:55:66:7", "installCode", "83FE")));
        assertEquals(400, typed.status(), typed.body());
        assertEquals("credential.ieee", typed.field());
        assertEquals(1, commissioned.size());
    }

    @Test
    void withoutTheBridgeAnInstallCodeIs503() throws Exception {
        Response r = admin().write("POST", "/api/things", Map.of("owner", "alice", "credential", Map.of("kind",
                "zigbee-install-code", "ieee", "0011223344556677", "installCode", "83FED3407A939723A5C639B26916D505C3B5")));
        assertEquals(503, r.status(), r.body());
        assertEquals(List.of(), registry.list());
    }
}
