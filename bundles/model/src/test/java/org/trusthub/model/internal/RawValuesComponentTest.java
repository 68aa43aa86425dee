package org.trusthub.model.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.RawValue;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;

/** The raw values' DS component: a decommission forgets the thing's values, held values survive a restart. */
class RawValuesComponentTest extends ModelTestSupport {

    @Test
    void aDecommissionForgetsOnlyThatThingsValues() {
        RawValuesComponent component = new RawValuesComponent();
        ThingId lamp = operational("lamp-1");
        ThingId other = operational("lamp-2");
        component.put(lamp, "state", "on".getBytes(StandardCharsets.UTF_8), 0, Origin.REPORT, true);
        component.put(other, "state", new byte[] {1}, RawValue.NO_FORMAT, Origin.REPORT, true);

        component.handleEvent(new Event(TrustHubEvents.lifecycleTopic(Transition.MAINTAIN), Map.of(
                TrustHubEvents.THING, lamp.value(), TrustHubEvents.TRANSITION, Transition.MAINTAIN.name())));
        component.handleEvent(new Event(TrustHubEvents.lifecycleTopic(Transition.DECOMMISSION), Map.of(
                TrustHubEvents.THING, "not a thing id!", TrustHubEvents.TRANSITION, Transition.DECOMMISSION.name())));
        assertEquals(Set.of("state"), component.values(lamp).keySet(), "another transition or a bad id: kept");
        component.handleEvent(new Event(TrustHubEvents.lifecycleTopic(Transition.DECOMMISSION), Map.of(
                TrustHubEvents.THING, lamp.value(), TrustHubEvents.TRANSITION, Transition.DECOMMISSION.name())));
        assertTrue(component.values(lamp).isEmpty(), "its raw values are forgotten");
        assertEquals(Set.of(other), component.things(), "another thing's stay");
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
        RawValuesComponent first = new RawValuesComponent(RawValueStore.open(model, Clock.systemUTC()),
                coap);
        assertEquals(Set.of("mode", "setpoint"), first.values(ThingId.of("meter-1")).keySet());
        first.put(ThingId.of("meter-1"), "setpoint", "22".getBytes(StandardCharsets.UTF_8), 50, Origin.REPORT, true);
        first.deactivate();
        RawValuesComponent second = new RawValuesComponent(RawValueStore.open(model, Clock.systemUTC()),
                coap);
        assertEquals("22", new String(second.get(ThingId.of("meter-1"), "setpoint").orElseThrow().bytes(),
                StandardCharsets.UTF_8), "the import ran once: the value written since stays");
        assertEquals(Set.of("level"), second.values(ThingId.of("lamp-1")).keySet());
        second.deactivate();
    }

    @Test
    void theValuesDirectoriesDefaultBelowKarafData() {
        assertEquals(Path.of("/srv/x"), RawValuesComponent.directory(" /srv/x ", null, "model"));
        assertEquals(null, RawValuesComponent.directory("", null, "model"), "no karaf.data: memory only");
    }
}
