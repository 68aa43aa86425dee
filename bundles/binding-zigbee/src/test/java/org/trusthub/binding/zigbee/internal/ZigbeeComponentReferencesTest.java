package org.trusthub.binding.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.binding.zigbee.spi.CoordinatorRadio;
import org.trusthub.security.network.zigbee.ZigbeeApsSecurity;
import org.trusthub.security.network.zigbee.ZigbeeNwkSecurity;

/** The bridge component's references as the build wrote them for SCR. */
class ZigbeeComponentReferencesTest {

    /*
     * SCR only keeps a running network across a provider swap when the references are dynamic: a static reference
     * (or a mandatory one) deactivates the component, and with it the network and every joined device's session. The
     * coordinator radio is optional too: without one the bridge waits instead of failing to activate.
     */
    @Test
    void providersPolicyAndRefusalsAreOptionalDynamicGreedyReferences() throws Exception {
        Path xml = Path.of("target/classes/OSGI-INF/" + ZigbeeBindingComponent.class.getName() + ".xml");
        org.w3c.dom.NodeList refs = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(xml.toFile()).getElementsByTagName("reference");
        Map<String, String> seen = new java.util.TreeMap<>();
        for (int i = 0; i < refs.getLength(); i++) {
            org.w3c.dom.Element r = (org.w3c.dom.Element) refs.item(i);
            seen.put(r.getAttribute("interface"), r.getAttribute("cardinality") + " " + r.getAttribute("policy") + " "
                    + r.getAttribute("policy-option"));
        }
        for (Class<?> c : List.of(ZigbeeNwkSecurity.class, ZigbeeApsSecurity.class, SecurityPolicy.class,
                SecurityRefusals.class, CoordinatorRadio.class)) {
            assertEquals("0..1 dynamic greedy", seen.get(c.getName()), c.getSimpleName() + " in " + seen);
        }
    }
}
