package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.xml.namespace.QName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.HostedRequest;
import org.trusthub.binding.dpws.spi.HostedService;
import org.trusthub.binding.dpws.spi.HostedServiceException;
import org.trusthub.binding.dpws.spi.SoapSecurityException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The whiteboard hook: a service contributed by "another bundle" is announced, described, invoked and withdrawn. */
class ContributedServiceTest {

    static final ThingId LAMP = ThingId.of("lamp-kitchen-1");
    static final String NS = "urn:example:echo";
    static final QName ECHO_TYPE = new QName(NS, "EchoPortType");
    static final String ECHO = NS + "/Echo";
    static final String ECHO_RESPONSE = NS + "/EchoResponse";

    final Map<ThingId, String> states = new ConcurrentHashMap<>(Map.of(LAMP, "OPERATIONAL"));
    final HostedServices contributed = new HostedServices();
    final List<HostedRequest> seen = new CopyOnWriteArrayList<>();
    final Policies hostPolicy = Policies.none();
    final Policies.Refusals refusals = new Policies.Refusals();
    /** Who the host takes a signed request to come from. */
    volatile ThingId caller = ThingId.of("client-hub");
    /** Verifies a marked request as signed by {@link #caller}; one without a wsse:Security header is unsigned. */
    final SecuritySeamTest.MarkerSecurity hostSecurity = new SecuritySeamTest.MarkerSecurity("good") {
        @Override
        public Optional<Authenticated> verifyRequest(Document envelope, ThingId hosted, Protection required)
                throws SoapSecurityException {
            Element header = Xml.child(envelope.getDocumentElement(), DpwsVersion.SOAP, "Header");
            if (Xml.child(header, DpwsVersion.WSSE, "Security") == null) {
                return Optional.empty();
            }
            verify(envelope, hosted, required);
            return Policies.signedBy(Optional.of(caller));
        }
    };
    DpwsStack hostStack;
    DpwsStack clientStack;

    /** Echoes the text of the request element; refuses "no" with a subcode. */
    class Echo implements HostedService {
        @Override
        public String name() {
            return "echo";
        }

        @Override
        public QName serviceType() {
            return ECHO_TYPE;
        }

        @Override
        public Set<String> actions() {
            return Set.of(ECHO);
        }

        @Override
        public void wsdl(Element section, String address) {
            Element defs = Xml.add(section, DpwsVersion.WSDL, "wsdl:definitions");
            defs.setAttribute("targetNamespace", NS);
            Element pt = Xml.add(defs, DpwsVersion.WSDL, "wsdl:portType");
            pt.setAttribute("name", "EchoPortType");
            Element op = Xml.add(pt, DpwsVersion.WSDL, "wsdl:operation");
            op.setAttribute("name", "Echo");
            Xml.add(op, DpwsVersion.WSDL, "wsdl:input").setAttributeNS(Wsdl.WSAM, "wsam:Action", ECHO);
            Xml.add(op, DpwsVersion.WSDL, "wsdl:output").setAttributeNS(Wsdl.WSAM, "wsam:Action", ECHO_RESPONSE);
        }

        @Override
        public HostedResponse invoke(HostedRequest request) throws HostedServiceException {
            seen.add(request);
            String text = request.body().map(Xml::text).orElse("");
            if (text.equals("no")) {
                throw new HostedServiceException(new QName(NS, "Refused"), "the echo service says no");
            }
            Element out = Xml.newDocument().createElementNS(NS, "e:Echoed");
            out.setTextContent(text + " from " + request.hostedThing().value());
            return new HostedResponse(ECHO_RESPONSE, Optional.of(out));
        }
    }

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
        hostStack = new DpwsStack(DpwsStack.Config.loopback("hub-a"), things, new MessageSecurity(() -> hostSecurity,
                () -> hostPolicy, () -> refusals));
        hostStack.host().services(contributed);
        hostStack.start();
        DpwsStack.Config c = DpwsStack.Config.loopback("hub-b");
        clientStack = new DpwsStack(new DpwsStack.Config(c.interfaces(), 0, 0, true, false, true, false, "hub-b",
                Duration.ofSeconds(5)), things, Policies.with(() -> new SecuritySeamTest.MarkerSecurity("good")));
        clientStack.start();
    }

    @AfterEach
    void stop() {
        clientStack.close();
        hostStack.close();
    }

    String discover() throws Exception {
        clientStack.client().probe(List.of(), new InetSocketAddress(InetAddress.getLoopbackAddress(),
                hostStack.discoveryPort()), Duration.ofSeconds(1));
        return hostStack.host().deviceFor(LAMP).address();
    }

    Element payload(String text) {
        Element e = Xml.newDocument().createElementNS(NS, "e:Echo");
        e.setTextContent(text);
        return e;
    }

    @Test
    void aContributedServiceIsAnnouncedDescribedAndInvoked() throws Exception {
        assertTrue(contributed.add(new Echo()));
        String address = discover();
        DiscoveredDevice d = clientStack.client().fetchMetadata(address);
        assertEquals(2, d.metadata().services().size());
        DiscoveredDevice.HostedService echo = d.metadata().services().stream()
                .filter(s -> s.types().contains(ECHO_TYPE)).findFirst().orElseThrow();
        assertEquals(HostedService.SERVICE_ID_PREFIX + "echo", echo.serviceId());
        assertTrue(echo.address().endsWith(hostStack.host().deviceFor(LAMP).devicePath() + "/echo"), echo.address());

        List<Wsdl.Operation> ops = clientStack.client().serviceOperations(address, echo.address()).operations();
        assertEquals(List.of(new Wsdl.Operation("EchoPortType", "Echo", ECHO, ECHO_RESPONSE)), ops);

        SoapMessage r = clientStack.client().invoke(address, echo.address(), ECHO, payload("hello"));
        assertEquals(ECHO_RESPONSE, r.action());
        assertEquals("hello from lamp-kitchen-1", Xml.childText(r.body, NS, "Echoed"));
        HostedRequest got = seen.get(0);
        assertEquals(LAMP, got.hostedThing());
        assertEquals(ECHO, got.action());
        assertEquals(Optional.of(ThingId.of("client-hub")), got.caller().map(a -> a.thing()));
        assertEquals(List.of("write client-hub lamp-kitchen-1 echo"), hostPolicy.asked.stream()
                .filter(a -> a.startsWith("write")).toList(), "invoking is a write the policy decides");
    }

    @Test
    void anUnsignedCallIsRefusedAndCountedAsPolicyWhateverTheRules() throws Exception {
        contributed.add(new Echo());
        String base = "http://127.0.0.1:" + hostStack.httpPort() + hostStack.host().deviceFor(LAMP).devicePath();
        String refused = post(base + "/echo", ECHO, "<e:Echo xmlns:e='" + NS + "'>hi</e:Echo>");
        assertTrue(refused.contains("an unauthenticated caller may not write echo of lamp-kitchen-1 (security "
                + "policy)"), refused);
        assertTrue(seen.isEmpty(), "the service ran for an unauthenticated caller");
        assertEquals(List.of("-/dpws/POLICY"), refusals.seen);
        assertTrue(hostPolicy.grants, "refused although the policy grants every write");

        String status = post(base + "/thing", DeviceHost.GET_STATUS, "<th:GetStatus xmlns:th='" + DeviceHost.TH
                + "'/>");
        assertTrue(status.contains("OPERATIONAL"), "an unsigned read the policy lets through still is: " + status);
    }

    @Test
    void aThingWritingItselfIsThePolicysDecision() throws Exception {
        contributed.add(new Echo());
        caller = LAMP;
        String address = discover();
        String echo = clientStack.client().fetchMetadata(address).metadata().services().stream()
                .filter(s -> s.types().contains(ECHO_TYPE)).findFirst().orElseThrow().address();
        hostPolicy.grants = false;
        IOException e = assertThrows(IOException.class, () -> clientStack.client().invoke(address, echo, ECHO,
                payload("mine")));
        assertTrue(e.getMessage().contains("lamp-kitchen-1 may not write echo of lamp-kitchen-1"), e.getMessage());
        assertTrue(seen.isEmpty(), "the service ran for a write the policy does not grant");
        assertTrue(hostPolicy.asked.contains("write lamp-kitchen-1 lamp-kitchen-1 echo"), hostPolicy.asked.toString());
        assertEquals(List.of("lamp-kitchen-1/dpws/POLICY"), refusals.seen);

        hostPolicy.grants = true;
        assertEquals(ECHO_RESPONSE, clientStack.client().invoke(address, echo, ECHO, payload("mine")).action());
        assertEquals(1, seen.size());
    }

    @Test
    void aRefusalBecomesASenderFaultWithTheServicesSubcodeAndAnUnknownActionIsRefusedBeforeTheService()
            throws Exception {
        contributed.add(new Echo());
        String address = discover();
        String echo = clientStack.client().fetchMetadata(address).metadata().services().stream()
                .filter(s -> s.types().contains(ECHO_TYPE)).findFirst().orElseThrow().address();
        IOException e = assertThrows(IOException.class, () -> clientStack.client().invoke(address, echo, ECHO,
                payload("no")));
        assertTrue(e.getMessage().contains("the echo service says no"), e.getMessage());
        assertEquals(1, seen.size());
        e = assertThrows(IOException.class, () -> clientStack.client().invoke(address, echo, NS + "/Other",
                payload("x")));
        assertTrue(e.getMessage().contains("no operation with action"), e.getMessage());
        assertEquals(1, seen.size(), "the service never saw an action it did not declare");
    }

    @Test
    void aWithdrawnServiceVanishesFromMetadataAndItsEndpoint() throws Exception {
        Echo s = new Echo();
        contributed.add(s);
        String address = discover();
        String echo = clientStack.client().fetchMetadata(address).metadata().services().stream()
                .filter(x -> x.types().contains(ECHO_TYPE)).findFirst().orElseThrow().address();
        contributed.remove(s);
        assertEquals(1, clientStack.client().fetchMetadata(address).metadata().services().size());
        assertThrows(IOException.class, () -> clientStack.client().invoke(address, echo, ECHO, payload("x")));
        assertTrue(seen.isEmpty());
    }

    /** A provider whose policy signs everything and refuses unsigned requests. */
    static final class StrictSecurity extends SoapSecurityStub {
        int secured;

        @Override
        public org.trusthub.api.security.Protection secure(Document envelope, ThingId thing,
                Protection required) {
            secured++;
            return required;
        }

        @Override
        public Optional<Authenticated> verifyRequest(Document envelope,
                ThingId hosted, Protection required) throws org.trusthub.binding.dpws.spi.SoapSecurityException {
            throw new org.trusthub.binding.dpws.spi.SoapSecurityException(
                    org.trusthub.binding.dpws.spi.SoapSecurityException.INVALID_SECURITY, "the policy requires signed");
        }

    }

    @Test
    void aSelfAuthenticatingServiceServesUnsignedCallersUnderAStrictPolicyOthersDoNot() throws Exception {
        StrictSecurity strict = new StrictSecurity();
        DpwsStack strictHost = new DpwsStack(DpwsStack.Config.loopback("hub-c"), new ThingSource() {
            @Override
            public List<ThingId> hosted() {
                return List.of(LAMP);
            }

            @Override
            public Optional<String> state(ThingId thing) {
                return Optional.of("OPERATIONAL");
            }
        }, Policies.with(() -> strict, Policies.signed()));
        HostedServices set = new HostedServices();
        set.add(new Echo() {
            @Override
            public boolean authenticatesItself() {
                return true;
            }
        });
        set.add(new Echo() {
            @Override
            public String name() {
                return "strict-echo";
            }
        });
        strictHost.host().services(set);
        strictHost.start();
        try {
            String base = "http://127.0.0.1:" + strictHost.httpPort() + strictHost.host().deviceFor(LAMP).devicePath();
            String own = post(base + "/echo", ECHO, "<e:Echo xmlns:e='" + NS + "'>hi</e:Echo>");
            assertTrue(own.contains("hi from lamp-kitchen-1"), own);
            assertEquals(0, strict.secured, "the answer of a self-protecting service goes out as it is");
            String refused = post(base + "/strict-echo", ECHO, "<e:Echo xmlns:e='" + NS + "'>hi</e:Echo>");
            assertTrue(refused.contains("the policy requires signed"), refused);
            String status = post(base + "/thing", DeviceHost.GET_STATUS, "<th:GetStatus xmlns:th='"
                    + DeviceHost.TH + "'/>");
            assertTrue(status.contains("the policy requires signed"), "the binding's own service keeps the policy");
        } finally {
            strictHost.close();
        }
    }

    static String post(String url, String action, String body) throws Exception {
        String xml = "<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope' "
                + "xmlns:a='http://www.w3.org/2005/08/addressing'><s:Header><a:Action>" + action + "</a:Action>"
                + "<a:MessageID>urn:uuid:" + java.util.UUID.randomUUID() + "</a:MessageID><a:To>" + url
                + "</a:To></s:Header><s:Body>" + body + "</s:Body></s:Envelope>";
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) new java.net.URL(url).openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/soap+xml; charset=utf-8");
        try (java.io.OutputStream out = c.getOutputStream()) {
            out.write(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        int code = c.getResponseCode();
        try (java.io.InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void badNamesDuplicatesAndServicesNotOfferedOnAThingAreIgnored() {
        HostedServices set = new HostedServices();
        assertFalse(set.add(new Echo() {
            @Override
            public String name() {
                return "thing";
            }
        }), "the binding's own service name is reserved");
        assertFalse(set.add(new Echo() {
            @Override
            public String name() {
                return "../x";
            }
        }));
        assertTrue(set.add(new Echo()));
        assertFalse(set.add(new Echo()), "a second service of the same name");
        set.add(new Echo() {
            @Override
            public String name() {
                return "only-elsewhere";
            }

            @Override
            public boolean hostedOn(ThingId t) {
                return !t.equals(LAMP);
            }
        });
        assertEquals(List.of("echo"), set.on(LAMP).stream().map(HostedService::name).toList());
        assertTrue(set.find("only-elsewhere", LAMP).isEmpty());
        assertEquals(2, set.on(ThingId.of("other-1")).size());
    }
}
