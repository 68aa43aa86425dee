package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.internal.SecuritySeamTest.MarkerSecurity;
import org.trusthub.binding.dpws.spi.SoapSecurity;
import org.trusthub.binding.dpws.spi.SoapSecurityException;
import org.w3c.dom.Element;

/**
 * A missing WS-Security provider (a restart or update of trusthub-wss or the keystore) refuses and drops what the
 * security policy requires protected, and a missing policy refuses everything; neither lets DPWS fall back to plain
 * messages, neither restarts the binding, and both are picked up again when they return.
 */
class FailClosedTest {

    static final ThingId LAMP = SecuritySeamTest.LAMP;

    final AtomicInteger statusReads = new AtomicInteger();
    final AtomicReference<SoapSecurity> hostProvider = new AtomicReference<>(new MarkerSecurity("good"));
    final AtomicReference<SoapSecurity> clientProvider = new AtomicReference<>(new MarkerSecurity("good"));
    final AtomicReference<SecurityPolicy> policy = new AtomicReference<>(Policies.signed());
    final Policies.Refusals refusals = new Policies.Refusals();
    DpwsStack host;
    DpwsStack client;
    DpwsBinding binding;

    DpwsStack stack(boolean hostRole, AtomicReference<SoapSecurity> provider) throws Exception {
        ThingSource things = new ThingSource() {
            @Override
            public List<ThingId> hosted() {
                return List.of(LAMP);
            }

            @Override
            public Optional<String> state(ThingId thing) {
                statusReads.incrementAndGet();
                return Optional.of("OPERATIONAL");
            }
        };
        DpwsStack s = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, !hostRole, hostRole, "h",
                Duration.ofSeconds(5)), things, new MessageSecurity(provider::get, policy::get, () -> refusals));
        s.start();
        return s;
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (host != null) {
            host.close();
        }
        if (binding != null) {
            binding.deactivate();
        }
    }

    /**
     * The refusals of the host side: the client also refuses the unsigned WS-Discovery 2005 ProbeMatch of the
     * device (counted for dpws:&lt;uuid&gt; as POLICY: its policy requires signed messages).
     */
    List<String> hostSide() {
        return refusals.seen.stream().filter(r -> !r.startsWith("dpws:")).toList();
    }

    String discover() throws Exception {
        client.client().probe(List.of(), new InetSocketAddress(InetAddress.getLoopbackAddress(),
                host.discoveryPort()), Duration.ofSeconds(1));
        String device = host.host().deviceFor(LAMP).address();
        assertTrue(client.client().device(device).isPresent(), "the client did not find the device");
        return device;
    }

    String serviceUrl() {
        return "http://127.0.0.1:" + host.httpPort() + host.host().deviceFor(LAMP).servicePath();
    }

    SoapMessage getStatus(String device) throws Exception {
        Element payload = Xml.newDocument().createElementNS(DeviceHost.TH, "th:GetStatus");
        return client.client().invoke(device, serviceUrl(), DeviceHost.GET_STATUS, payload);
    }

    /** A GetStatus without any WS-Security, as a client that has none sends it. */
    HttpResponse<String> plainGetStatus() throws Exception {
        String service = serviceUrl();
        String plain = "<s:Envelope xmlns:s='" + DpwsVersion.SOAP + "' xmlns:a='" + DpwsVersion.DPWS_2009.wsa
                + "'><s:Header><a:Action>" + DeviceHost.GET_STATUS + "</a:Action><a:MessageID>urn:uuid:"
                + java.util.UUID.randomUUID() + "</a:MessageID><a:To>" + service + "</a:To></s:Header><s:Body>"
                + "<t:GetStatus xmlns:t='" + DeviceHost.TH + "'/></s:Body></s:Envelope>";
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service))
                .header("Content-Type", "application/soap+xml").POST(HttpRequest.BodyPublishers.ofString(plain))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aHostWithoutItsProviderRefusesRequestsInsteadOfAnsweringThemPlain() throws Exception {
        host = stack(true, hostProvider);
        client = stack(false, clientProvider);
        String device = discover();
        assertEquals(DeviceHost.GET_STATUS_RESPONSE, getStatus(device).action());
        assertEquals(1, statusReads.get());

        hostProvider.set(null);
        HttpResponse<String> plain = plainGetStatus();
        assertEquals(503, plain.statusCode(), plain.body());
        assertThrows(java.io.IOException.class, () -> getStatus(device), "a signed request was answered");
        assertEquals(1, statusReads.get(), "an operation ran while its security could not be checked");
        assertEquals(List.of("lamp-1/dpws/NOT_OPERATIONAL", "lamp-1/dpws/NOT_OPERATIONAL"), hostSide());

        hostProvider.set(new MarkerSecurity("good"));
        assertEquals(DeviceHost.GET_STATUS_RESPONSE, getStatus(device).action());
        assertEquals(2, statusReads.get());
    }

    @Test
    void aClientWithoutItsProviderSendsNothingUnprotected() throws Exception {
        host = stack(true, hostProvider);
        client = stack(false, clientProvider);
        String device = discover();
        clientProvider.set(null);
        SoapSecurityException e = assertThrows(SoapSecurityException.class, () -> getStatus(device));
        assertEquals(MessageSecurity.UNAVAILABLE, e.getMessage());
        assertEquals(0, statusReads.get());
    }

    @Test
    void withoutTheProviderNothingTheProtectionIsRequiredOfIsTakenAsItIs() throws Exception {
        MessageSecurity required = new MessageSecurity(() -> null, Policies::signed, () -> refusals);
        SoapMessage reply = SoapMessage.fault(DpwsVersion.DPWS_2009, null, "Sender", null, "x");
        assertThrows(SoapSecurityException.class, () -> required.incoming(reply, LAMP), "an unsigned reply");
        assertThrows(SoapSecurityException.class, () -> required.incomingRequest(reply, LAMP));
        assertThrows(SoapSecurityException.class, () -> required.outgoing(reply, LAMP));
        assertThrows(SoapSecurityException.class, () -> required.signDiscovery(reply, LAMP));
        assertTrue(required.missing(LAMP));
        assertTrue(required.requiresSignature(LAMP));
        assertEquals(4, refusals.seen.size(), refusals.seen.toString());
        // Only what the policy requires nothing of runs plain without a provider.
        MessageSecurity none = new MessageSecurity(() -> null, Policies::none, () -> refusals);
        assertEquals(Optional.empty(), none.incoming(reply, LAMP));
        assertFalse(none.missing(LAMP));
    }

    @Test
    void withoutThePolicyEverythingIsRefusedEvenWithTheProvider() throws Exception {
        host = stack(true, hostProvider);
        client = stack(false, clientProvider);
        String device = discover();
        policy.set(null);
        HttpResponse<String> plain = plainGetStatus();
        assertEquals(503, plain.statusCode(), plain.body());
        SoapSecurityException e = assertThrows(SoapSecurityException.class, () -> getStatus(device));
        assertEquals(MessageSecurity.UNAVAILABLE, e.getMessage());
        assertEquals(0, statusReads.get());
        MessageSecurity s = host.security();
        SoapMessage m = SoapMessage.fault(DpwsVersion.DPWS_2009, null, "Sender", null, "x");
        assertThrows(SoapSecurityException.class, () -> s.verifyDiscovery(m));
        assertFalse(s.mayRead(ThingId.of("other"), LAMP, DeviceHost.STATE_PROPERTY), "fail closed");
        assertTrue(refusals.seen.contains("-/dpws/NOT_OPERATIONAL"), refusals.seen.toString());

        policy.set(Policies.signed());
        assertEquals(DeviceHost.GET_STATUS_RESPONSE, getStatus(device).action());
    }

    @Test
    void anUnsignedHelloIsDroppedWhileTheProviderIsGone() throws Exception {
        clientProvider.set(null);
        client = stack(false, clientProvider);
        String address = "urn:uuid:" + java.util.UUID.randomUUID();
        byte[] hello = BadInputTest.hello(address, 1, 1, "http://127.0.0.1:1/x").getBytes(StandardCharsets.UTF_8);
        client.onDatagram(hello, hello.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), 3702), true);
        assertTrue(client.client().devices().isEmpty(), "an unsigned Hello was taken without a provider");
    }

    static DpwsBinding.Config config(Map<String, Object> overrides) {
        return (DpwsBinding.Config) java.lang.reflect.Proxy.newProxyInstance(
                DpwsBinding.Config.class.getClassLoader(), new Class<?>[] {DpwsBinding.Config.class},
                (proxy, method, args) -> overrides.containsKey(method.getName()) ? overrides.get(method.getName())
                        : method.getDefaultValue());
    }

    @Test
    void theBindingRefusesWhileItsProvidersAreGoneAndTakesTheNextOnesWithoutARestart() throws Exception {
        List<org.trusthub.api.thing.Thing> things = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.time.Instant now = java.time.Instant.now();
        things.add(new org.trusthub.api.thing.Thing(LAMP, org.trusthub.api.thing.LifecycleState.OPERATIONAL,
                "owner", now, now, 0));
        binding = new DpwsBinding();
        binding.registry = registry(things);
        binding.refusals = refusals;
        binding.activate(config(Map.of("discoveryPort", 0, "hostEnabled", true)));
        host = binding.stack();
        assertNotNull(host, "the binding runs without its providers");
        int port = host.httpPort();
        client = stack(false, clientProvider);
        assertEquals(503, plainGetStatus().statusCode(), "no policy yet");

        SecurityPolicy first = Policies.signed();
        binding.bindPolicy(first);
        assertEquals(503, plainGetStatus().statusCode(), "the policy requires a signature; no provider yet");
        MarkerSecurity provider = new MarkerSecurity("good");
        binding.bindSoapSecurity(provider);
        String device = discover();
        assertEquals(DeviceHost.GET_STATUS_RESPONSE, getStatus(device).action());

        // An update of the provider bundle: the old one goes, requests are refused meanwhile, the new one is used.
        binding.unbindSoapSecurity(provider);
        assertThrows(java.io.IOException.class, () -> getStatus(device));
        binding.bindSoapSecurity(new MarkerSecurity("good"));
        assertEquals(DeviceHost.GET_STATUS_RESPONSE, getStatus(device).action());
        // A greedy replacement of the policy binds the new one before the old one goes.
        binding.bindPolicy(Policies.signed());
        binding.unbindPolicy(first);
        assertEquals(DeviceHost.GET_STATUS_RESPONSE, getStatus(device).action());

        assertSame(host, binding.stack(), "the stack was restarted");
        assertEquals(port, binding.stack().httpPort());
        assertEquals(List.of("-/dpws/NOT_OPERATIONAL", "lamp-1/dpws/NOT_OPERATIONAL",
                "lamp-1/dpws/NOT_OPERATIONAL"), hostSide());
    }

    /**
     * The provider and the policy can come and go under a running binding only if Declarative Services is told so:
     * static references would deactivate the binding (its HTTP server, its discovery) with each of them.
     */
    @Test
    void theBindingReachesItsProvidersByOptionalDynamicGreedyReferences() throws Exception {
        String xml;
        try (java.io.InputStream in = DpwsBinding.class.getResourceAsStream(
                "/OSGI-INF/" + DpwsBinding.class.getName() + ".xml")) {
            assertNotNull(in, "no component description: bnd did not run");
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String service : List.of(SoapSecurity.class.getName(), SecurityPolicy.class.getName(),
                org.trusthub.api.security.SecurityRefusals.class.getName())) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("<reference [^>]*interface=\"" 
                    + java.util.regex.Pattern.quote(service) + "\"[^>]*/>").matcher(xml);
            assertTrue(m.find(), service + " is not referenced: " + xml);
            String reference = m.group();
            assertTrue(reference.contains("cardinality=\"0..1\""), reference);
            assertTrue(reference.contains("policy=\"dynamic\""), reference);
            assertTrue(reference.contains("policy-option=\"greedy\""), reference);
        }
        assertFalse(xml.contains("org.osgi.service.event.EventHandler"), "the binding handles no lifecycle events");
    }

    /** Records the discovery messages it signs, by action and the device they name. */
    static final class SigningRecorder extends MarkerSecurity {
        final List<String> signed = new java.util.concurrent.CopyOnWriteArrayList<>();

        SigningRecorder() {
            super("good");
        }

        @Override
        public void signDiscovery(org.w3c.dom.Document envelope) {
            Element header = Xml.child(envelope.getDocumentElement(), DpwsVersion.SOAP, "Header");
            String action = Xml.childText(header, DpwsVersion.DPWS_2009.wsa, "Action");
            signed.add(action.substring(action.lastIndexOf('/') + 1) + " "
                    + Xml.child(envelope.getDocumentElement(), DpwsVersion.SOAP, "Body").getTextContent());
            super.signDiscovery(envelope);
        }

        boolean sent(String kind, String device) {
            return signed.stream().anyMatch(m -> m.startsWith(kind + " ") && m.contains(device));
        }
    }

    static org.trusthub.api.thing.ThingRegistry registry(List<org.trusthub.api.thing.Thing> things) {
        return (org.trusthub.api.thing.ThingRegistry) java.lang.reflect.Proxy.newProxyInstance(
                FailClosedTest.class.getClassLoader(), new Class<?>[] {org.trusthub.api.thing.ThingRegistry.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "list" -> List.copyOf(things);
                    case "find" -> things.stream().filter(t -> t.id().equals(args[0])).findFirst();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void announcementsHeldBackWhileTheProviderWasGoneGoOutWhenItReturns() throws Exception {
        List<org.trusthub.api.thing.Thing> things = new java.util.concurrent.CopyOnWriteArrayList<>();
        binding = new DpwsBinding();
        binding.registry = registry(things);
        binding.bindPolicy(Policies.signed());
        binding.bindSoapSecurity(new SigningRecorder());
        binding.activate(config(Map.of("discoveryPort", 0, "hostEnabled", true)));

        // The lamp becomes OPERATIONAL during a restart of the provider: its Hello cannot be signed.
        SigningRecorder gone = (SigningRecorder) binding.soapSecurity;
        binding.unbindSoapSecurity(gone);
        java.time.Instant now = java.time.Instant.now();
        things.add(new org.trusthub.api.thing.Thing(LAMP, org.trusthub.api.thing.LifecycleState.OPERATIONAL,
                "owner", now, now, 0));
        binding.stack().host().refresh();
        String lamp = binding.stack().host().deviceFor(LAMP).address();
        assertFalse(gone.sent("Hello", lamp));

        SigningRecorder back = new SigningRecorder();
        binding.bindSoapSecurity(back);
        assertTrue(back.sent("Hello", lamp), "the lamp was never announced: " + back.signed);

        // And a thing that goes while the provider is away is withdrawn when it returns.
        binding.unbindSoapSecurity(back);
        things.clear();
        binding.stack().host().refresh();
        SigningRecorder again = new SigningRecorder();
        binding.bindSoapSecurity(again);
        assertTrue(again.sent("Bye", lamp), "the lamp was never withdrawn: " + again.signed);
        assertFalse(again.sent("Hello", lamp), "a withdrawn thing was announced");
    }

    @Test
    void aPolicyThatRequiresNothingRunsPlainWithoutAProvider() throws Exception {
        binding = new DpwsBinding();
        binding.bindPolicy(Policies.none());
        binding.activate(config(Map.of("discoveryPort", 0)));
        assertNotNull(binding.stack());
        assertFalse(binding.stack().security().missing(LAMP));
    }

    @Test
    void badLimitsAreRefusedWithTheirName() {
        binding = new DpwsBinding();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> binding.activate(
                config(Map.of("discoveryPort", 0, "maxConnections", 4, "maxConnectionsPerSource", 5))));
        assertTrue(e.getMessage().contains("maxConnectionsPerSource"), e.getMessage());
        assertNull(binding.stack());
    }

    @Test
    void aBadLimitInAnUpdateLeavesTheRunningStackAsItIs() throws Exception {
        binding = new DpwsBinding();
        binding.activate(config(Map.of("discoveryPort", 0)));
        DpwsStack running = binding.stack();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> binding.modified(config(
                Map.of("discoveryPort", 0, "requestTimeoutSeconds", 0))));
        assertTrue(e.getMessage().contains("requestTimeoutSeconds"), e.getMessage());
        assertEquals(running, binding.stack(), "a refused update restarted the stack");
    }
}
