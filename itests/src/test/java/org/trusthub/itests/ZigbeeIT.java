package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.KarafDistributionOption;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork;
import org.trusthub.binding.zigbee.spi.ZigbeeBridge;
import org.trusthub.security.network.zigbee.ZigbeeNwkSecurity;
import org.trusthub.testkit.Await;

/**
 * The ZigBee bridge in the real distribution, booted with trusthub-zigbee; several SIMULATED devices
 * are commissioned with install codes through the console and join; one is decommissioned, the network key
 * rotates, its frames are refused while the others keep working.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ZigbeeIT {

    private static final long A = 0x00124B0000000A01L;
    private static final long B = 0x00124B0000000B02L;
    private static final long C = 0x00124B0000000C03L;
    private static final String CODE_A = "83FED3407A939723A5C639B26916D505C3B5";
    private static final String CODE_B = "11223344556677884AF7";
    private static final String CODE_C = "0102030405060708D46D";
    /** How long the simulated network gets to deliver a report or a change. */
    private static final Duration ZIGBEE_WAIT = Duration.ofSeconds(10);

    @Inject
    BundleContext context;

    @Inject
    @Filter(timeout = 60_000)
    FeaturesService features;

    @Inject
    @Filter(timeout = 60_000)
    SessionFactory sessionFactory;

    @Inject
    @Filter(timeout = 60_000)
    ThingRegistry registry;

    @Inject
    @Filter(timeout = 60_000)
    ThingKeyStore keystore;

    @Inject
    @Filter(timeout = 60_000)
    SecurityRefusals refusals;

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        // Booted with the feature: the test probe needs the bridge's API package when it starts.
        return HubOptions.hub(KarafDistributionOption.editConfigurationFileExtend("etc/org.apache.karaf.features.cfg",
                "featuresBoot", "trusthub-zigbee"));
    }

    @Test
    public void devicesJoinWithInstallCodesAndADecommissionedOneIsLockedOut() throws Exception {
        assertTrue(features.isInstalled(features.getFeature("trusthub-zigbee")));
        ZigbeeBridge bridge = await(ZigbeeBridge.class);
        SimulatedZigbeeNetwork sim = await(SimulatedZigbeeNetwork.class);
        ServiceReference<ProtocolBinding> binding = context.getServiceReference(ProtocolBinding.class);
        assertEquals("zigbee", binding.getProperty(ProtocolBinding.PROTOCOL));
        assertEquals(Boolean.TRUE, binding.getProperty(ProtocolBinding.SIMULATED));
        assertTrue(bridge.isSimulated());

        Shell shell = new Shell(sessionFactory);
        assertTrue(shell.run("zigbee:join-policy").contains("INSTALL_CODE_ONLY"));
        String permit = shell.run("zigbee:permit-join --ieee 00124b0000000a01 --install-code " + CODE_A + " 120");
        assertTrue(permit, permit.contains("SIMULATED") && permit.contains("commissioned zigbee:00124b0000000a01"));
        shell.run("zigbee:permit-join --ieee 00124b0000000b02 --install-code " + CODE_B + " 120");
        shell.run("zigbee:permit-join --ieee 00124b0000000c03 --install-code " + CODE_C + " 120");
        String bad = shell.refused("zigbee:permit-join --ieee 00124b0000000d04 --install-code 83FED3407A939723A5C639B26916D505C3B6");
        assertTrue(bad, bad.contains("CRC"));
        assertTrue("a wrong install code enrolls nothing",
                registry.find(ThingId.of("zigbee:00124b0000000d04")).isEmpty());

        sim.addDevice(A, CODE_A, java.util.Set.of(0x0402)); // a temperature sensor; B has every cluster, as has C
        sim.addDevice(B, CODE_B);
        assertTrue(sim.join(A));
        assertTrue(sim.join(B));
        // C is powered on from the console, as in the demo.
        String simulated = shell.run("zigbee:simulated-device --install-code " + CODE_C
                + " --kind multi 00124b0000000c03");
        assertTrue(simulated, simulated.contains("SIMULATED multi zigbee:00124b0000000c03 powered on")
                && simulated.contains("joined"));
        String stranger = shell.run("zigbee:simulated-device --kind temperature-sensor 00124b0000000e05");
        assertTrue(stranger, stranger.contains("not admitted"));
        assertTrue(registry.find(ThingId.of("zigbee:00124b0000000e05")).isEmpty());
        String badKind = shell.refused("zigbee:simulated-device --kind kettle 00124b0000000e06");
        assertTrue(badKind, badKind.contains("unknown kind 'kettle'"));
        ThingId a = ThingId.of("zigbee:00124b0000000a01");
        ThingId b = ThingId.of("zigbee:00124b0000000b02");
        ThingId c = ThingId.of("zigbee:00124b0000000c03");
        for (ThingId t : new ThingId[] {a, b, c}) {
            assertEquals(LifecycleState.OPERATIONAL, registry.get(t).state());
        }

        assertTrue(sim.reportTemperature(A, 19.5));
        // The thing model, the one place for values and commands: the devices' clusters as properties, values from
        // their secured frames, writes that the device obeys and the model reads back; bad values reach no device.
        ThingModelRegistry model = await(ThingModelRegistry.class);
        Await.until("B in the thing model", ZIGBEE_WAIT, () -> model.model(b).isPresent());
        model.writeText(b, "on", "on");
        assertTrue(sim.view(B).orElseThrow().on());
        Await.until("C's temperature read by the model", ZIGBEE_WAIT, () -> model.model(c)
                .flatMap(m -> m.property("temperature")).flatMap(Property::value)
                .map(v -> v.value().equals(21.5)).orElse(false));
        Await.until("A's reported temperature in the thing model", ZIGBEE_WAIT, () -> model.model(a)
                .flatMap(m -> m.property("temperature")).flatMap(Property::value)
                .map(v -> v.value().equals(19.5)).orElse(false));
        assertEquals("what A's ZDO told the hub's discovery", java.util.List.of("temperature"),
                model.model(a).orElseThrow().properties().stream().map(Property::id).toList());
        assertEquals(java.util.List.of("on", "level", "temperature"),
                model.model(b).orElseThrow().properties().stream().map(Property::id).toList());
        Property level = model.writeText(b, "level", "40");
        assertEquals(40, level.last().value());
        assertEquals(Origin.READ, level.last().origin());
        assertEquals("40 % is ZCL level 102 on the device", 102, sim.view(B).orElseThrow().level());
        String set = shell.run("trusthub:thing-set zigbee:00124b0000000b02 on off");
        assertTrue(set, set.contains("on = off") && set.contains("SIMULATED"));
        assertFalse(sim.view(B).orElseThrow().on());
        String tooBright = shell.refused("trusthub:thing-set zigbee:00124b0000000b02 level 140");
        assertTrue(tooBright, tooBright.contains("from 0 to 100"));
        assertEquals(102, sim.view(B).orElseThrow().level());
        String props = shell.run("trusthub:thing-properties zigbee:00124b0000000b02");
        assertTrue(props, props.contains("temperature") && props.contains("21.5") && props.contains("zigbee (SIMULATED)"));

        int before = bridge.networkKeySequence();
        String decommissioned = shell.run("zigbee:decommission zigbee:00124b0000000c03");
        assertTrue(decommissioned, decommissioned.contains("decommissioned"));
        assertEquals(LifecycleState.DECOMMISSIONED, registry.get(c).state());
        Await.until("the decommissioned device's model gone", ZIGBEE_WAIT, () -> model.model(c).isEmpty());
        assertFalse("its keys, link key included, are revoked", keystore.isActive(c));
        assertNotEquals("the network key rotated", before, bridge.networkKeySequence());
        assertEquals(bridge.networkKeySequence(), sim.view(A).orElseThrow().keySequence());
        assertEquals(bridge.networkKeySequence(), sim.view(B).orElseThrow().keySequence());
        assertEquals("the decommissioned device never got the new key", before,
                sim.view(C).orElseThrow().keySequence());

        assertFalse("the decommissioned device's frames are refused", sim.reportTemperature(C, 40.0));
        assertTrue("counted as a frame under a key the hub no longer has", refusals.counts().stream().anyMatch(
                r -> r.mechanism().equals(ZigbeeNwkSecurity.MECHANISM) && r.reason() == RefusalReason.UNKNOWN_KEY));
        assertTrue("the others keep working", sim.reportTemperature(A, 20.0));
        Await.until("A's new temperature", ZIGBEE_WAIT, () -> model.model(a)
                .flatMap(m -> m.property("temperature")).flatMap(Property::value)
                .map(v -> v.value().equals(20.0)).orElse(false));
        model.writeText(b, "on", "on");
        assertTrue(sim.view(B).orElseThrow().on());
        assertFalse("a replayed frame is refused", sim.replayLastFrame(A));

        String list = shell.run("zigbee:devices");
        assertTrue(list, list.contains("SIMULATED") && list.contains("DECOMMISSIONED"));
        String key = shell.run("zigbee:network-key");
        assertTrue(key, key.contains("key sequence " + bridge.networkKeySequence()));
        DerivedKey nwk = keystore.deriveKey(ThingId.of(String.format("zigbee-network:%016x", bridge.extendedPanId())),
                Layer.NETWORK, "zigbee-nwk", 16);
        String hex = HexFormat.of().formatHex(nwk.bytes());
        nwk.destroy();
        for (String out : new String[] {list, key, permit, simulated}) {
            assertFalse("no key bytes in the console", out.toLowerCase().contains(hex));
            assertFalse("no install code in the console", out.toUpperCase().contains(CODE_A.substring(0, 12))
                    || out.toUpperCase().contains(CODE_C.substring(0, 12)));
        }
    }

    /*
     * The stack's drivers print keys at DEBUG (ZigBeeKey.toString(), every EZSP/Telegesis frame): whatever log:set
     * says, nothing below INFO from com.zsmartsystems reaches karaf.log. A line written under a driver's logger name
     * with the real network key stands for a driver's frame dump (the drivers need a live dongle); the simulated
     * network's own stack traffic (join, discovery, a command) runs beside it.
     */
    @Test
    public void theZigbeeStacksDebugLinesNeverReachTheLogWhateverLogSetSays() throws Exception {
        ZigbeeBridge bridge = await(ZigbeeBridge.class);
        SimulatedZigbeeNetwork sim = await(SimulatedZigbeeNetwork.class);
        Shell shell = new Shell(sessionFactory);
        String driver = "com.zsmartsystems.zigbee.dongle.ember.ZigBeeDongleEzsp";
        shell.run("log:set DEBUG com.zsmartsystems");
        shell.run("log:set TRACE " + driver);
        try {
            org.slf4j.Logger ezsp = org.slf4j.LoggerFactory.getLogger(driver);
            org.slf4j.Logger manager = org.slf4j.LoggerFactory.getLogger("com.zsmartsystems.zigbee.ZigBeeNetworkManager");
            Await.until("log:set to take effect", ZIGBEE_WAIT,
                    () -> ezsp.isTraceEnabled() && manager.isDebugEnabled());

            long f = 0x00124B0000000F06L;
            shell.run("zigbee:permit-join --ieee 00124b0000000f06 --install-code " + CODE_A + " 120");
            sim.addDevice(f, CODE_A);
            assertTrue(sim.join(f));
            ThingModelRegistry model = await(ThingModelRegistry.class);
            ThingId fThing = ThingId.of("zigbee:00124b0000000f06");
            Await.until("F in the thing model", ZIGBEE_WAIT, () -> model.model(fThing).isPresent());
            model.writeText(fThing, "on", "on");

            DerivedKey nwk = keystore.deriveKey(ThingId.of(String.format("zigbee-network:%016x",
                    bridge.extendedPanId())), Layer.NETWORK, "zigbee-nwk", 16);
            String hex = HexFormat.of().formatHex(nwk.bytes()).toUpperCase();
            nwk.destroy();
            String marker = "zigbee-log-filter-" + System.nanoTime();
            ezsp.debug("TX EZSP: EzspSetInitialSecurityStateRequest [networkKey={}] {}", hex, marker);
            ezsp.trace("TX ASH: {} {}", hex, marker);
            ezsp.info("{} INFO still reaches the log", marker);

            String logDir = System.getProperty("karaf.log", System.getProperty("karaf.data") + "/log");
            java.nio.file.Path log = java.nio.file.Path.of(logDir, "karaf.log");
            Await.until("the INFO line in karaf.log", ZIGBEE_WAIT,
                    () -> read(log).contains(marker + " INFO still reaches the log"));
            String text = read(log);
            assertFalse("a DEBUG/TRACE line of a com.zsmartsystems logger reached karaf.log",
                    text.contains("TX EZSP: EzspSetInitialSecurityStateRequest") || text.contains("TX ASH: "));
            assertFalse("the network key reached karaf.log", text.toUpperCase().contains(hex));
            java.util.List<String> stackDebug = text.lines().filter(l -> (l.contains("| DEBUG |")
                    || l.contains("| TRACE |")) && l.contains("com.zsmartsystems")).toList();
            assertEquals("the stack's own DEBUG lines", java.util.List.of(), stackDebug);
        } finally {
            shell.run("log:set INFO com.zsmartsystems");
            shell.run("log:set DEFAULT " + driver);
        }
    }

    private static String read(java.nio.file.Path log) {
        try {
            return java.nio.file.Files.readString(log, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private <T> T await(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(60_000);
            if (service == null) {
                Shell shell = new Shell(sessionFactory);
                throw new AssertionError(type.getSimpleName() + " did not appear within 60 s\n"
                        + diagnosis(shell, "scr:list") + diagnosis(shell,
                                "scr:info org.trusthub.binding.zigbee.internal.ZigbeeBindingComponent")
                        + diagnosis(shell, "bundle:list -s"));
            }
            return service;
        } finally {
            tracker.close();
        }
    }

    private static String diagnosis(Shell shell, String command) {
        try {
            return shell.run(command);
        } catch (Exception | AssertionError e) {
            return command + ": " + e.getMessage();
        }
    }
}
