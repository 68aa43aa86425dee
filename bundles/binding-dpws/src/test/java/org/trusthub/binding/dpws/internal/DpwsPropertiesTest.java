package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.trusthub.api.security.Protection;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.model.PropertyType;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.testkit.Await;

/**
 * The DPWS binding's things in the thing model: a discovered device's discovery data and metadata, a hosted thing's
 * state, through the model's sink like every binding's; only things the model takes (enrolled, not another
 * binding's) are described.
 */
class DpwsPropertiesTest {

    static final ThingId LAMP = ThingId.of("lamp-1");

    /** The model's side: takes the things in {@code takes}, keeps the last value of each property. */
    static final class Sink implements PropertySink {
        final Set<ThingId> takes = ConcurrentHashMap.newKeySet();
        final Map<ThingId, List<String>> described = new ConcurrentHashMap<>();
        final Map<String, Object> values = new ConcurrentHashMap<>();
        final List<ThingId> unavailable = new CopyOnWriteArrayList<>();

        @Override
        public void describe(ThingId thing, List<PropertyDescriptor> properties) {
            if (!takes.contains(thing)) {
                throw new IllegalArgumentException("thing " + thing + " is not enrolled: it gets no model");
            }
            // What a device's metadata says is the device's to change; only its operations are written (called).
            properties.forEach(p -> assertEquals(p.id().startsWith(DpwsModel.OPERATION_PREFIX), p.writable(),
                    p.id()));
            described.put(thing, properties.stream().map(PropertyDescriptor::id).toList());
        }

        @Override
        public void update(ThingId thing, String property, Object value, Origin origin) {
            assertTrue(described.getOrDefault(thing, List.of()).contains(property), thing + " " + property);
            values.put(thing.value() + " " + property, value);
        }

        @Override
        public void unavailable(ThingId thing) {
            unavailable.add(thing);
        }

        @Override
        public void remove(ThingId thing) {
        }

        Object value(ThingId thing, String property) {
            return values.get(thing.value() + " " + property);
        }
    }

    final Sink sink = new Sink();
    final List<Thing> things = new CopyOnWriteArrayList<>();
    DpwsBinding binding;
    DpwsStack client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (binding != null) {
            binding.deactivate();
        }
    }

    void operational(ThingId thing) {
        Instant now = Instant.now();
        things.add(new Thing(thing, LifecycleState.OPERATIONAL, "owner", now, now, 0));
    }

    DpwsBinding hosting() throws Exception {
        binding = new DpwsBinding();
        binding.registry = FailClosedTest.registry(things);
        binding.bindPolicy(Policies.none());
        binding.activate(FailClosedTest.config(Map.of("discoveryPort", 0, "hostEnabled", true)));
        return binding;
    }

    @Test
    void aHostedThingsStateIsInTheModelAndFollowsItsLifecycle() throws Exception {
        operational(LAMP);
        sink.takes.add(LAMP);
        hosting();
        DpwsProperties properties = new DpwsProperties(binding);
        properties.attach(sink);
        String device = binding.stack().host().deviceFor(LAMP).address();
        assertEquals(List.of(DeviceHost.STATE_PROPERTY, DpwsModel.DEVICE), sink.described.get(LAMP));
        assertEquals("OPERATIONAL", sink.value(LAMP, DeviceHost.STATE_PROPERTY));
        assertEquals(device, sink.value(LAMP, DpwsModel.DEVICE));

        things.set(0, new Thing(LAMP, LifecycleState.MAINTENANCE, "owner", Instant.now(), Instant.now(), 1));
        binding.stateChanged(LAMP);
        // No longer hosted (only OPERATIONAL things are): its device is gone, its values unavailable.
        assertEquals(List.of(LAMP), sink.unavailable);
        things.set(0, new Thing(LAMP, LifecycleState.OPERATIONAL, "owner", Instant.now(), Instant.now(), 2));
        binding.stateChanged(LAMP);
        assertEquals("OPERATIONAL", sink.value(LAMP, DeviceHost.STATE_PROPERTY));
        assertEquals(binding.stack().host().deviceFor(LAMP).address(), sink.value(LAMP, DpwsModel.DEVICE));

        PropertyWriteException e = assertThrows(PropertyWriteException.class, () -> properties.write(LAMP,
                PropertyDescriptor.onOff(), Boolean.TRUE));
        assertTrue(e.getMessage().contains("read-only"), e.getMessage());
    }

    @Test
    void aLateLifecycleEventPublishesTheRegistrysStateNotItsOwn() throws Exception {
        operational(LAMP);
        sink.takes.add(LAMP);
        hosting();
        new DpwsProperties(binding).attach(sink);
        HostedStateEvents events = new HostedStateEvents(binding);
        // The MAINTENANCE transition's event arrives after the thing is OPERATIONAL again.
        events.handleEvent(new Event(TrustHubEvents.LIFECYCLE_TOPIC_PREFIX + "MAINTENANCE", Map.of(
                TrustHubEvents.THING, LAMP.value(), TrustHubEvents.FROM_STATE, "OPERATIONAL",
                TrustHubEvents.TO_STATE, "MAINTENANCE")));
        assertEquals("OPERATIONAL", sink.value(LAMP, DeviceHost.STATE_PROPERTY), "a stale state was published");
        assertTrue(sink.unavailable.isEmpty());
        assertTrue(binding.stack().host().hosted().containsKey(LAMP));

        things.set(0, new Thing(LAMP, LifecycleState.DECOMMISSIONED, "owner", Instant.now(), Instant.now(), 3));
        events.handleEvent(new Event(TrustHubEvents.LIFECYCLE_TOPIC_PREFIX + "OPERATIONAL", Map.of(
                TrustHubEvents.THING, LAMP.value(), TrustHubEvents.TO_STATE, "OPERATIONAL")));
        assertEquals(List.of(LAMP), sink.unavailable, "the thing's current state (DECOMMISSIONED) was not applied");
        assertTrue(binding.stack().host().hosted().isEmpty());
    }

    @Test
    void aHostedThingAnotherBindingOwnsKeepsThatModel() throws Exception {
        operational(LAMP);
        hosting();
        new DpwsProperties(binding).attach(sink);
        assertTrue(sink.described.isEmpty(), sink.described.toString());
        assertTrue(sink.values.isEmpty());
    }

    @Test
    void aDiscoveredEnrolledDeviceShowsItsDiscoveryDataAndMetadataUntilItIsGone() throws Exception {
        operational(LAMP);
        hosting();
        DpwsStack.Config c = DpwsStack.Config.loopback("hub-b");
        client = new DpwsStack(new DpwsStack.Config(c.interfaces(), 0, 0, true, false, true, false, "hub-b",
                Duration.ofSeconds(5)), null, Policies.plain());
        DpwsModel model = new DpwsModel(sink);
        client.client().addListener(model::deviceChanged);
        client.client().addGoneListener(model::deviceGone);
        client.start();
        String address = binding.stack().host().deviceFor(LAMP).address();
        ThingId device = DiscoveredDevice.thingIdFor(address);
        // Enrolled on the client's hub (its certificate known), so the model takes it.
        sink.takes.add(device);
        client.client().probe(List.of(), new InetSocketAddress(InetAddress.getLoopbackAddress(),
                binding.stack().discoveryPort()), Duration.ofSeconds(1));
        assertEquals(DpwsModel.DISCOVERED.stream().map(PropertyDescriptor::id).toList(), sink.described.get(device));
        assertEquals("online", sink.value(device, DpwsModel.STATUS));
        assertTrue(((String) sink.value(device, DpwsModel.TYPES)).contains("ThingDevice"),
                String.valueOf(sink.value(device, DpwsModel.TYPES)));
        assertTrue(((String) sink.value(device, DpwsModel.XADDRS)).startsWith("http://127.0.0.1:"));

        client.client().fetchMetadata(address);
        assertEquals("trusthub", sink.value(device, DpwsModel.MANUFACTURER));
        assertEquals("trusthub hosted thing", sink.value(device, DpwsModel.MODEL_NAME));
        assertEquals(LAMP.value(), sink.value(device, DpwsModel.FRIENDLY_NAME));
        assertEquals("1.0", sink.value(device, DpwsModel.FIRMWARE));

        client.client().forget(device);
        assertEquals(List.of(device), sink.unavailable);
    }

    /**
     * Another vendor's enrolled device whose WSDL is given by reference: its operation is a writable property whose
     * write calls it, its event a property the notifications' payload reaches, with no console command run.
     */
    @Test
    void aDiscoveredDevicesOperationsAndEventsAreProperties() throws Exception {
        hosting();
        DpwsProperties properties = new DpwsProperties(binding);
        properties.attach(sink);
        try (ReferencedWsdlDevice vendor = new ReferencedWsdlDevice()) {
            vendor.mode = ReferencedWsdlDevice.Mode.REFERENCE;
            ThingId device = DiscoveredDevice.thingIdFor(vendor.address);
            sink.takes.add(device);
            vendor.helloTo(binding.stack(), DpwsVersion.DPWS_2009);
            Await.until("the device's operations in the model", () -> sink.described.getOrDefault(device, List.of())
                    .containsAll(List.of("op-echo", "ev-ticked")));
            assertEquals("urn:vendor:echo: Echo, event Ticked", sink.value(device, DpwsModel.OPERATIONS));

            PropertyDescriptor echo = new PropertyDescriptor("op-echo", PropertyType.STRING, null, null, true, null,
                    null);
            properties.write(device, echo, "\"hi\"");
            assertEquals(1, vendor.echoes.get());
            assertTrue(String.valueOf(sink.value(device, "op-echo")).contains(">hi</"),
                    String.valueOf(sink.value(device, "op-echo")));

            Await.until("the hub to subscribe to the device's events", () -> vendor.notifyTo != null);
            vendor.tick(7);
            Await.until("the event's payload in the model", () -> String.valueOf(sink.value(device, "ev-ticked"))
                    .contains(">7</"));

            PropertyWriteException e = assertThrows(PropertyWriteException.class, () -> properties.write(device,
                    new PropertyDescriptor("ev-ticked", PropertyType.STRING, null, null, false, null, null), "1"));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            e = assertThrows(PropertyWriteException.class, () -> properties.write(device, echo, "{not json"));
            assertTrue(e.getMessage().contains("bad input"), e.getMessage());
            assertEquals(1, vendor.echoes.get(), "bad input reached the device");
        }
    }

    @Test
    void aDeviceWhoseOperationsAreUnknownSaysSoInTheModel() throws Exception {
        hosting();
        new DpwsProperties(binding).attach(sink);
        try (ReferencedWsdlDevice vendor = new ReferencedWsdlDevice()) {
            vendor.location = "http://192.0.2.1/wsdl";
            ThingId device = DiscoveredDevice.thingIdFor(vendor.address);
            sink.takes.add(device);
            vendor.helloTo(binding.stack(), DpwsVersion.DPWS_2006);
            Await.until("the model to say the operations are unknown", () -> String.valueOf(sink.value(device,
                    DpwsModel.OPERATIONS)).startsWith("urn:vendor:echo: unknown: the WSDL reference "
                            + "http://192.0.2.1/wsdl is not on the device's own host"));
            assertEquals(DpwsModel.DISCOVERED.stream().map(PropertyDescriptor::id).toList(), sink.described.get(device));
        }
    }

    @Test
    void aDeviceThatIsNotEnrolledIsNotInTheModel() {
        DpwsModel model = new DpwsModel(sink);
        ThingId stranger = ThingId.of("dpws:7d444840-9dc0-11d1-b245-5ffdce74fad2");
        model.deviceChanged(new DiscoveredDevice("urn:uuid:7d444840-9dc0-11d1-b245-5ffdce74fad2", stranger,
                DpwsVersion.DPWS_2009, List.of(), List.of(), List.of("http://192.0.2.1/x"), 1, Instant.now(), null,
                null, Protection.NONE));
        assertTrue(sink.described.isEmpty());
        assertTrue(sink.values.isEmpty());
    }
}
