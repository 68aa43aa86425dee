package org.trusthub.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.thing.ThingId;

/** The hub as a whole: bindings with their SIMULATED flag, the policy's token rules, what is not running. */
class HubApiTest extends WebTestSupport {

    @Test
    void bindingsSayWhetherTheyAreSimulated() throws Exception {
        component.addBinding(binding("zigbee", true, "zigbee:0011223344556677"));
        component.addBinding(binding("coap", false));
        Response r = viewer().get("/api/bindings");
        assertEquals(200, r.status(), r.body());
        assertEquals("coap", r.json().get(0).get("protocol").asText());
        assertEquals(false, r.json().get(0).get("simulated").asBoolean());
        assertEquals(true, r.json().get(1).get("simulated").asBoolean());
        assertEquals("zigbee:0011223344556677", r.json().get(1).get("things").get(0).asText());
    }

    @Test
    void offloadShowsThePolicysTokenRules() throws Exception {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("rules", "protect * coap in integrity; token keypad-1  lock-1 unlock;read * * state");
        Configuration config = (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { Configuration.class }, (p, m, a) -> m.getName().equals("getProperties")
                        ? properties : null);
        component.setConfigAdmin((ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { ConfigurationAdmin.class }, (p, m, a) -> {
                    if (m.getName().equals("getConfiguration") && PolicyRules.PID.equals(a[0])) {
                        return config;
                    }
                    throw new UnsupportedOperationException(m.getName());
                }));
        Response r = viewer().get("/api/offload");
        assertEquals(200, r.status(), r.body());
        assertEquals(false, r.json().get("running").asBoolean());
        assertEquals(1, r.json().get("tokenRules").size(), r.body());
        assertEquals("token keypad-1 lock-1 unlock", r.json().get("tokenRules").get(0).asText());
    }

    @Test
    void whatIsNotRunningIs503NamingIt() throws Exception {
        Response r = viewer().get("/api/security");
        assertEquals(503, r.status());
        assertEquals(true, r.json().get("error").asText().contains("security status"), r.body());
        assertEquals(200, viewer().get("/api/trust-anchors").status());
    }

    static ProtocolBinding binding(String protocol, boolean simulated, String... things) {
        return new ProtocolBinding() {
            @Override
            public String protocol() {
                return protocol;
            }

            @Override
            public boolean isSimulated() {
                return simulated;
            }

            @Override
            public Set<ThingId> things() {
                return java.util.Arrays.stream(things).map(ThingId::of).collect(java.util.stream.Collectors.toSet());
            }

            @Override
            public void release(ThingId thing) {
            }
        };
    }
}
