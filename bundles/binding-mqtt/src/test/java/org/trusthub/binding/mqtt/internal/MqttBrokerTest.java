package org.trusthub.binding.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyValue;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.mqtt.testing.MosquittoBroker;
import org.trusthub.testkit.Await;
import org.trusthub.testkit.FreePorts;

/**
 * The binding against Debian's mosquitto on loopback: the hub connects over TLS with its keystore identity and
 * trusts the broker through a keystore anchor; things are mosquitto_pub and mosquitto_sub with their derived PSKs.
 */
class MqttBrokerTest {

    @TempDir
    Path dir;

    private MqttTestHub hub;
    private MosquittoBroker broker;
    private MqttBinding binding;
    private ThingId lamp;
    private ThingId heater;

    @BeforeEach
    void setUp() throws Exception {
        hub = new MqttTestHub(dir.resolve("hub"));
        lamp = hub.operational("lamp-1");
        heater = hub.operational("heater-1");
        Path files = dir.resolve("broker");
        hub.keystore.addTrustAnchor("broker-ca", MosquittoBroker.makeCertificates(files), Set.of(TrustPurpose.TLS));
        int port = FreePorts.tcp();
        // A sync a day: the test syncs itself, so what it checks does not depend on timing.
        binding = hub.binding(new MqttTestHub.Config("lamp-1 level:level:rw on:switch:rw; heater-1 level:level",
                files.toString(), files.resolve("mosquitto.pid").toString(), port, 86_400));
        Await.until("the binding to write the broker's files", () -> Files.exists(files.resolve("hub.crt"))
                && Files.exists(files.resolve("acl")));
        broker = MosquittoBroker.start(files, port);
        binding.sync();
        assertTrue(binding.status().connected(), () -> "not connected: " + binding.status().problem());
        assertEquals(Set.of(lamp, heater), binding.status().subscribed());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (binding != null) {
            binding.deactivate();
        }
        if (broker != null) {
            broker.close();
        }
        hub.close();
    }

    @Test
    void aValueAThingPublishesWithItsDerivedKeyReachesTheModel() throws Exception {
        MosquittoBroker.Result pub = broker.publish("lamp-1", psk(lamp), "trusthub/lamp-1/level", "42");
        assertEquals(0, pub.exit(), pub.output());
        Await.until("level 42 in the model", () -> value(lamp, "level").equals(Optional.of(42)));
        assertEquals(List.of(), hub.refusals.seen);
    }

    @Test
    void thePskFileIsOwnerOnlyAndHoldsOnlyOperationalThings() throws Exception {
        Path psk = dir.resolve("broker").resolve("psk");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(psk)));
        List<String> lines = Files.readAllLines(psk, StandardCharsets.US_ASCII);
        assertEquals(List.of("lamp-1:" + psk(lamp), "heater-1:" + psk(heater)), lines);
    }

    @Test
    void aThingWithAWrongKeyIsRefusedByTheBroker() throws Exception {
        MosquittoBroker.Result wrong = broker.publish("lamp-1", psk(heater), "trusthub/lamp-1/level", "13");
        assertNotEquals(0, wrong.exit(), wrong.output());
        MosquittoBroker.Result unknown = broker.publish("lamp-9", psk(lamp), "trusthub/lamp-9/level", "13");
        assertNotEquals(0, unknown.exit(), unknown.output());
        assertEquals(Optional.empty(), value(lamp, "level"));
    }

    @Test
    void aThingCannotPublishAnotherThingsValues() throws Exception {
        // the broker's ACL drops it (QoS 1 publishes still complete); then the lamp's own value gets through
        assertEquals(0, broker.publish("heater-1", psk(heater), "trusthub/lamp-1/level", "77").exit());
        assertEquals(0, broker.publish("lamp-1", psk(lamp), "trusthub/lamp-1/level", "5").exit());
        Await.until("level 5 in the model", () -> value(lamp, "level").equals(Optional.of(5)));
        assertTrue(broker.log().contains("Denied PUBLISH"), broker.log());
    }

    @Test
    void aDecommissionedThingIsRefusedByTheBrokerAndNoLongerSubscribed() throws Exception {
        String key = psk(lamp);
        hub.registry.transition(lamp, Transition.DECOMMISSION);
        // what the lifecycle dispatcher does when a thing leaves OPERATIONAL
        binding.release(lamp);
        assertEquals(Set.of(heater), binding.status().subscribed());
        assertEquals(List.of(), binding.status().warnings());
        assertEquals(List.of("heater-1:" + psk(heater)),
                Files.readAllLines(dir.resolve("broker").resolve("psk"), StandardCharsets.US_ASCII));
        Await.until("the broker to refuse lamp-1's old key after its reload", Await.DEFAULT_TIMEOUT,
                () -> broker.publish("lamp-1", key, "trusthub/lamp-1/level", "1").exit(), exit -> exit != 0);
        binding.sync();
        assertEquals(Set.of(heater), binding.status().subscribed());
    }

    @Test
    void aValueFromAThingThatLeftOperationalBeforeItsReleaseIsRefusedByTheHub() throws Exception {
        // between the registry's change and the dispatcher's release the broker still lets the thing in
        hub.registry.transition(lamp, Transition.MAINTAIN);
        assertEquals(0, broker.publish("lamp-1", psk(lamp), "trusthub/lamp-1/level", "9").exit());
        Await.until("the hub to refuse the value", () -> hub.refusals.reasons()
                .contains(RefusalReason.NOT_OPERATIONAL));
        assertEquals(Optional.empty(), value(lamp, "level"));
    }

    @Test
    void aPayloadTheHubCannotParseIsRefusedAsMalformed() throws Exception {
        assertEquals(0, broker.publish("lamp-1", psk(lamp), "trusthub/lamp-1/level", "bright").exit());
        Await.until("the hub to refuse the payload", () -> hub.refusals.reasons().contains(RefusalReason.MALFORMED));
        MqttTestHub.Refusals.Refusal r = hub.refusals.seen.get(0);
        assertEquals(Optional.of(lamp), r.thing());
        assertEquals("mqtt", r.mechanism());
        assertEquals(Optional.empty(), value(lamp, "level"));
    }

    @Test
    void aRetainedMessageOnAnEmptyLevelIsRefusedAndTheConnectionStays() throws Exception {
        // the ACL's trusthub/lamp-1/+ lets an empty last level through
        assertEquals(0, broker.publish("lamp-1", psk(lamp), "trusthub/lamp-1/", "1", true).exit());
        Await.until("the hub to refuse it", () -> hub.refusals.reasons().contains(RefusalReason.MALFORMED));
        assertEquals(0, broker.publish("lamp-1", psk(lamp), "trusthub/lamp-1/level", "42").exit());
        Await.until("level 42 in the model", () -> value(lamp, "level").equals(Optional.of(42)));
        assertTrue(binding.status().connected(), binding.status().problem());
        // a new subscription gets the retained message again: refused again, the connection still stays
        int before = hub.refusals.seen.size();
        reconnect();
        Await.until("the hub to refuse the retained message again", () -> hub.refusals.seen.size() > before);
        assertEquals(0, broker.publish("lamp-1", psk(lamp), "trusthub/lamp-1/level", "43").exit());
        Await.until("level 43 in the model", () -> value(lamp, "level").equals(Optional.of(43)));
        assertTrue(binding.status().connected(), binding.status().problem());
    }

    @Test
    void aRetainedValueIsNoFreshReportAndIsRefused() throws Exception {
        assertEquals(0, broker.publish("lamp-1", psk(lamp), "trusthub/lamp-1/level", "7", true).exit());
        Await.until("level 7 in the model (sent while the hub listened)",
                () -> value(lamp, "level").equals(Optional.of(7)));
        reconnect();
        Await.until("the hub to refuse the retained value", () -> hub.refusals.reasons()
                .contains(RefusalReason.MALFORMED));
        assertEquals(Optional.of(lamp), hub.refusals.seen.get(0).thing());
        assertEquals(0, broker.publish("lamp-1", psk(lamp), "trusthub/lamp-1/level", "8").exit());
        Await.until("level 8 in the model", () -> value(lamp, "level").equals(Optional.of(8)));
    }

    @Test
    void whatAMessageHandlerThrowsNeverDropsTheConnection() throws Exception {
        List<RuntimeException> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (BrokerLink link = new BrokerLink("ssl://127.0.0.1:" + broker.hubPort(), "trusthub-hub-second",
                (topic, payload, retained) -> {
                    throw new IllegalStateException("handler bug");
                }, failed::add, 10_000)) {
            link.connect(HubTls.socketFactory(hub.keystore.hubIdentity(),
                    hub.keystore.trustAnchors(TrustPurpose.TLS)));
            link.subscribe("trusthub/lamp-1/+");
            assertEquals(0, broker.publish("lamp-1", psk(lamp), "trusthub/lamp-1/level", "1").exit());
            Await.until("the first failure", () -> failed.size() == 1);
            assertEquals(0, broker.publish("lamp-1", psk(lamp), "trusthub/lamp-1/level", "2").exit());
            Await.until("the second message on the same connection", () -> failed.size() == 2);
            assertTrue(link.isConnected());
        }
    }

    /** A new binding instance: a new connection and subscriptions, so the broker sends what it retained. */
    private void reconnect() {
        hub.model.detach(binding);
        binding.deactivate();
        binding = hub.binding(new MqttTestHub.Config("lamp-1 level:level:rw on:switch:rw; heater-1 level:level",
                dir.resolve("broker").toString(), dir.resolve("broker").resolve("mosquitto.pid").toString(),
                broker.hubPort(), 86_400));
        binding.sync();
        assertTrue(binding.status().connected(), binding.status().problem());
    }

    @Test
    void aWriteFromTheModelIsPublishedToTheThingsCommandTopic() throws Exception {
        Process sub = broker.subscribe("lamp-1", psk(lamp), "trusthub/lamp-1/level/set");
        try {
            // mosquitto_sub subscribes some time after it starts; QoS 1 writes are repeated until it has one
            Await.until("the lamp to get the write", Await.DEFAULT_TIMEOUT, () -> {
                hub.model.write(lamp, "level", 30);
                return sub.waitFor(200, TimeUnit.MILLISECONDS);
            }, got -> got);
            assertEquals("30", new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
            assertEquals(Optional.of(30), value(lamp, "level"));
        } finally {
            sub.destroy();
        }
    }

    @Test
    void aBrokerNoAnchorVouchesForIsNotTrusted() throws Exception {
        hub.keystore.removeTrustAnchor("broker-ca");
        hub.model.detach(binding);
        binding.deactivate();
        binding = hub.binding(new MqttTestHub.Config("lamp-1 level:level:rw", dir.resolve("broker").toString(),
                dir.resolve("broker").resolve("mosquitto.pid").toString(), broker.hubPort(), 86_400));
        binding.sync();
        assertFalse(binding.status().connected());
        assertTrue(binding.status().problem().contains("no trust anchor for purpose tls"),
                binding.status().problem());
    }

    private String psk(ThingId thing) {
        DerivedKey key = hub.keystore.deriveKey(thing, Layer.TRANSPORT, "mqtt-psk", 16);
        try {
            return HexFormat.of().formatHex(key.bytes());
        } finally {
            key.destroy();
        }
    }

    private Optional<Object> value(ThingId thing, String property) {
        return hub.model.model(thing).flatMap(m -> m.property(property)).flatMap(Property::value)
                .map(PropertyValue::value);
    }
}
