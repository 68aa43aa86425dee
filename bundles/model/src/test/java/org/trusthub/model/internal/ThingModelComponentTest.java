package org.trusthub.model.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.model.ModelEvents;
import org.trusthub.api.model.Origin;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;

/** The DS component's wiring: providers come and go, events go to EventAdmin, a decommission event removes a model. */
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

        // another transition of the thing changes nothing; its decommission removes the model
        component.handleEvent(new Event(TrustHubEvents.lifecycleTopic(Transition.MAINTAIN), Map.of(
                TrustHubEvents.THING, lamp.value(), TrustHubEvents.TRANSITION, Transition.MAINTAIN.name())));
        assertTrue(component.model(lamp).isPresent());
        component.handleEvent(new Event(TrustHubEvents.lifecycleTopic(Transition.DECOMMISSION), Map.of(
                TrustHubEvents.THING, "not a thing id!", TrustHubEvents.TRANSITION, Transition.DECOMMISSION.name())));
        assertTrue(component.model(lamp).isPresent(), "a malformed id is ignored");
        component.handleEvent(new Event(TrustHubEvents.lifecycleTopic(Transition.DECOMMISSION), Map.of(
                TrustHubEvents.THING, lamp.value(), TrustHubEvents.TRANSITION, Transition.DECOMMISSION.name())));
        assertTrue(component.model(lamp).isEmpty());
        assertTrue(posted.stream().anyMatch(e -> e.getTopic().equals(ModelEvents.THING_REMOVED)));
        component.deactivate();
    }
}
