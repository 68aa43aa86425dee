package org.trusthub.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.lifecycle.internal.ThingRegistryCore;

import com.fasterxml.jackson.databind.JsonNode;

/** Things through the API: enrol, move through the lifecycle, keys; bad input names its field and changes nothing. */
class ThingsApiTest extends WebTestSupport {

    static final ThingId LAMP = ThingId.of("lamp-1");

    @Test
    void enrollTakeToOperationalAndDecommission() throws Exception {
        Client ada = admin();
        Response enrolled = ada.write("POST", "/api/things", enrollBody("lamp-1"));
        assertEquals(201, enrolled.status(), enrolled.body());
        assertEquals("MANUFACTURED", enrolled.json().get("state").asText());
        for (String t : List.of("BOOTSTRAP", "ACTIVATE")) {
            Response r = ada.write("POST", "/api/things/lamp-1/transitions", Map.of("transition", t));
            assertEquals(200, r.status(), r.body());
        }
        assertEquals(LifecycleState.OPERATIONAL, registry.get(LAMP).state());
        Response shown = ada.get("/api/things/lamp-1");
        assertEquals("OPERATIONAL", shown.json().get("state").asText());
        JsonNode journal = shown.json().get("journal");
        assertEquals(List.of("ENROLL", "BOOTSTRAP", "ACTIVATE"), journal.findValues("transition").stream()
                .map(n -> n.asText()).toList(), shown.body());
        assertEquals(List.of("web:ada", "web:ada", "web:ada"), journal.findValues("by").stream()
                .map(n -> n.asText()).toList(), "the journal names the dashboard account");
        assertEquals(200, ada.write("POST", "/api/things/lamp-1/transitions", Map.of("transition",
                "decommission")).status());
        assertEquals(LifecycleState.DECOMMISSIONED, registry.get(LAMP).state());
    }

    @Test
    void theThingsJournalSurvivesARestartOfTheRegistry() throws Exception {
        Client ada = admin();
        ada.write("POST", "/api/things", enrollBody("lamp-1"));
        ada.write("POST", "/api/things/lamp-1/transitions", Map.of("transition", "BOOTSTRAP"));
        JsonNode before = ada.get("/api/things/lamp-1").json().get("journal");
        assertEquals(2, before.size(), before.toString());

        registry.close();
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, (topic, properties) -> { }, Clock.systemUTC());
        component.setRegistry(registry);
        assertEquals(before, ada.get("/api/things/lamp-1").json().get("journal"));
    }

    @Test
    void anIllegalTransitionIs409AndChangesNothing() throws Exception {
        Client ada = admin();
        ada.write("POST", "/api/things", enrollBody("lamp-1"));
        Response r = ada.write("POST", "/api/things/lamp-1/transitions", Map.of("transition", "ACTIVATE"));
        assertEquals(409, r.status(), r.body());
        assertEquals("transition", r.field());
        assertEquals(LifecycleState.MANUFACTURED, registry.get(LAMP).state());
    }

    @Test
    void badInputGets400NamingTheFieldAndChangesNothing() throws Exception {
        Client ada = admin();
        Map<String, Object> good = enrollBody("lamp-1");
        Map<String, Object> badId = new java.util.HashMap<>(good);
        badId.put("id", "Lamp One");
        assertField(ada.write("POST", "/api/things", badId), 400, "id");
        Map<String, Object> noOwner = new java.util.HashMap<>(good);
        noOwner.remove("owner");
        assertField(ada.write("POST", "/api/things", noOwner), 400, "owner");
        Map<String, Object> shortSecret = new java.util.HashMap<>(good);
        shortSecret.put("credential", Map.of("kind", "secret-file", "content",
                Base64.getEncoder().encodeToString("abcd".getBytes())));
        assertField(ada.write("POST", "/api/things", shortSecret), 400, "credential.content");
        Map<String, Object> badKind = new java.util.HashMap<>(good);
        badKind.put("credential", Map.of("kind", "telepathy"));
        assertField(ada.write("POST", "/api/things", badKind), 400, "credential.kind");
        Map<String, Object> badQr = new java.util.HashMap<>(good);
        badQr.put("credential", Map.of("kind", "zigbee-qr", "text", "hello"));
        assertField(ada.write("POST", "/api/things", badQr), 400, "credential.text");
        assertEquals(List.of(), registry.list());

        ada.write("POST", "/api/things", good);
        assertField(ada.write("POST", "/api/things/lamp-1/transitions", Map.of("transition", "FLY")), 400,
                "transition");
        assertField(ada.write("POST", "/api/things/lamp-1/keys/rotate", Map.of("layer", "ASTRAL")), 400, "layer");
        assertEquals(LifecycleState.MANUFACTURED, registry.get(LAMP).state());
        assertEquals(1, keystore.metadata(LAMP).layers().get(0).generation());
        Response notJson = ada.send("POST", "/api/things/lamp-1/transitions", null, true);
        assertField(notJson, 400, "transition");
    }

    @Test
    void aDuplicateIdIs409() throws Exception {
        Client ada = admin();
        ada.write("POST", "/api/things", enrollBody("lamp-1"));
        assertField(ada.write("POST", "/api/things", enrollBody("lamp-1")), 409, "id");
    }

    @Test
    void keysShowMetadataAndRotateNeverKeyBytes() throws Exception {
        Client ada = admin();
        ada.write("POST", "/api/things", enrollBody("lamp-1"));
        Response rotated = ada.write("POST", "/api/things/lamp-1/keys/rotate", Map.of("layer", "network"));
        assertEquals(200, rotated.status(), rotated.body());
        Response keys = ada.get("/api/things/lamp-1/keys");
        assertEquals(2, keys.json().get("layers").get(1).get("generation").asInt(), keys.body());
        assertEquals("NETWORK", keys.json().get("layers").get(1).get("layer").asText());
        assertFalse(keys.body().toLowerCase().contains("00112233445566778899aabbccddeeff"), keys.body());
        assertEquals(2, keystore.metadata(LAMP).layers().get(1).generation());
    }

    @Test
    void theThingsListHasEveryEnrolledThing() throws Exception {
        Client vic = viewer();
        admin().write("POST", "/api/things", enrollBody("lamp-1"));
        Response list = vic.get("/api/things");
        assertEquals("lamp-1", list.json().get(0).get("id").asText(), list.body());
        assertEquals("MANUFACTURED", list.json().get(0).get("state").asText());
    }

    @Test
    void propertiesWithoutTheModelAre503NamingIt() throws Exception {
        Client ada = admin();
        ada.write("POST", "/api/things", enrollBody("lamp-1"));
        Response r = ada.get("/api/things/lamp-1/properties");
        assertEquals(503, r.status());
        assertTrue(r.body().contains("thing model"), r.body());
        assertEquals(404, ada.get("/api/things/ghost-1").status());
    }

    private static void assertField(Response r, int status, String field) throws Exception {
        assertEquals(status, r.status(), r.body());
        assertEquals(field, r.field(), r.body());
    }
}
