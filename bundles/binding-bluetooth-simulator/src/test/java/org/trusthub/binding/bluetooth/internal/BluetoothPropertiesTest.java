package org.trusthub.binding.bluetooth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.model.InvalidValueException;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyValue;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.model.Quality;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.bluetooth.simulator.SimulatedAdapter;
import org.trusthub.binding.bluetooth.simulator.SimulatedPeripheral;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.model.internal.ModelCore;
import org.trusthub.security.link.ble.BleSecurityException;
import org.trusthub.security.link.ble.internal.BleLinkSecurityProvider;
import org.trusthub.testkit.Await;

/**
 * A simulated temperature sensor's GATT values in the hub's thing model, against the real keystore, registry, link
 * provider, bridge and model; the lifecycle dispatcher's calls are made synchronously.
 */
class BluetoothPropertiesTest {

    @TempDir
    Path dir;
    FileThingKeyStore keystore;
    ThingRegistryCore registry;
    SimulatedAdapter adapter;
    BluetoothBridgeImpl bridge;
    BluetoothProperties properties;
    BleLinkSecurityProvider provider;
    final BleTestSecurity.Policy policy = new BleTestSecurity.Policy();
    final BleTestSecurity.Refusals refusals = new BleTestSecurity.Refusals();
    ModelCore model;

    @BeforeEach
    void start() throws Exception {
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"));
        // the lifecycle dispatcher's calls, synchronously; the model removes a decommissioned thing itself
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, (topic, props) -> {
            BleTestSecurity.dispatch(registry, bridge, provider, topic, props);
            if (model != null && Transition.DECOMMISSION.name().equals(props.get("transition"))) {
                model.remove(ThingId.of((String) props.get("thing.id")));
            }
        }, Clock.systemUTC());
        adapter = new SimulatedAdapter(dir.resolve("sim"), 2, 0);
        provider = new BleLinkSecurityProvider(keystore);
        bridge = new BluetoothBridgeImpl(keystore, registry, adapter, BleTestSecurity.config(false), null);
        BleTestSecurity.wire(bridge, provider, policy, refusals);
        properties = bridge.properties();
        model = new ModelCore((t, p) -> { }, id -> registry.find(id).map(Thing::state), Clock.systemUTC());
        model.attach(properties);
    }

    @AfterEach
    void stop() {
        model.close();
        bridge.deactivate();
        registry.close();
        keystore.close();
    }

    private ThingId pair(String name) {
        String address = bridge.scan().stream().filter(d -> d.advertisement().name().startsWith(name + " "))
                .map(d -> d.advertisement().address().toString()).findFirst().orElseThrow();
        return bridge.pair(address, "alice");
    }

    @Test
    void aPairedSensorAppearsAndItsTemperatureComesFromReadsAndNotifications() throws Exception {
        ThingId thing = pair("sim-thermo-1");
        ThingModel m = model.model(thing).orElseThrow();
        assertEquals("bluetooth", m.binding());
        assertTrue(m.simulated());
        assertEquals(List.of("temperature", "interval"), m.properties().stream().map(Property::id).toList());

        model.refresh(thing);
        PropertyValue read = Await.nonNull("the read value", () -> value(thing, "temperature").orElse(null));
        assertEquals(21.5, read.value());
        assertEquals(Origin.READ, read.origin());

        bridge.sessions().subscribe(thing);
        SimulatedPeripheral p = adapter.peripheral("sim-thermo-1").orElseThrow();
        p.setTemperature(23.25);
        PropertyValue notified = Await.nonNull("the notified value", () -> value(thing, "temperature")
                .filter(v -> v.value().equals(23.25))
                .orElse(null));
        assertEquals(Origin.REPORT, notified.origin());
        assertTrue(model.model(ThingId.of("ble-c0514d000002")).isEmpty(), "an unpaired sensor has no model");
    }

    @Test
    void theIntervalIsWrittenOverTheEncryptedLinkAndBadValuesSendNothing() {
        ThingId thing = pair("sim-thermo-1");
        SimulatedPeripheral p = adapter.peripheral("sim-thermo-1").orElseThrow();
        Property written = model.writeText(thing, "interval", "30s");
        assertEquals(30.0, written.last().value());
        assertEquals(Origin.WRITE, written.last().origin());
        assertEquals(30, p.interval(), "the peripheral took it");

        assertThrows(InvalidValueException.class, () -> model.writeText(thing, "interval", "0"));
        assertThrows(InvalidValueException.class, () -> model.writeText(thing, "interval", "70000"));
        assertThrows(InvalidValueException.class, () -> model.write(thing, "interval", 12.5));
        assertThrows(PropertyWriteException.class, () -> model.writeText(thing, "temperature", "5"));
        assertEquals(30, p.interval());
        assertEquals(30.0, value(thing, "interval").orElseThrow().value());
    }

    @Test
    void maintenanceMakesItUnavailableAndRemovingTheBondRemovesItsModel() {
        ThingId thing = pair("sim-thermo-1");
        registry.transition(thing, Transition.MAINTAIN);
        assertFalse(model.model(thing).orElseThrow().available());
        assertThrows(PropertyWriteException.class, () -> model.writeText(thing, "interval", "10"));
        registry.transition(thing, Transition.RESUME);
        // back in service with its next value
        properties.read(thing);
        assertTrue(model.model(thing).orElseThrow().available());

        bridge.remove(thing);
        assertTrue(model.model(thing).isEmpty());
    }

    @Test
    void bondsKeptFromBeforeAreDescribedWhenTheModelAttaches() {
        ThingId thing = pair("sim-thermo-2");
        properties.read(thing);
        model.detach(properties);
        ModelCore fresh = new ModelCore((t, p) -> { }, id -> registry.find(id).map(Thing::state), Clock.systemUTC());
        fresh.attach(properties);
        try {
            ThingModel m = fresh.model(thing).orElseThrow();
            assertTrue(m.available());
            assertEquals(21.5, m.property("temperature").orElseThrow().last().value());
        } finally {
            fresh.close();
        }
    }

    private Optional<PropertyValue> value(ThingId thing, String property) {
        return model.model(thing).flatMap(m -> m.property(property)).flatMap(Property::value);
    }

    @Test
    void raisingTheThingsRequirementRefusesItsReadsAndTakesItsValuesOutOfService() {
        ThingId thing = pair("sim-thermo-1");
        assertEquals(21.5, properties.read(thing));
        assertEquals(Origin.READ, value(thing, "temperature").orElseThrow().origin());

        policy.inbound = Protection.parse("confidentiality/end-to-end");
        BleSecurityException e = assertThrows(BleSecurityException.class, () -> properties.read(thing));
        assertEquals(BleSecurityException.Reason.POLICY, e.reason());
        assertFalse(model.model(thing).orElseThrow().available(), "the value that arrived below it is not served");
        assertEquals(Quality.UNAVAILABLE, value(thing, "temperature").orElseThrow().quality());
        assertEquals(1L, refusals.count(RefusalReason.POLICY));
    }
}
