package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.trusthub.api.thing.ThingId;
import org.w3c.dom.Element;

/**
 * The hub's own client as a strict conforming consumer of a hosted device's metadata, in both DPWS generations: the
 * proxy is built from the WSDL alone (operation table, actions, address, schema), then GetStatus is invoked and
 * StateChanged subscribed to with nothing but what the WSDL says, every payload validated against its schema.
 */
class StrictConsumerTest {

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

    /** The client learns the hosted lamp from a Hello of this generation, so it speaks that generation to it. */
    static String helloFrom(DpwsStack host, DpwsStack client, ThingId thing, DpwsVersion v) throws Exception {
        DeviceHost.Hosted h = host.host().deviceFor(thing);
        SoapMessage hello = DiscoveryMessage.hello(v, host.host().endpoint(v, h, host.deviceUrls(h)),
                host.host().nextSequence());
        client.client().onDiscovery(DiscoveryMessage.read(SoapMessage.read(Xml.parse(hello.bytes(), Xml.MAX_HTTP),
                Set.of())), null);
        assertEquals(v, client.client().device(h.address()).orElseThrow().version());
        return h.address();
    }

    @ParameterizedTest
    @EnumSource(DpwsVersion.class)
    void proxyFromTheWsdlAloneInvokesAndSubscribes(DpwsVersion v) throws Exception {
        String device = helloFrom(hostStack, clientStack, LAMP, v);
        String service = clientStack.client().fetchMetadata(device).metadata().services().get(0).address();
        StrictWsdlConsumer.Proxy proxy = StrictWsdlConsumer.proxy(clientStack.client().serviceMetadata(device,
                service), v, service);
        assertEquals(device, proxy.host());

        StrictWsdlConsumer.Op call = proxy.operations().values().stream().filter(o -> !o.isEvent()).findFirst()
                .orElseThrow();
        Element request = Xml.newDocument().createElementNS(call.inputElement().getNamespaceURI(),
                "p:" + call.inputElement().getLocalPart());
        proxy.validate(request, call.inputElement());
        SoapMessage r = clientStack.client().invoke(device, proxy.address(), call.inputAction(), request);
        assertEquals(v, r.version);
        assertEquals(call.outputAction(), r.action());
        proxy.validate(Xml.firstElement(r.body), call.outputElement());

        List<StrictWsdlConsumer.Op> events = proxy.events();
        assertFalse(events.isEmpty(), "the WSDL declares no event");
        BlockingQueue<SoapMessage> received = new ArrayBlockingQueue<>(10);
        clientStack.client().subscribe(device, proxy.address(), events.stream()
                .map(StrictWsdlConsumer.Op::outputAction).toList(), Duration.ofMinutes(5), received::add);
        hostStack.host().stateChanged(LAMP, "MAINTENANCE");
        SoapMessage n = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(n, "no notification arrived");
        StrictWsdlConsumer.Op event = events.stream().filter(e -> e.outputAction().equals(n.action())).findFirst()
                .orElseThrow(() -> new AssertionError("notification " + n.action() + " is not in the WSDL"));
        proxy.validate(Xml.firstElement(n.body), event.outputElement());
    }

    /** The consumer refuses each gap the issue named: no EventSource, an untyped part, a binding without operations. */
    @ParameterizedTest
    @EnumSource(DpwsVersion.class)
    void theConsumerRefusesWhatAStrictClientRefuses(DpwsVersion v) {
        DeviceHost.Hosted h = new DeviceHost.Hosted(LAMP, java.util.UUID.randomUUID());
        java.util.function.Supplier<Element> metadata = () -> {
            SoapMessage r = SoapMessage.create(v, DpwsVersion.WST_GET_RESPONSE, v.anonymous, null);
            DeviceMetadata.service(r.body, v, h, "http://127.0.0.1:1");
            return Xml.child(r.body, DpwsVersion.MEX, "Metadata");
        };
        String address = "http://127.0.0.1:1" + h.servicePath();
        assertEquals(address, StrictWsdlConsumer.proxy(metadata.get(), v, address).address());

        Element noEventSource = metadata.get();
        defs(noEventSource).getElementsByTagNameNS(DpwsVersion.WSDL, "portType").item(0).getAttributes()
                .removeNamedItemNS(DpwsVersion.WSE, "EventSource");
        assertRefused(noEventSource, v, address, "wse:EventSource");

        Element untyped = metadata.get();
        ((Element) defs(untyped).getElementsByTagNameNS(StrictWsdlConsumer.XS, "element").item(0))
                .removeChild(defs(untyped).getElementsByTagNameNS(StrictWsdlConsumer.XS, "complexType").item(0));
        assertRefused(untyped, v, address, "has no type");

        Element bare = metadata.get();
        Element binding = (Element) defs(bare).getElementsByTagNameNS(DpwsVersion.WSDL, "binding").item(0);
        for (Element op : Xml.children(binding, DpwsVersion.WSDL, "operation")) {
            binding.removeChild(op);
        }
        assertRefused(bare, v, address, "binding operations");

        Element noRelationship = metadata.get();
        noRelationship.removeChild(Xml.children(noRelationship, DpwsVersion.MEX, "MetadataSection").get(1));
        assertRefused(noRelationship, v, address, "no Relationship");
    }

    private static Element defs(Element metadata) {
        return (Element) metadata.getElementsByTagNameNS(DpwsVersion.WSDL, "definitions").item(0);
    }

    private static void assertRefused(Element metadata, DpwsVersion v, String address, String rule) {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> StrictWsdlConsumer.proxy(metadata, v, address));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(rule), e.getMessage());
    }

    /** DPWS 2006 clients fetch a hosted service's metadata with WS-Transfer Get sent to the service endpoint. */
    @ParameterizedTest
    @EnumSource(DpwsVersion.class)
    void transferGetOnTheServiceEndpointAnswersItsMetadata(DpwsVersion v) throws Exception {
        String device = helloFrom(hostStack, clientStack, LAMP, v);
        String service = clientStack.client().fetchMetadata(device).metadata().services().get(0).address();
        SoapMessage get = SoapMessage.create(v, DpwsVersion.WST_GET, service, null);
        SoapMessage r = new SoapHttpClient(Duration.ofSeconds(5)).post(URI.create(service), get.bytes(), Set.of());
        assertNull(r.faultReason(), () -> "fault: " + r.faultReason());
        assertEquals(DpwsVersion.WST_GET_RESPONSE, r.action());
        assertEquals(get.messageId(), r.relatesTo());
        StrictWsdlConsumer.Proxy proxy = StrictWsdlConsumer.proxy(Xml.child(r.body, DpwsVersion.MEX, "Metadata"), v,
                service);
        assertEquals(service, proxy.address());
    }
}
