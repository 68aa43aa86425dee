package org.trusthub.binding.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyValue;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.model.Quality;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.testkit.FreePorts;

/** The binding's checks on what things send and what the model writes, without a broker. */
class MqttBindingTest {

    @TempDir
    Path dir;

    private MqttTestHub hub;
    private MqttBinding binding;
    private ThingId lamp;
    private Authenticated fromLamp;

    @BeforeEach
    void setUp() throws Exception {
        hub = new MqttTestHub(dir.resolve("hub"));
        lamp = hub.operational("lamp-1");
        fromLamp = Authenticated.message(lamp, Layer.TRANSPORT, MqttPsk.MECHANISM, Protection.confidentiality());
        binding = hub.binding(new MqttTestHub.Config("lamp-1 level:level:rw on:switch:rw; later-1 on:switch",
                dir.resolve("broker").toString(), "", FreePorts.tcp(), 86_400));
    }

    @AfterEach
    void tearDown() throws Exception {
        binding.deactivate();
        hub.close();
    }

    @Test
    void aRevokeWithoutBrokerPidFileIsShownAsNotRevoked() {
        binding.sync();
        assertEquals(List.of(), binding.status().warnings());
        hub.registry.transition(lamp, Transition.DECOMMISSION);
        binding.release(lamp);
        assertEquals(List.of("credentials NOT revoked at the broker: no brokerPidFile (lamp-1 can still connect "
                + "until it reloads)"), binding.status().warnings());
    }

    @Test
    void releasingAThingTheModelHasNotTakenYetIsQuiet() {
        // later-1 is configured but not enrolled: the lifecycle may release it while it is being bootstrapped
        assertDoesNotThrow(() -> binding.release(ThingId.of("later-1")));
    }

    @Test
    void aValueFromAnOperationalThingReachesTheModel() {
        assertEquals(Optional.empty(), binding.accept(fromLamp, "level", bytes("42")));
        assertEquals(Optional.of(42), value(lamp, "level"));
    }

    @Test
    void aPayloadThatDoesNotParseIsRefusedAsMalformedAndChangesNothing() {
        assertEquals(Optional.of(RefusalReason.MALFORMED), binding.accept(fromLamp, "level", bytes("bright")));
        assertEquals(Optional.of(RefusalReason.MALFORMED), binding.accept(fromLamp, "level", bytes("101")));
        assertEquals(Optional.of(RefusalReason.MALFORMED),
                binding.accept(fromLamp, "level", new byte[] { (byte) 0xc3, (byte) 0x28 }));
        assertEquals(Optional.of(RefusalReason.MALFORMED), binding.accept(fromLamp, "colour", bytes("red")));
        assertEquals(Optional.of(RefusalReason.MALFORMED),
                binding.accept(fromLamp, "level", new byte[MqttBinding.MAX_PAYLOAD + 1]));
        assertEquals(Optional.empty(), value(lamp, "level"));
        assertEquals(List.of(RefusalReason.MALFORMED, RefusalReason.MALFORMED, RefusalReason.MALFORMED,
                RefusalReason.MALFORMED, RefusalReason.MALFORMED), hub.refusals.reasons());
        assertTrue(hub.refusals.seen.stream().allMatch(r -> r.thing().equals(Optional.of(lamp))
                && r.mechanism().equals("mqtt") && r.layer() == Layer.TRANSPORT));
    }

    @Test
    void aThingThatIsNotOperationalIsRefused() {
        hub.registry.transition(lamp, Transition.MAINTAIN);
        assertEquals(Optional.of(RefusalReason.NOT_OPERATIONAL), binding.accept(fromLamp, "on", bytes("on")));
        assertEquals(Optional.empty(), value(lamp, "on"));
    }

    @Test
    void protectionBelowThePolicysIsRefused() {
        hub.policy.inbound = Protection.confidentiality().endToEnd();
        assertEquals(Optional.of(RefusalReason.POLICY), binding.accept(fromLamp, "on", bytes("on")));
        assertEquals(Optional.empty(), value(lamp, "on"));
    }

    @Test
    void withoutAPolicyEverythingIsRefused() {
        binding.policy = null;
        assertEquals(Optional.of(RefusalReason.NOT_OPERATIONAL), binding.accept(fromLamp, "on", bytes("on")));
        PropertyWriteException e = assertThrows(PropertyWriteException.class,
                () -> hub.model.write(lamp, "on", true));
        assertTrue(e.getMessage().contains("no security policy"), e.getMessage());
    }

    @Test
    void aWriteThePolicyWantsProtectedEndToEndIsRefused() {
        hub.policy.outbound = Protection.confidentiality().endToEnd();
        PropertyWriteException e = assertThrows(PropertyWriteException.class,
                () -> hub.model.write(lamp, "on", true));
        assertTrue(e.getMessage().contains("confidentiality/end-to-end"), e.getMessage());
    }

    @Test
    void aWriteWithoutABrokerSaysWhy() {
        PropertyWriteException e = assertThrows(PropertyWriteException.class,
                () -> hub.model.write(lamp, "on", true));
        assertTrue(e.getMessage().contains("not connected"), e.getMessage());
    }

    @Test
    void releaseMakesTheThingsValuesUnavailable() {
        binding.accept(fromLamp, "level", bytes("7"));
        hub.registry.transition(lamp, Transition.MAINTAIN);
        binding.release(lamp);
        assertEquals(Quality.UNAVAILABLE, hub.model.model(lamp).flatMap(m -> m.property("level"))
                .flatMap(Property::value).map(PropertyValue::quality).orElseThrow());
    }

    @Test
    void aThingEnrolledAfterTheModelAttachedIsDescribedOnceOperational() {
        assertFalse(hub.model.model(ThingId.of("later-1")).isPresent());
        ThingId later = hub.operational("later-1");
        binding.sync();
        assertTrue(hub.model.model(later).isPresent());
    }

    @Test
    void switchesAreWrittenAsOnOrOffAndWholeNumbersWithoutAFraction() {
        assertEquals("on", MqttBinding.text(org.trusthub.api.model.PropertyDescriptor.onOff(), true));
        assertEquals("off", MqttBinding.text(org.trusthub.api.model.PropertyDescriptor.onOff(), false));
        assertEquals("21", MqttBinding.text(org.trusthub.api.model.PropertyDescriptor.temperature(), 21.0));
        assertEquals("21.5", MqttBinding.text(org.trusthub.api.model.PropertyDescriptor.temperature(), 21.5));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Optional<Object> value(ThingId thing, String property) {
        return hub.model.model(thing).flatMap(m -> m.property(property)).flatMap(Property::value)
                .map(PropertyValue::value);
    }
}
