package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.w3c.dom.Element;

/** A device host and a client, each a full stack on loopback, talking by directed discovery and HTTP. */
class LoopbackDpwsTest {

    static final ThingId LAMP = ThingId.of("lamp-kitchen-1");

    final Map<ThingId, String> states = new ConcurrentHashMap<>(Map.of(LAMP, "OPERATIONAL"));
    DpwsStack hostStack;
    DpwsStack clientStack;

    @BeforeEach
    void start() throws Exception {
        ThingSource things = new ThingSource() {
            @Override
            public List<ThingId> hosted() {
                return List.copyOf(states.keySet());
            }

            @Override
            public Optional<String> state(ThingId thing) {
                return Optional.ofNullable(states.get(thing));
            }
        };
        hostStack = new DpwsStack(DpwsStack.Config.loopback("hub-a"), things, Policies.plain());
        hostStack.start();
        DpwsStack.Config c = DpwsStack.Config.loopback("hub-b");
        clientStack = new DpwsStack(new DpwsStack.Config(c.interfaces(), 0, 0, true, false, true, false, "hub-b",
                Duration.ofSeconds(5)), things, Policies.plain());
        clientStack.start();
    }

    @AfterEach
    void stop() {
        clientStack.close();
        hostStack.close();
    }

    InetSocketAddress hostDiscovery() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), hostStack.discoveryPort());
    }

    String probeLamp() throws Exception {
        List<DiscoveryMessage.Endpoint> found = clientStack.client().probe(List.of(), hostDiscovery(),
                Duration.ofSeconds(1));
        String address = hostStack.host().deviceFor(LAMP).address();
        assertTrue(found.stream().anyMatch(e -> e.address().equals(address)), "probe found " + found);
        return address;
    }

    @Test
    void directedProbeFindsTheHostedThingInBothGenerations() throws Exception {
        String address = probeLamp();
        DiscoveredDevice d = clientStack.client().device(address).orElseThrow();
        assertEquals(1, d.xaddrs().size(), "ProbeMatch carries the one address facing the prober");
        assertTrue(d.xaddrs().get(0).startsWith("http://127.0.0.1:" + hostStack.httpPort() + "/dpws/"));
        assertEquals(ThingId.of("dpws:" + address.substring("urn:uuid:".length())), d.thing());
    }

    @Test
    void resolveReturnsTransportAddresses() throws Exception {
        String address = hostStack.host().deviceFor(LAMP).address();
        Optional<DiscoveryMessage.Endpoint> e = clientStack.client().resolve(address, hostDiscovery(),
                Duration.ofSeconds(1));
        assertTrue(e.isPresent());
        assertEquals(List.of("http://127.0.0.1:" + hostStack.httpPort() + hostStack.host().deviceFor(LAMP)
                .devicePath()), e.get().xaddrs());
    }

    @Test
    void metadataWsdlAndInvoke() throws Exception {
        String address = probeLamp();
        DiscoveredDevice d = clientStack.client().fetchMetadata(address);
        assertEquals("lamp-kitchen-1", d.metadata().friendlyName());
        assertEquals("trusthub", d.metadata().manufacturer());
        assertEquals(1, d.metadata().services().size());
        DiscoveredDevice.HostedService svc = d.metadata().services().get(0);
        assertEquals(List.of(DeviceHost.THING_PORT_TYPE), svc.types());
        List<Wsdl.Operation> ops = clientStack.client().serviceOperations(address, svc.address()).operations();
        assertEquals(2, ops.size());
        Wsdl.Operation getStatus = ops.stream().filter(o -> o.name().equals("GetStatus")).findFirst().orElseThrow();
        assertEquals(DeviceHost.GET_STATUS, getStatus.inputAction());
        assertTrue(ops.stream().anyMatch(o -> o.isEvent() && o.outputAction().equals(DeviceHost.STATE_CHANGED)));

        Element payload = Xml.newDocument().createElementNS(DeviceHost.TH, "th:GetStatus");
        SoapMessage r = clientStack.client().invoke(address, svc.address(), getStatus.inputAction(), payload);
        assertEquals(DeviceHost.GET_STATUS_RESPONSE, r.action());
        Element status = Xml.child(r.body, DeviceHost.TH, "Status");
        assertEquals("OPERATIONAL", Xml.childText(status, DeviceHost.TH, "State"));
        assertEquals(Protection.NONE, clientStack.client().device(address).orElseThrow().protection());
    }

    @Test
    void eventingSubscribeNotifyRenewStatusUnsubscribe() throws Exception {
        String address = probeLamp();
        DiscoveredDevice d = clientStack.client().fetchMetadata(address);
        String service = d.metadata().services().get(0).address();
        BlockingQueue<SoapMessage> events = new ArrayBlockingQueue<>(10);
        DpwsClient.ClientSubscription s = clientStack.client().subscribe(address, service,
                List.of(DeviceHost.STATE_CHANGED), Duration.ofMinutes(10), events::add);
        assertEquals(1, hostStack.host().subscriptions().size());

        hostStack.host().stateChanged(LAMP, "MAINTENANCE");
        SoapMessage n = events.poll(5, TimeUnit.SECONDS);
        assertNotNull(n, "no notification arrived");
        assertEquals(DeviceHost.STATE_CHANGED, n.action());
        assertEquals("MAINTENANCE", Xml.childText(Xml.child(n.body, DeviceHost.TH, "StateChanged"), DeviceHost.TH,
                "State"));

        Duration left = clientStack.client().status(s);
        assertTrue(left.compareTo(Duration.ofMinutes(9)) > 0 && left.compareTo(Duration.ofMinutes(10)) <= 0, left
                .toString());
        DpwsClient.ClientSubscription renewed = clientStack.client().renew(s, Duration.ofMinutes(30));
        assertTrue(renewed.expires().isAfter(s.expires()));

        clientStack.client().unsubscribe(renewed);
        assertTrue(hostStack.host().subscriptions().isEmpty());
        assertTrue(clientStack.client().subscriptions().isEmpty());
    }

    @Test
    void subscriptionEndReachesTheClientWhenTheThingGoes() throws Exception {
        String address = probeLamp();
        String service = clientStack.client().fetchMetadata(address).metadata().services().get(0).address();
        BlockingQueue<SoapMessage> events = new ArrayBlockingQueue<>(10);
        clientStack.client().subscribe(address, service, List.of(), Duration.ofMinutes(5), events::add);
        states.remove(LAMP);
        hostStack.host().refresh();
        SoapMessage end = events.poll(5, TimeUnit.SECONDS);
        assertNotNull(end);
        assertEquals(Eventing.SUBSCRIPTION_END, end.action());
        assertTrue(clientStack.client().subscriptions().isEmpty());
    }
}
