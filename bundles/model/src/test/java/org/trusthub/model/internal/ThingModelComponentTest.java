package org.trusthub.model.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.model.ModelEvents;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.RawValue;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;

/**
 * The DS component's wiring: providers come and go, events go to EventAdmin, a decommission event removes a model and
 * the thing's raw values.
 */
class ThingModelComponentTest extends ModelTestSupport {

    @Test
    void providersEventAdminAndTheDecommissionEvent() {
        ThingModelComponent component = new ThingModelComponent(registry);
        List<Event> posted = Collections.synchronizedList(new ArrayList<>());
        component.setEventAdmin(new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                posted.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                throw new AssertionError("the model never blocks on subscribers");
            }
        });
        ThingId lamp = operational("lamp-1");
        FakeBinding zigbee = new FakeBinding("zigbee", true);
        component.addProvider(zigbee);
        zigbee.sink.describe(lamp, FakeBinding.lamp());
        assertEquals(Boolean.TRUE, component.write(lamp, "on", true).last().value());
        assertTrue(posted.stream().anyMatch(e -> e.getTopic().equals(ModelEvents.PROPERTY_CHANGED)
                && Boolean.TRUE.equals(e.getProperty(ModelEvents.VALUE))));

        component.removeProvider(zigbee);
        assertFalse(component.model(lamp).orElseThrow().available());
        assertTrue(zigbee.sink == null, "the provider was detached");
        component.addProvider(zigbee);
        zigbee.sink.describe(lamp, FakeBinding.lamp());
        zigbee.sink.update(lamp, "temperature", 20.0, Origin.REPORT);
        component.put(lamp, "state", "on".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, Origin.REPORT, true);
        ThingId other = operational("lamp-2");
        component.put(other, "state", new byte[] {1}, RawValue.NO_FORMAT, Origin.REPORT, true);

        // another transition of the thing changes nothing; its decommission removes the model
        component.handleEvent(new Event(TrustHubEvents.lifecycleTopic(Transition.MAINTAIN), Map.of(
                TrustHubEvents.THING, lamp.value(), TrustHubEvents.TRANSITION, Transition.MAINTAIN.name())));
        assertTrue(component.model(lamp).isPresent());
        component.handleEvent(new Event(TrustHubEvents.lifecycleTopic(Transition.DECOMMISSION), Map.of(
                TrustHubEvents.THING, "not a thing id!", TrustHubEvents.TRANSITION, Transition.DECOMMISSION.name())));
        assertTrue(component.model(lamp).isPresent(), "a malformed id is ignored");
        assertEquals(Set.of("state"), component.values(lamp).keySet());
        component.handleEvent(new Event(TrustHubEvents.lifecycleTopic(Transition.DECOMMISSION), Map.of(
                TrustHubEvents.THING, lamp.value(), TrustHubEvents.TRANSITION, Transition.DECOMMISSION.name())));
        assertTrue(component.model(lamp).isEmpty());
        assertTrue(component.values(lamp).isEmpty(), "its raw values are forgotten too");
        assertEquals(Set.of(other), component.things(), "another thing's stay");
        assertTrue(posted.stream().anyMatch(e -> e.getTopic().equals(ModelEvents.THING_REMOVED)));
        component.deactivate();
    }

    @Test
    void heldValuesSurviveARestartAndTheOldCoapStoreIsTakenOverAtStart() throws Exception {
        Path model = dir.resolve("data/trusthub/model");
        Path coap = dir.resolve("data/trusthub/coap");
        Files.createDirectories(coap);
        try (InputStream in = getClass().getResourceAsStream("old-coap-values/coap-values.journal")) {
            Files.copy(in, coap.resolve("coap-values.journal"));
        }
        ThingModelComponent first = new ThingModelComponent(registry, RawValueStore.open(model, Clock.systemUTC()),
                coap);
        assertEquals(Set.of("mode", "setpoint"), first.values(ThingId.of("meter-1")).keySet());
        first.put(ThingId.of("meter-1"), "setpoint", "22".getBytes(StandardCharsets.UTF_8), 50, Origin.REPORT, true);
        first.deactivate();
        ThingModelComponent second = new ThingModelComponent(registry, RawValueStore.open(model, Clock.systemUTC()),
                coap);
        assertEquals("22", new String(second.get(ThingId.of("meter-1"), "setpoint").orElseThrow().bytes(),
                StandardCharsets.UTF_8), "the import ran once: the value written since stays");
        assertEquals(Set.of("level"), second.values(ThingId.of("lamp-1")).keySet());
        second.deactivate();
    }

    @Test
    void theValuesDirectoriesDefaultBelowKarafData() {
        assertEquals(Path.of("/srv/x"), ThingModelComponent.directory(" /srv/x ", null, "model"));
        assertEquals(null, ThingModelComponent.directory("", null, "model"), "no karaf.data: memory only");
    }
}
