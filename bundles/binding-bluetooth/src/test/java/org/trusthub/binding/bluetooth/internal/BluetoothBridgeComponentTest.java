package org.trusthub.binding.bluetooth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The bridge's component description as bnd generated it for Felix SCR: the link provider, the policy and the
 * refusal count are optional, dynamic and greedy references, so replacing any of them (a bundle update) neither
 * restarts the bridge nor waits for a restart to use the new one; and the bridge no longer listens to EventAdmin.
 */
class BluetoothBridgeComponentTest {

    @Test
    void providersArePickedUpWithoutRestartingTheBridge() throws Exception {
        Map<String, Element> references = references(BluetoothBridgeImpl.class);
        for (String name : List.of("provider", "policy", "securityRefusals")) {
            Element r = references.get(name);
            assertNotNull(r, "no reference " + name + " in " + references.keySet());
            assertEquals("0..1", r.getAttribute("cardinality"), name);
            assertEquals("dynamic", r.getAttribute("policy"), name);
            assertEquals("greedy", r.getAttribute("policy-option"), name);
        }
        assertEquals("org.trusthub.security.link.ble.BleLinkSecurity",
                references.get("provider").getAttribute("interface"));
        assertEquals("org.trusthub.api.security.SecurityPolicy", references.get("policy").getAttribute("interface"));
    }

    @Test
    void theBridgeHasNoLifecycleHandlerOfItsOwn() throws Exception {
        Document d = description(BluetoothBridgeImpl.class);
        NodeList provides = d.getElementsByTagName("provide");
        List<String> services = new ArrayList<>();
        for (int i = 0; i < provides.getLength(); i++) {
            services.add(((Element) provides.item(i)).getAttribute("interface"));
        }
        assertEquals(List.of(BluetoothBridge.class.getName()), services);
        assertTrue(references(BluetoothBridgeImpl.class).values().stream()
                .noneMatch(r -> r.getAttribute("interface").startsWith("org.osgi.service.event")));
    }

    /**
     * The bridge pairs and commissions; a thing's values and commands go only through the thing model's provider
     * ({@link BluetoothProperties}, over {@link GattSessions}), never through a GATT method of the bridge.
     */
    @Test
    void theBridgeKeepsOnlyPairingAndCommissioning() {
        Set<String> api = Arrays.stream(BluetoothBridge.class.getDeclaredMethods()).map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("bonds", "isSimulated", "pair", "remove", "scan")), api);
        List<String> gatt = Arrays.stream(BluetoothBridgeImpl.class.getDeclaredMethods()).filter(m -> !m.isSynthetic())
                .map(Method::getName)
                .filter(n -> n.matches("(?i).*(read|write|subscribe|temperature|interval|gatt|att).*")).toList();
        assertEquals(List.of(), gatt, "GATT access belongs to GattSessions, reached through the model's provider");
    }

    private static Map<String, Element> references(Class<?> component) throws Exception {
        NodeList refs = description(component).getElementsByTagName("reference");
        Map<String, Element> out = new HashMap<>();
        for (int i = 0; i < refs.getLength(); i++) {
            Element r = (Element) refs.item(i);
            out.put(r.getAttribute("name"), r);
        }
        return out;
    }

    private static Document description(Class<?> component) throws Exception {
        String path = "/OSGI-INF/" + component.getName() + ".xml";
        try (InputStream in = component.getResourceAsStream(path)) {
            assertNotNull(in, path + " is missing: bnd writes it when the classes are built");
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
    }
}
