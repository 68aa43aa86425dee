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
import org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork;
import org.trusthub.binding.zigbee.simulator.internal.SimulatedRadio;
import org.trusthub.binding.zigbee.spi.ZigbeeBridge;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.security.network.zigbee.internal.NwkSecurityProvider;

/**
 * The component as Config Admin and SCR drive it, on the simulated coordinator radio: Karaf's file install hands an
 * unchanged configuration back after every update, which must leave the running network (and its joined devices)
 * alone; a real change restarts it. Without a dongle or a radio the bridge waits, and it follows its radio.
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
    final SimulatedRadio radio = new SimulatedRadio();
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
        component.bindRadio(radio);
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
        SimulatedZigbeeNetwork sim = simulation();
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
        assertSame(sim, simulation());
        assertTrue(sim.reportTemperature(A, 19.5), "the joined device still talks to the same network");
        assertEquals(LifecycleState.OPERATIONAL, registry.get(a).state());
    }

    @Test
    void aChangedSettingRestartsTheNetwork() {
        SimulatedZigbeeNetwork before = simulation();
        component.modified(config(Map.of("extendedPanId", "00112233AABBCCDD")));
        SimulatedZigbeeNetwork after = simulation();
        assertNotSame(before, after);
        assertEquals(0x00112233AABBCCDDL, registered(ZigbeeBridge.class).extendedPanId());
        assertEquals(2, services.stream().filter(s -> (boolean) s[1]).count(),
                "binding and bridge, model provider: once each");
    }

    /*
     * The NWK provider is replaced (its bundle updated): while it is away the device's frames are refused and counted,
     * then the new one is taken for the next frame, on the same network, with the device still joined.
     */
    @Test
    void aReplacedNwkProviderIsTakenWithoutRestartingTheNetwork() throws Exception {
        SimulatedZigbeeNetwork sim = simulation();
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
        assertSame(sim, simulation());
        assertEquals(LifecycleState.OPERATIONAL, registry.get(a).state());
    }

    @Test
    void withoutItsProvidersTheNetworkWaitsAndStartsWhenTheyCome() {
        ZigbeeBindingComponent waiting = new ZigbeeBindingComponent(registry, keystore);
        int before = services.size();
        waiting.bindPolicy(security.policy);
        waiting.bindRadio(new SimulatedRadio());
        waiting.activate(context(), config(Map.of("extendedPanId", "00112233AABBCCDD")));
        waiting.bindNwk(security.nwk);
        assertEquals(before, services.size(), "no network without the APS provider");
        waiting.bindAps(security.aps);
        assertEquals(before + 2, services.size(), "started once both are there");
        waiting.deactivate();
    }

    @Test
    void withoutADongleOrARadioTheBridgeWaitsAndStartsWhenARadioComes() {
        ZigbeeBindingComponent waiting = new ZigbeeBindingComponent(registry, keystore);
        int before = services.size();
        waiting.bindNwk(security.nwk);
        waiting.bindAps(security.aps);
        waiting.activate(context(), config(Map.of("extendedPanId", "00112233AABBCCDD")));
        assertEquals(before, services.size(), "no bridge without a coordinator radio");
        SimulatedRadio comes = new SimulatedRadio();
        waiting.bindRadio(comes);
        assertEquals(before + 2, services.size(), "started on the radio that came");
        ZigbeeBridge bridge = (ZigbeeBridge) services.get(before)[0];
        assertTrue(bridge.isSimulated());
        assertTrue(comes.simulation().isPresent(), "the network opened the radio");
        waiting.deactivate();
        assertTrue(comes.simulation().isEmpty(), "and closed it when it stopped");
    }

    @Test
    void whenItsRadioGoesTheBridgeStopsAndWaits() throws Exception {
        ZigbeeBridge bridge = registered(ZigbeeBridge.class);
        bridge.commission(A, CODE_A, "alice");
        component.unbindRadio(radio);
        assertEquals(0, services.stream().filter(s -> (boolean) s[1]).count(), "nothing registered without a radio");
        assertTrue(radio.simulation().isEmpty(), "the simulated air closed with the network");
        SimulatedRadio again = new SimulatedRadio();
        component.bindRadio(again);
        ZigbeeBridge restarted = registered(ZigbeeBridge.class);
        assertNotSame(bridge, restarted);
        ThingId a = org.trusthub.security.network.zigbee.ZigbeeIds.device(A);
        assertEquals(LifecycleState.BOOTSTRAPPING, registry.get(a).state(),
                "the commissioned device is still known: its state is the registry's");
        assertTrue(restarted.device(a).isPresent());
    }

    private SimulatedZigbeeNetwork simulation() {
        return radio.simulation().orElseThrow(() -> new AssertionError("the simulated radio is not open"));
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
