package org.trusthub.binding.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.testkit.Await;
import org.trusthub.api.model.InvalidValueException;
import org.trusthub.api.model.ModelEvents;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyValue;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.model.Quality;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.zigbee.spi.JoinPolicy;
import org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork;
import org.trusthub.binding.zigbee.simulator.internal.SimulatedRadio;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.model.internal.ModelCore;
import org.trusthub.security.network.zigbee.ZigbeeIds;
import org.trusthub.security.network.zigbee.internal.ApsSecurityProvider;
import org.trusthub.security.network.zigbee.internal.NwkSecurityProvider;

/**
 * The ZigBee devices in the hub's thing model, end to end without OSGi: the real keystore, registry, providers and
 * model, the zsmartsystems stack over the simulated coordinator, and simulated devices (on/off, level, temperature)
 * that join with install codes. Every value comes from a secured ZCL frame; writes are ZCL commands the device obeys.
 */
class ZigbeePropertiesTest {

    static final long A = 0x00124B0000000A01L;
    static final long B = 0x00124B0000000B02L;
    static final String CODE_A = "83FED3407A939723A5C639B26916D505C3B5";
    static final String CODE_B = "11223344556677884AF7";

    @TempDir
    Path dir;
    FileThingKeyStore keystore;
    TestSecurity security;
    ThingRegistryCore registry;
    ZigbeeNetwork network;
    SimulatedZigbeeNetwork sim;
    ModelCore model;
    ZigbeeProperties provider;
    final List<Map<String, Object>> changes = Collections.synchronizedList(new ArrayList<>());
    ThingId a;
    ThingId b;

    @BeforeEach
    void setUp() throws Exception {
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, LifecycleEventSink.NONE, Clock.systemUTC());
        security = new TestSecurity(keystore);
        TrustCenter tc = new TrustCenter(registry, keystore, security.services, 0xDDDDDDDDDDDDDDDDL,
                JoinPolicy.INSTALL_CODE_ONLY, Clock.systemUTC());
        SimulatedRadio radio = new SimulatedRadio();
        network = ZigbeeNetwork.onRadio(tc, radio, 0x1A62, 0xDDDDDDDDDDDDDDDDL, 15);
        sim = radio.simulation().orElseThrow();
        model = new ModelCore((topic, p) -> {
            if (topic.equals(ModelEvents.PROPERTY_CHANGED)) {
                changes.add(p);
            }
        }, id -> registry.find(id).map(Thing::state), Clock.systemUTC());
        provider = new ZigbeeProperties(network);
        model.attach(provider);

        a = network.commission(A, CODE_A, "alice");
        b = network.commission(B, CODE_B, "alice");
        sim.addDevice(A, CODE_A);
        sim.addDevice(B, CODE_B);
        network.permitJoin(60);
        // The stack starts each device's service discovery after a random pause of up to 2 s: join both at once.
        java.util.concurrent.CompletableFuture<Boolean> joinedA = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> sim.join(A));
        assertTrue(sim.join(B));
        assertTrue(joinedA.get());
    }

    @AfterEach
    void tearDown() throws Exception {
        model.close();
        network.close();
        registry.close();
        keystore.close();
    }

    @Test
    void joinedDevicesAppearWithTheValuesTheyAnswered() throws Exception {
        ThingModel m = Await.nonNull("the thing model to catch up",
                () -> model.model(a).filter(x -> x.properties().stream()
                .allMatch(p -> p.value().isPresent())).orElse(null));
        assertEquals("zigbee", m.binding());
        assertTrue(m.simulated() && m.available());
        assertEquals(List.of("on", "level", "temperature"), m.properties().stream().map(Property::id).toList());
        PropertyValue t = m.property("temperature").orElseThrow().last();
        assertEquals(21.5, t.value(), "what the simulated device holds, from its read response");
        assertEquals(Origin.READ, t.origin());
        assertEquals(Boolean.FALSE, m.property("on").orElseThrow().last().value());
        assertEquals(0, m.property("level").orElseThrow().last().value());

        assertTrue(sim.reportTemperature(A, 19.25));
        PropertyValue reported = Await.nonNull("the thing model to catch up",
                () -> value(a, "temperature").filter(v -> v.value().equals(19.25))
                .orElse(null));
        assertEquals(Origin.REPORT, reported.origin());
        assertTrue(changes.stream().anyMatch(e -> a.value().equals(e.get(ModelEvents.THING))
                && Double.valueOf(19.25).equals(e.get(ModelEvents.VALUE))));
    }

    /**
     * What the device answers to the hub's reads is published as it arrives, in turn with its reports, never again
     * later from the thread that asked: published from there, an answer could overwrite a report that came after it.
     */
    @Test
    void readAnswersArePublishedAsTheyArriveNotLaterByTheReader() throws Exception {
        for (ThingId t : List.of(a, b)) {
            Await.nonNull("the first reads of " + t + " answered", () -> model.model(t).filter(x -> x.properties()
                    .stream().allMatch(p -> p.value().isPresent())).orElse(null));
        }
        List<String> updates = new java.util.concurrent.CopyOnWriteArrayList<>();
        model.detach(provider);
        provider.attach(new org.trusthub.api.model.PropertySink() {
            @Override
            public void describe(ThingId thing, List<org.trusthub.api.model.PropertyDescriptor> properties) {
            }

            @Override
            public void update(ThingId thing, String property, Object value, Origin origin) {
                updates.add(thing.value() + " " + property + " " + origin + " on "
                        + Thread.currentThread().getName());
            }

            @Override
            public void unavailable(ThingId thing) {
            }

            @Override
            public void remove(ThingId thing) {
            }
        });
        // Each device is read value after value, temperature last: once both temperatures are in, the reader has
        // had every other answer of both.
        Await.until("both devices read again", () -> List.of(a, b).stream().allMatch(t -> updates.stream()
                .anyMatch(u -> u.startsWith(t.value() + " temperature READ"))));
        assertTrue(updates.stream().noneMatch(u -> u.endsWith(" on trusthub-zigbee-model")), String.valueOf(updates));
    }

    @Test
    void onOffToggleAndLevelAreCommandsTheDeviceObeysAndTheModelReadsBack() throws Exception {
        Await.nonNull("the thing model to catch up", () -> value(b, "level").orElse(null));

        Property on = model.writeText(b, "on", "on");
        assertEquals(Boolean.TRUE, on.last().value());
        assertEquals(Origin.READ, on.last().origin(), "read back from the device after it confirmed");
        assertTrue(sim.view(B).orElseThrow().on());

        Property level = model.writeText(b, "level", "40");
        assertEquals(40, level.last().value());
        assertEquals(ZigbeeProperties.zclLevel(40), sim.view(B).orElseThrow().level(), "the device holds 102 of 254");
        assertEquals(102, sim.view(B).orElseThrow().level());

        Property toggled = model.toggle(b, "on");
        assertEquals(Boolean.FALSE, toggled.last().value());
        assertFalse(sim.view(B).orElseThrow().on());

        model.write(b, "level", 100);
        assertTrue(sim.view(B).orElseThrow().on(), "Move to Level with On/Off switched it on");
        assertEquals(254, sim.view(B).orElseThrow().level());
        assertEquals(Boolean.TRUE, value(b, "on").orElseThrow().value(), "and the model read that back too");
        model.write(b, "level", 0);
        assertFalse(sim.view(B).orElseThrow().on());
        assertEquals(Boolean.FALSE, value(b, "on").orElseThrow().value());
        assertFalse(sim.view(A).orElseThrow().on(), "the other device was not touched");
    }

    /*
     * Seen in ZigbeeIT: a device's answer (built on the air thread) and its own report (built on a caller's thread)
     * reached the hub out of counter order, the hub refused the older one as a replay, and the lost answer held the
     * device's transaction queue until a write timed out. Every frame must arrive, in the order it was secured.
     */
    @Test
    void reportsDuringWritesAreNeitherReorderedNorLost() throws Exception {
        Await.nonNull("the thing model to catch up", () -> value(b, "level").orElse(null));
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger reportsRefused = new java.util.concurrent.atomic.AtomicInteger();
        Thread reporter = new Thread(() -> {
            for (int n = 0; !stop.get(); n++) {
                if (!sim.reportTemperature(B, 15 + n % 20 / 2.0)) {
                    reportsRefused.incrementAndGet();
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "reporting-device");
        reporter.start();
        try {
            for (int i = 0; i < 25; i++) {
                assertEquals(i % 100, model.writeText(b, "level", String.valueOf(i)).last().value());
                assertEquals(i % 2 == 0, model.writeText(b, "on", i % 2 == 0 ? "on" : "off").last().value());
            }
        } finally {
            stop.set(true);
            reporter.join();
        }
        assertEquals(0, reportsRefused.get(), "every report was taken");
        assertEquals(java.util.List.of(), security.refusals.counts(), "no frame of a well-behaved device was refused");
        assertEquals(0, sim.view(B).orElseThrow().framesRefused(), "nor any of the hub's");
    }

    @Test
    void theModelShowsTheClustersTheDeviceToldTheHubsDiscovery() throws Exception {
        long sensor = 0x00124B0000000E05L;
        String code = "0102030405060708D46D";
        ThingId s = network.commission(sensor, code, "alice");
        sim.addDevice(sensor, code, java.util.Set.of(0x0402));
        assertTrue(sim.join(sensor));

        com.zsmartsystems.zigbee.ZigBeeNode node = network.manager().getNode(
                new com.zsmartsystems.zigbee.IeeeAddress("00124B0000000E05"));
        assertEquals(com.zsmartsystems.zigbee.zdo.field.NodeDescriptor.LogicalType.END_DEVICE,
                node.getNodeDescriptor().getLogicalType(), "from its Node_Desc_rsp");
        assertEquals(List.of(1), node.getEndpoints().stream().map(e -> e.getEndpointId()).toList(),
                "from its Active_EP_rsp");
        assertEquals(0x0302, node.getEndpoint(1).getDeviceId(), "a temperature sensor, from its Simple_Desc_rsp");
        assertEquals(java.util.Set.of(0x0402), new java.util.HashSet<>(node.getEndpoint(1).getInputClusterIds()));

        ThingModel m = Await.nonNull("the thing model to catch up",
                () -> model.model(s).filter(x -> x.properties().stream()
                .allMatch(p -> p.value().isPresent())).orElse(null));
        assertEquals(List.of("temperature"), m.properties().stream().map(Property::id).toList());
        assertEquals(21.5, m.property("temperature").orElseThrow().last().value());
        IllegalArgumentException noSwitch = assertThrows(IllegalArgumentException.class,
                () -> model.writeText(s, "on", "on"));
        assertTrue(noSwitch.getMessage().contains("has no property 'on'; it has temperature"), noSwitch.getMessage());
        assertEquals(0, sim.view(sensor).orElseThrow().framesRefused());

        assertThrows(IllegalArgumentException.class, () -> sim.reportTemperature(B + 1, 20.0), "no such device");
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> sim.addDevice(0x00124B0000000F06L, code, java.util.Set.of()));
        assertTrue(none.getMessage().contains("0x0402"), none.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> sim.addDevice(0x00124B0000000F06L, code, java.util.Set.of(0x0300)), "no colour cluster");
        assertTrue(sim.view(0x00124B0000000F06L).isEmpty(), "a refused device is not powered on");
    }

    @Test
    void aDeviceWithoutATemperatureClusterCannotReportOne() throws Exception {
        long light = 0x00124B0000000E07L;
        String code = "0102030405060708D46D";
        network.commission(light, code, "alice");
        sim.addDevice(light, code, java.util.Set.of(0x0006));
        assertTrue(sim.join(light));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sim.reportTemperature(light, 20.0));
        assertTrue(e.getMessage().contains("no temperature cluster"), e.getMessage());
        ThingModel m = Await.nonNull("the thing model to catch up",
                () -> model.model(ZigbeeIds.device(light)).filter(x -> x.properties().stream()
                .allMatch(p -> p.value().isPresent())).orElse(null));
        assertEquals(List.of("on"), m.properties().stream().map(Property::id).toList());
        assertEquals(Boolean.TRUE, model.writeText(ZigbeeIds.device(light), "on", "on").last().value());
    }

    @Test
    void badWritesReachNoDevice() throws Exception {
        Await.nonNull("the thing model to catch up", () -> value(b, "level").orElse(null));
        model.writeText(b, "level", "40");
        long refusedBefore = sim.view(B).orElseThrow().framesRefused();
        Map<String, Object> before = values(b);

        assertThrows(InvalidValueException.class, () -> model.writeText(b, "level", "101"));
        assertThrows(InvalidValueException.class, () -> model.writeText(b, "on", "bright"));
        PropertyWriteException readOnly = assertThrows(PropertyWriteException.class,
                () -> model.writeText(b, "temperature", "30"));
        assertTrue(readOnly.getMessage().contains("read-only"), readOnly.getMessage());

        assertEquals(102, sim.view(B).orElseThrow().level());
        assertTrue(sim.view(B).orElseThrow().on());
        assertEquals(refusedBefore, sim.view(B).orElseThrow().framesRefused());
        assertEquals(before, values(b));
    }

    private Map<String, Object> values(ThingId thing) {
        Map<String, Object> out = new java.util.TreeMap<>();
        model.model(thing).orElseThrow().properties().forEach(p -> out.put(p.id(), p.value().map(PropertyValue::value)
                .orElse("-")));
        return out;
    }

    @Test
    void aDecommissionedDeviceLeavesTheModelAndOthersKeepWorking() throws Exception {
        Await.nonNull("the thing model to catch up", () -> value(a, "temperature").orElse(null));
        Await.nonNull("the thing model to catch up", () -> value(b, "temperature").orElse(null));
        network.decommission(a);
        model.remove(a); // the model component does this on the lifecycle event
        assertTrue(model.model(a).isEmpty());
        assertFalse(sim.reportTemperature(A, 30.0), "its frames are refused");
        assertTrue(model.model(a).isEmpty(), "and nothing of it comes back");

        assertTrue(sim.reportTemperature(B, 18.0));
        Await.nonNull("the thing model to catch up",
                () -> value(b, "temperature").filter(v -> v.value().equals(18.0)).orElse(null));
        assertEquals(Boolean.TRUE, model.writeText(b, "on", "on").last().value());
    }

    @Test
    void aDeviceThatLeftIsUnavailableAndABindingThatStopsTakesItsThingsWithIt() throws Exception {
        Await.nonNull("the thing model to catch up", () -> value(a, "temperature").orElse(null));
        Await.nonNull("the thing model to catch up", () -> value(b, "temperature").orElse(null));
        // The bridge drops A (what a decommission elsewhere does) before the model heard of it.
        network.trustCenter().removed(a);
        ThingModel left = Await.nonNull("the thing model to catch up",
                () -> model.model(a).filter(m -> !m.available()).orElse(null));
        assertEquals(Quality.UNAVAILABLE, left.property("temperature").orElseThrow().last().quality());
        assertThrows(PropertyWriteException.class, () -> model.writeText(a, "on", "on"));

        model.detach(provider);
        ThingModel stopped = model.model(b).orElseThrow();
        assertFalse(stopped.available());
        PropertyWriteException e = assertThrows(PropertyWriteException.class, () -> model.writeText(b, "on", "on"));
        assertTrue(e.getMessage().contains("binding zigbee is not running"), e.getMessage());
        assertFalse(sim.view(B).orElseThrow().on(), "nothing was sent");
        assertTrue(sim.reportTemperature(B, 17.0), "the bridge still takes the frame");
        assertEquals(Quality.UNAVAILABLE, model.model(b).orElseThrow().property("temperature").orElseThrow().last()
                .quality(), "but a detached provider publishes nothing");

        model.attach(provider);
        ThingModel back = Await.nonNull("the thing model to catch up",
                () -> model.model(b).filter(m -> m.available() && m.property("temperature")
                .flatMap(Property::value).map(v -> v.quality() == Quality.GOOD).orElse(false)).orElse(null));
        assertEquals(17.0, back.property("temperature").orElseThrow().last().value(), "read again on attach");
    }

    @Test
    void raisingADevicesRequirementAboveWhatItReportsUnderRefusesItsReadsAndWrites() throws Exception {
        Await.nonNull("the thing model to catch up", () -> value(a, "temperature").orElse(null));
        assertTrue(sim.reportTemperature(A, 19.25), "NWK-secured meets no requirement");
        model.refresh(a);

        // protect zigbee:... zigbee in confidentiality/end-to-end, while the device reports under NWK only
        security.policy.inbound.put(a, Protection.parse("confidentiality/end-to-end"));
        PropertyWriteException read = assertThrows(PropertyWriteException.class, () -> model.refresh(a));
        assertEquals("ZigBee device " + a + " reports under confidentiality and the security policy requires"
                + " confidentiality/end-to-end of it: its values are refused", read.getMessage());
        assertFalse(sim.reportTemperature(A, 30.0), "a report under NWK security alone is refused");
        // the answers to the refresh above may come (and be refused) meanwhile too
        assertTrue(security.refusals.count(SecurityServices.MECHANISM, RefusalReason.POLICY) >= 1L, "counted");
        // its values are UNAVAILABLE now: the model refuses what is asked of it until a value meets the policy
        assertThrows(PropertyWriteException.class, () -> model.refresh(a));
        assertThrows(PropertyWriteException.class, () -> model.writeText(a, "on", "on"));
        assertFalse(sim.view(A).orElseThrow().on(), "no command went to the device");
        model.refresh(b); // another device is not affected

        security.policy.inbound.put(a, Protection.confidentiality());
        assertTrue(sim.reportTemperature(A, 18.5), "back within the policy");
        Await.nonNull("the report to reach the model", () -> model.model(a).filter(m -> m.available()).orElse(null));
        model.refresh(a);
    }

    /** The values the model holds of a device came under the same protection as its frames: they go with them. */
    @Test
    void valuesThatNoLongerMeetTheInboundRequirementGoUnavailable() throws Exception {
        Await.nonNull("the thing model to catch up", () -> value(a, "temperature").orElse(null));
        Await.nonNull("the thing model to catch up", () -> value(b, "temperature").orElse(null));
        security.policy.inbound.put(a, Protection.parse("confidentiality/end-to-end"));
        assertFalse(sim.reportTemperature(A, 30.0), "a report under NWK security alone is refused");
        assertEquals(Quality.UNAVAILABLE, value(a, "temperature").orElseThrow().quality(),
                "what it reported before came under NWK security alone too");
        assertEquals(Quality.GOOD, value(b, "temperature").orElseThrow().quality(), "another device is not affected");

        security.policy.inbound.put(a, Protection.confidentiality());
        assertTrue(sim.reportTemperature(A, 18.5), "back within the policy");
        Await.nonNull("the report to reach the model",
                () -> value(a, "temperature").filter(v -> v.quality() == Quality.GOOD && v.value().equals(18.5))
                        .orElse(null));

        // Raised again with no frame since: the next read or write finds it so.
        security.policy.inbound.put(a, Protection.parse("confidentiality/end-to-end"));
        assertThrows(PropertyWriteException.class, () -> model.refresh(a));
        assertEquals(Quality.UNAVAILABLE, value(a, "temperature").orElseThrow().quality());
    }

    @Test
    void anOutboundRequirementAboveNwkSecurityRefusesCommandsToTheDevice() throws Exception {
        Await.nonNull("the thing model to catch up", () -> value(a, "temperature").orElse(null));
        // protect zigbee:... zigbee out confidentiality/end-to-end: the hub's commands go under NWK security only
        security.policy.outbound.put(a, Protection.parse("confidentiality/end-to-end"));
        PropertyWriteException e = assertThrows(PropertyWriteException.class, () -> model.writeText(a, "on", "on"));
        assertTrue(e.getMessage().contains("requires confidentiality/end-to-end of what the hub sends"),
                e.getMessage());
        assertFalse(sim.view(A).orElseThrow().on(), "no command went to the device");
        assertEquals(1L, security.refusals.count(SecurityServices.MECHANISM, RefusalReason.POLICY));
        assertEquals(Boolean.TRUE, model.writeText(b, "on", "on").last().value(), "another device is not affected");

        security.policy.outbound.put(a, Protection.confidentiality());
        assertEquals(Boolean.TRUE, model.writeText(a, "on", "on").last().value(), "NWK security meets it");
    }

    @Test
    void levelsConvertBothWays() {
        for (int p = 0; p <= 100; p++) {
            assertEquals(p, ZigbeeProperties.percent(ZigbeeProperties.zclLevel(p)));
        }
        assertEquals(254, ZigbeeProperties.zclLevel(100));
        assertEquals(50, ZigbeeProperties.percent(127));
    }

    private Optional<PropertyValue> value(ThingId thing, String property) {
        return model.model(thing).flatMap(m -> m.property(property)).flatMap(Property::value);
    }
}
