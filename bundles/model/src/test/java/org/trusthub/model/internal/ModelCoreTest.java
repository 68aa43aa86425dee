package org.trusthub.model.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.trusthub.api.model.InvalidValueException;
import org.trusthub.api.model.ModelEvents;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.model.PropertyValue;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.model.Quality;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;

class ModelCoreTest extends ModelTestSupport {

    @Test
    void aBindingDescribesAThingAndItsValuesArriveWithEvents() {
        ThingId lamp = operational("lamp-1");
        FakeBinding zigbee = new FakeBinding("zigbee", true);
        model.attach(zigbee);
        zigbee.sink.describe(lamp, FakeBinding.lamp());
        ThingModel m = model.model(lamp).orElseThrow();
        assertEquals("zigbee", m.binding());
        assertTrue(m.simulated() && m.available());
        assertEquals(List.of("on", "level", "temperature"), m.properties().stream().map(Property::id).toList());
        assertTrue(m.properties().stream().allMatch(p -> p.value().isEmpty()), "no value before the first one");
        assertEquals(1, posted(ModelEvents.THING_DESCRIBED).size());

        zigbee.sink.update(lamp, "temperature", 19.25, Origin.REPORT);
        PropertyValue v = model.model(lamp).orElseThrow().property("temperature").orElseThrow().last();
        assertEquals(new PropertyValue(19.25, NOW, Quality.GOOD, Origin.REPORT), v);
        List<Posted> changes = posted(ModelEvents.PROPERTY_CHANGED);
        assertEquals(1, changes.size());
        Map<String, Object> e = changes.get(0).properties();
        assertEquals("lamp-1", e.get(ModelEvents.THING));
        assertEquals("temperature", e.get(ModelEvents.PROPERTY));
        assertEquals(19.25, e.get(ModelEvents.VALUE));
        assertEquals("\u00b0C", e.get(ModelEvents.UNIT));
        assertEquals("GOOD", e.get(ModelEvents.QUALITY));
        assertEquals("REPORT", e.get(ModelEvents.ORIGIN));
        assertEquals("zigbee", e.get(ModelEvents.BINDING));
        assertEquals(Set.of(ModelEvents.THING, ModelEvents.PROPERTY, ModelEvents.VALUE, ModelEvents.TYPE,
                ModelEvents.UNIT, ModelEvents.QUALITY, ModelEvents.ORIGIN, ModelEvents.BINDING, ModelEvents.SIMULATED,
                ModelEvents.AVAILABLE, ModelEvents.TIMESTAMP), e.keySet(), "an event carries exactly these");

        zigbee.sink.update(lamp, "temperature", 19.25, Origin.REPORT);
        assertEquals(1, posted(ModelEvents.PROPERTY_CHANGED).size(), "the same value again is no change");
        zigbee.sink.update(lamp, "temperature", 20, Origin.READ);
        assertEquals(20.0, model.model(lamp).orElseThrow().property("temperature").orElseThrow().last().value());
        assertEquals(2, posted(ModelEvents.PROPERTY_CHANGED).size());
    }

    @Test
    void aValueKeepsTheProtectionItArrivedUnderWhenItsBindingSaysIt() {
        ThingId lamp = operational("lamp-1");
        FakeBinding zigbee = new FakeBinding("zigbee", true);
        model.attach(zigbee);
        zigbee.sink.describe(lamp, FakeBinding.lamp());
        zigbee.sink.update(lamp, "temperature", 19.25, Origin.REPORT);
        assertTrue(last(lamp, "temperature").arrivedUnder().isEmpty(), "unknown when the binding did not say");

        Protection aps = Protection.confidentiality().endToEnd();
        zigbee.sink.update(lamp, "temperature", 19.5, Origin.REPORT, aps);
        assertEquals(aps, last(lamp, "temperature").arrivedUnder().orElseThrow());
        zigbee.sink.update(lamp, "temperature", 19.5, Origin.REPORT, Protection.confidentiality());
        assertEquals(Protection.confidentiality(), last(lamp, "temperature").arrivedUnder().orElseThrow(),
                "the same value under another protection is taken as it came");
        zigbee.sink.unavailable(lamp);
        assertEquals(Protection.confidentiality(), last(lamp, "temperature").arrivedUnder().orElseThrow(),
                "kept while the value is stale");
    }

    private PropertyValue last(ThingId thing, String property) {
        return model.model(thing).orElseThrow().property(property).orElseThrow().last();
    }

    @Test
    void writesGoToTheOwningBindingAndTheReadBackValueIsReturned() {
        ThingId lamp = operational("lamp-1");
        FakeBinding zigbee = new FakeBinding("zigbee", true);
        model.attach(zigbee);
        zigbee.sink.describe(lamp, FakeBinding.lamp());

        Property on = model.writeText(lamp, "on", "on");
        assertEquals(Boolean.TRUE, on.last().value());
        assertEquals(Origin.READ, on.last().origin());
        Property level = model.write(lamp, "level", 40L);
        assertEquals(40, level.last().value(), "normalised to an Integer before it reached the binding");
        assertEquals(List.of("lamp-1 on=true", "lamp-1 level=40"), zigbee.sent);

        Property toggled = model.toggle(lamp, "on");
        assertEquals(Boolean.FALSE, toggled.last().value());
        assertEquals("lamp-1 on toggle", zigbee.sent.get(2), "the binding's own toggle command was used");
    }

    @Test
    void withoutABindingToggleTheOppositeOfTheLastValueIsWritten() {
        ThingId lamp = operational("lamp-1");
        FakeBinding ble = new FakeBinding("bluetooth", false);
        model.attach(ble);
        ble.sink.describe(lamp, FakeBinding.lamp());
        PropertyWriteException unknown = assertThrows(PropertyWriteException.class, () -> model.toggle(lamp, "on"));
        assertTrue(unknown.getMessage().contains("no value is known yet"), unknown.getMessage());
        ble.sink.update(lamp, "on", true, Origin.REPORT);
        assertEquals(Boolean.FALSE, model.toggle(lamp, "on").last().value());
        assertEquals(List.of("lamp-1 on=false"), ble.sent);
        assertThrows(PropertyWriteException.class, () -> model.toggle(lamp, "level"), "only a switch toggles");
    }

    @Test
    void badWritesAreRefusedClearlyAndNothingIsSentOrChanged() {
        ThingId lamp = operational("lamp-1");
        FakeBinding zigbee = new FakeBinding("zigbee", true);
        model.attach(zigbee);
        zigbee.sink.describe(lamp, FakeBinding.lamp());
        model.write(lamp, "level", 10);
        ThingModel before = model.model(lamp).orElseThrow();
        int events = posted.size();

        InvalidValueException range = assertThrows(InvalidValueException.class,
                () -> model.writeText(lamp, "level", "101"));
        assertEquals("property 'level' (LEVEL) refuses '101': it takes a whole number from 0 to 100 %",
                range.getMessage());
        assertThrows(InvalidValueException.class, () -> model.write(lamp, "level", "40"), "text is no number");
        assertThrows(InvalidValueException.class, () -> model.write(lamp, "on", 1), "a number is no switch");
        assertThrows(InvalidValueException.class, () -> model.writeText(lamp, "on", "dim"));
        PropertyWriteException readOnly = assertThrows(PropertyWriteException.class,
                () -> model.write(lamp, "temperature", 30.0));
        assertEquals("property 'temperature' of lamp-1 is read-only", readOnly.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> model.writeText(lamp, "colour", "red"));
        assertEquals("thing lamp-1 has no property 'colour'; it has on, level, temperature", unknown.getMessage());
        IllegalArgumentException noModel = assertThrows(IllegalArgumentException.class,
                () -> model.writeText(ThingId.of("lamp-2"), "on", "on"));
        assertEquals("thing lamp-2 has no model: no binding describes it", noModel.getMessage());

        assertEquals(List.of("lamp-1 level=10"), zigbee.sent, "nothing refused reached the binding");
        assertEquals(before, model.model(lamp).orElseThrow());
        assertEquals(events, posted.size());
    }

    @Test
    void aWriteTheThingDoesNotConfirmChangesNothing() {
        ThingId lamp = operational("lamp-1");
        FakeBinding zigbee = new FakeBinding("zigbee", true);
        model.attach(zigbee);
        zigbee.sink.describe(lamp, FakeBinding.lamp());
        model.write(lamp, "on", true);
        zigbee.deviceAnswers = false;
        PropertyWriteException e = assertThrows(PropertyWriteException.class, () -> model.write(lamp, "on", false));
        assertEquals("the device did not confirm", e.getMessage());
        assertEquals(Boolean.TRUE, model.model(lamp).orElseThrow().property("on").orElseThrow().last().value());
    }

    @Test
    void aBindingFailureReachesTheWriterNamingTheBinding() {
        ThingId lamp = operational("lamp-1");
        FakeBinding broken = new FakeBinding("zigbee", true) {
            @Override
            public void write(ThingId thing, PropertyDescriptor property, Object value) {
                throw new IllegalStateException("radio is down");
            }
        };
        model.attach(broken);
        broken.sink.describe(lamp, FakeBinding.lamp());
        PropertyWriteException e = assertThrows(PropertyWriteException.class, () -> model.write(lamp, "on", true));
        assertEquals("binding zigbee could not write 'on' of lamp-1: radio is down", e.getMessage());
    }

    @Test
    void onlyOperationalThingsAcceptWrites() {
        ThingId lamp = operational("lamp-1");
        FakeBinding zigbee = new FakeBinding("zigbee", true);
        model.attach(zigbee);
        zigbee.sink.describe(lamp, FakeBinding.lamp());
        registry.transition(lamp, Transition.MAINTAIN);
        PropertyWriteException e = assertThrows(PropertyWriteException.class, () -> model.write(lamp, "on", true));
        assertEquals("thing lamp-1 is MAINTENANCE: only OPERATIONAL things accept writes", e.getMessage());
        assertTrue(zigbee.sent.isEmpty());
    }

    @Test
    void badValuesFromABindingAreRefusedAndChangeNothing() {
        ThingId lamp = operational("lamp-1");
        FakeBinding zigbee = new FakeBinding("zigbee", true);
        model.attach(zigbee);
        PropertySink sink = zigbee.sink;
        sink.describe(lamp, FakeBinding.lamp());
        sink.update(lamp, "temperature", 21.5, Origin.REPORT);
        int events = posted.size();
        assertThrows(InvalidValueException.class, () -> sink.update(lamp, "temperature", -300.0, Origin.REPORT));
        assertThrows(InvalidValueException.class, () -> sink.update(lamp, "level", 254, Origin.REPORT),
                "a raw ZigBee level is no percentage");
        assertThrows(IllegalArgumentException.class, () -> sink.update(lamp, "humidity", 40.0, Origin.REPORT));
        assertThrows(IllegalArgumentException.class,
                () -> sink.update(ThingId.of("lamp-9"), "on", true, Origin.REPORT));
        assertEquals(21.5, model.model(lamp).orElseThrow().property("temperature").orElseThrow().last().value());
        assertEquals(events, posted.size());
        assertEquals(2L, model.refusals().get("update"));
        assertEquals(2L, model.refusals().get("update.invalid-value"));

        assertThrows(IllegalArgumentException.class, () -> sink.describe(ThingId.of("ghost-1"), FakeBinding.lamp()),
                "a thing that is not enrolled gets no model");
        assertThrows(IllegalArgumentException.class, () -> sink.describe(lamp, List.of(PropertyDescriptor.onOff(),
                PropertyDescriptor.onOff())), "duplicate ids");
        assertThrows(IllegalArgumentException.class, () -> sink.describe(lamp, List.of()));
        assertEquals(3, model.model(lamp).orElseThrow().properties().size());
    }

    @Test
    void aThingBelongsToOneBinding() {
        ThingId lamp = operational("lamp-1");
        FakeBinding zigbee = new FakeBinding("zigbee", true);
        FakeBinding other = new FakeBinding("coap", false);
        model.attach(zigbee);
        model.attach(other);
        zigbee.sink.describe(lamp, FakeBinding.lamp());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> other.sink.describe(lamp, List.of(PropertyDescriptor.onOff())));
        assertEquals("thing lamp-1 belongs to binding zigbee; binding coap cannot describe it", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> other.sink.update(lamp, "on", true, Origin.REPORT));
        assertThrows(IllegalArgumentException.class, () -> other.sink.remove(lamp));
        assertEquals("zigbee", model.model(lamp).orElseThrow().binding());
    }

    @Test
    void whenABindingStopsItsThingsGoUnavailableAndComeBackWithIt() {
        ThingId lamp = operational("lamp-1");
        FakeBinding zigbee = new FakeBinding("zigbee", true);
        model.attach(zigbee);
        PropertySink first = zigbee.sink;
        first.describe(lamp, FakeBinding.lamp());
        first.update(lamp, "on", true, Origin.READ);
        posted.clear();

        model.detach(zigbee);
        ThingModel gone = model.model(lamp).orElseThrow();
        assertFalse(gone.available());
        assertEquals(Quality.UNAVAILABLE, gone.property("on").orElseThrow().last().quality());
        assertEquals(Boolean.TRUE, gone.property("on").orElseThrow().last().value(), "the last value is kept");
        assertEquals(1, posted(ModelEvents.THING_AVAILABILITY).size());
        assertEquals(Boolean.FALSE, posted(ModelEvents.THING_AVAILABILITY).get(0).properties()
                .get(ModelEvents.AVAILABLE));
        assertEquals("UNAVAILABLE", posted(ModelEvents.PROPERTY_CHANGED).get(0).properties()
                .get(ModelEvents.QUALITY));
        PropertyWriteException e = assertThrows(PropertyWriteException.class, () -> model.write(lamp, "on", false));
        assertEquals("thing lamp-1 is UNAVAILABLE: binding zigbee is not running", e.getMessage());
        assertThrows(IllegalStateException.class, () -> first.update(lamp, "on", false, Origin.REPORT),
                "a detached sink takes nothing");
        assertTrue(zigbee.sent.isEmpty());

        FakeBinding restarted = new FakeBinding("zigbee", true);
        model.attach(restarted);
        restarted.sink.describe(lamp, FakeBinding.lamp());
        assertTrue(model.model(lamp).orElseThrow().available());
        assertEquals(Quality.UNAVAILABLE, model.model(lamp).orElseThrow().property("on").orElseThrow().last()
                .quality(), "an old value stays unconfirmed until the thing sends a new one");
        assertEquals(Boolean.FALSE, model.write(lamp, "on", false).last().value());
        assertEquals(Quality.GOOD, model.model(lamp).orElseThrow().property("on").orElseThrow().last().quality());
    }

    @Test
    void aThingThatLeftItsNetworkIsUnavailableUntilItSendsAgain() {
        ThingId lamp = operational("lamp-1");
        FakeBinding zigbee = new FakeBinding("zigbee", true);
        model.attach(zigbee);
        zigbee.sink.describe(lamp, FakeBinding.lamp());
        zigbee.sink.update(lamp, "temperature", 21.0, Origin.REPORT);
        zigbee.sink.unavailable(lamp);
        assertFalse(model.model(lamp).orElseThrow().available());
        assertThrows(PropertyWriteException.class, () -> model.write(lamp, "on", true));
        assertThrows(PropertyWriteException.class, () -> model.refresh(lamp));
        zigbee.sink.update(lamp, "temperature", 22.0, Origin.REPORT);
        assertTrue(model.model(lamp).orElseThrow().available());
        model.refresh(lamp);
        assertEquals(1, zigbee.refreshes);
    }

    @Test
    void aDecommissionedThingsModelGoesAndDoesNotComeBack() {
        ThingId lamp = operational("lamp-1");
        ThingId other = operational("lamp-2");
        FakeBinding zigbee = new FakeBinding("zigbee", true);
        model.attach(zigbee);
        zigbee.sink.describe(lamp, FakeBinding.lamp());
        zigbee.sink.describe(other, FakeBinding.lamp());
        zigbee.sink.update(lamp, "on", true, Origin.READ);

        registry.transition(lamp, Transition.DECOMMISSION);
        model.remove(lamp); // what the component does on the lifecycle event
        assertTrue(model.model(lamp).isEmpty());
        assertEquals(List.of(other), model.models().stream().map(ThingModel::thing).toList());
        assertEquals("lamp-1", posted(ModelEvents.THING_REMOVED).get(0).properties().get(ModelEvents.THING));
        assertThrows(IllegalArgumentException.class, () -> zigbee.sink.update(lamp, "on", false, Origin.REPORT),
                "late values of a removed thing are refused");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> zigbee.sink.describe(lamp, FakeBinding.lamp()));
        assertEquals("thing lamp-1 is DECOMMISSIONED: it gets no model", e.getMessage());
        assertTrue(model.model(lamp).isEmpty());
    }

    @Test
    void aBindingRemovesItsOwnThing() {
        ThingId lamp = operational("lamp-1");
        FakeBinding zigbee = new FakeBinding("zigbee", true);
        model.attach(zigbee);
        zigbee.sink.describe(lamp, FakeBinding.lamp());
        zigbee.sink.remove(lamp);
        assertTrue(model.model(lamp).isEmpty());
        assertEquals(1, posted(ModelEvents.THING_REMOVED).size());
    }

    @Test
    void reDescribingKeepsValuesOfUnchangedPropertiesOnly() {
        ThingId lamp = operational("lamp-1");
        FakeBinding zigbee = new FakeBinding("zigbee", true);
        model.attach(zigbee);
        zigbee.sink.describe(lamp, FakeBinding.lamp());
        zigbee.sink.update(lamp, "on", true, Origin.READ);
        zigbee.sink.update(lamp, "level", 50, Origin.READ);
        zigbee.sink.describe(lamp, List.of(PropertyDescriptor.onOff(), PropertyDescriptor.number("level", "Level",
                "lx", false, 0.0, 1000.0)));
        ThingModel m = model.model(lamp).orElseThrow();
        assertEquals(Boolean.TRUE, m.property("on").orElseThrow().last().value());
        assertTrue(m.property("level").orElseThrow().value().isEmpty(), "a value under another descriptor goes");
        assertTrue(m.property("temperature").isEmpty());
        assertEquals(2, posted(ModelEvents.THING_DESCRIBED).size());
    }
}
