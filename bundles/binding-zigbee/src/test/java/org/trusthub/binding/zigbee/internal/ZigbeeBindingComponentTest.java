package org.trusthub.binding.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.zigbee.spi.SimulatedZigbeeNetwork;
import org.trusthub.binding.zigbee.spi.ZigbeeBridge;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.security.network.zigbee.ZigbeeApsSecurity;
import org.trusthub.security.network.zigbee.ZigbeeNwkSecurity;
import org.trusthub.security.network.zigbee.internal.NwkSecurityProvider;

/**
 * The component as Config Admin drives it: Karaf's file install hands an unchanged configuration back after every
 * update, which must leave the running network (and its joined devices) alone; a real change restarts it.
 */
class ZigbeeBindingComponentTest {

    static final long A = 0x00124B0000000A01L;
    static final String CODE_A = "83FED3407A939723A5C639B26916D505C3B5";

    @TempDir
    Path dir;
    FileThingKeyStore keystore;
    ThingRegistryCore registry;
    ZigbeeBindingComponent component;
    TestSecurity security;
    /** Every service the component registered, in order, and whether it is still registered. */
    final List<Object[]> services = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, LifecycleEventSink.NONE,
                Clock.systemUTC());
        security = new TestSecurity(keystore);
        component = new ZigbeeBindingComponent(registry, keystore);
        // what SCR does: the greedy dynamic references are bound before activation
        component.bindNwk(security.nwk);
        component.bindAps(security.aps);
        component.bindPolicy(security.policy);
        component.bindRefusals(security.refusals);
        component.activate(context(), config(Map.of()));
    }

    @AfterEach
    void tearDown() throws Exception {
        component.deactivate();
        registry.close();
        keystore.close();
    }

    @Test
    void anUnchangedConfigurationKeepsTheNetworkAndItsDevices() throws Exception {
        SimulatedZigbeeNetwork sim = registered(SimulatedZigbeeNetwork.class);
        ZigbeeBridge bridge = registered(ZigbeeBridge.class);
        ThingId a = bridge.commission(A, CODE_A, "alice");
        bridge.permitJoin(60);
        sim.addDevice(A, CODE_A);
        assertTrue(sim.join(A));
        int registeredBefore = services.size();

        component.modified(config(Map.of()));
        component.modified(config(Map.of("channel", 15, "joinPolicy",
                org.trusthub.binding.zigbee.spi.JoinPolicy.INSTALL_CODE_ONLY)));

        assertEquals(registeredBefore, services.size(), "nothing registered again");
        assertSame(sim, registered(SimulatedZigbeeNetwork.class));
        assertTrue(sim.reportTemperature(A, 19.5), "the joined device still talks to the same network");
        assertEquals(LifecycleState.OPERATIONAL, registry.get(a).state());
    }

    @Test
    void aChangedSettingRestartsTheNetwork() {
        SimulatedZigbeeNetwork before = registered(SimulatedZigbeeNetwork.class);
        component.modified(config(Map.of("extendedPanId", "00112233AABBCCDD")));
        SimulatedZigbeeNetwork after = registered(SimulatedZigbeeNetwork.class);
        assertNotSame(before, after);
        assertEquals(0x00112233AABBCCDDL, registered(ZigbeeBridge.class).extendedPanId());
        assertEquals(3, services.stream().filter(s -> (boolean) s[1]).count(),
                "binding and bridge, model provider, simulation: once each");
    }

    /*
     * The NWK provider is replaced (its bundle updated): while it is away the device's frames are refused and counted,
     * then the new one is taken for the next frame, on the same network, with the device still joined.
     */
    @Test
    void aReplacedNwkProviderIsTakenWithoutRestartingTheNetwork() throws Exception {
        SimulatedZigbeeNetwork sim = registered(SimulatedZigbeeNetwork.class);
        ZigbeeBridge bridge = registered(ZigbeeBridge.class);
        ThingId a = bridge.commission(A, CODE_A, "alice");
        bridge.permitJoin(60);
        sim.addDevice(A, CODE_A);
        assertTrue(sim.join(A));
        int registeredBefore = services.size();

        component.unbindNwk(security.nwk);
        assertFalse(sim.reportTemperature(A, 19.0), "no NWK provider: refused");
        assertEquals(1L, security.refusals.count(SecurityServices.MECHANISM, RefusalReason.NOT_OPERATIONAL));

        NwkSecurityProvider replacement = new NwkSecurityProvider(keystore);
        replacement.bindRefusals(security.refusals);
        component.bindNwk(replacement);
        assertTrue(sim.reportTemperature(A, 19.5), "the new provider opens the device's next frame");
        assertFalse(sim.replayLastFrame(A), "and refuses a replay: the replay marks are the keystore's");
        assertEquals(1L, security.refusals.count(NwkSecurityProvider.MECHANISM, RefusalReason.REPLAY));
        assertEquals(registeredBefore, services.size(), "nothing registered again: the network kept running");
        assertSame(sim, registered(SimulatedZigbeeNetwork.class));
        assertEquals(LifecycleState.OPERATIONAL, registry.get(a).state());
    }

    @Test
    void withoutItsProvidersTheNetworkWaitsAndStartsWhenTheyCome() {
        ZigbeeBindingComponent waiting = new ZigbeeBindingComponent(registry, keystore);
        int before = services.size();
        waiting.bindPolicy(security.policy);
        waiting.activate(context(), config(Map.of("extendedPanId", "00112233AABBCCDD")));
        waiting.bindNwk(security.nwk);
        assertEquals(before, services.size(), "no network without the APS provider");
        waiting.bindAps(security.aps);
        assertEquals(before + 3, services.size(), "started once both are there");
        waiting.deactivate();
    }

    /*
     * SCR only keeps a running network across a provider swap when the references are dynamic: a static reference
     * (or a mandatory one) deactivates the component, and with it the network and every joined device's session.
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
                SecurityRefusals.class)) {
            assertEquals("0..1 dynamic greedy", seen.get(c.getName()), c.getSimpleName() + " in " + seen);
        }
    }

    @SuppressWarnings("unchecked")
    private <T> T registered(Class<T> type) {
        for (int i = services.size() - 1; i >= 0; i--) {
            Object[] s = services.get(i);
            if ((boolean) s[1] && type.isInstance(s[0])) {
                return (T) s[0];
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " registered");
    }

    // Just enough of a framework: registrations are recorded, and unregistering marks them gone.
    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("registerService")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Object[] entry = {args[1], true};
                    services.add(entry);
                    return Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                                if (m.getName().equals("unregister")) {
                                    entry[1] = false;
                                    return null;
                                }
                                throw new UnsupportedOperationException(m.getName());
                            });
                });
    }

    private static ZigbeeConfig config(Map<String, Object> overrides) {
        return (ZigbeeConfig) Proxy.newProxyInstance(ZigbeeConfig.class.getClassLoader(),
                new Class<?>[] {ZigbeeConfig.class}, (proxy, method, args) -> overrides.containsKey(method.getName())
                        ? overrides.get(method.getName()) : method.getDefaultValue());
    }
}
