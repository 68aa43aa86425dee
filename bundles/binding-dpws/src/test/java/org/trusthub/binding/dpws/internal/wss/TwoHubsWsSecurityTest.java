package org.trusthub.binding.dpws.internal.wss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.internal.Policies;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.dpws.internal.DeviceHost;
import org.trusthub.binding.dpws.internal.DiscoveredDevice;
import org.trusthub.binding.dpws.internal.DpwsStack;
import org.trusthub.binding.dpws.internal.MessageSecurity;
import org.trusthub.binding.dpws.internal.SoapMessage;
import org.trusthub.binding.dpws.internal.ThingSource;
import org.trusthub.binding.dpws.internal.Xml;
import org.trusthub.binding.dpws.spi.SoapSecurity;
import org.trusthub.binding.dpws.spi.SoapSecurityException;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.wss.internal.WsSecurityComponent;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Two hubs, each with its own keystore and the real WS-Security provider of security-wss behind the bridge: hub B
 * hosts a thing, hub A discovers it (compact-signed ProbeMatches), reads its metadata and invokes it, every SOAP
 * message signed and encrypted. Each hub enrolled the other's hub certificate as a thing: A knows B's device as
 * dpws:&lt;uuid&gt;, B knows A as hub-a.
 */
class TwoHubsWsSecurityTest {

    static final ThingId LAMP = ThingId.of("lamp-1");
    static final ThingId HUB_A = ThingId.of("hub-a");

    @TempDir
    Path tmp;

    FileThingKeyStore keysA;
    FileThingKeyStore keysB;
    ThingRegistryCore registryA;
    ThingRegistryCore registryB;
    DpwsStack hubA;
    DpwsStack hubB;
    final List<byte[]> sentByA = new CopyOnWriteArrayList<>();

    /** Keeps the bytes of each envelope after it was secured, to look at the wire and to replay it. */
    final class Recording extends org.trusthub.binding.dpws.internal.SoapSecurityStub {
        final SoapSecurity inner;

        Recording(SoapSecurity inner) {
            this.inner = inner;
        }

        @Override
        public Protection effective(ThingId t, Protection required) {
            return inner.effective(t, required);
        }

        @Override
        public Protection secure(Document envelope, ThingId t, Protection required) throws SoapSecurityException {
            Protection p = inner.secure(envelope, t, required);
            sentByA.add(Xml.serialize(envelope));
            return p;
        }

        @Override
        public Optional<Authenticated> verify(Document envelope, ThingId t, Protection required)
                throws SoapSecurityException {
            return inner.verify(envelope, t, required);
        }

        @Override
        public Optional<Authenticated> verifyRequest(Document envelope, ThingId t, Protection required)
                throws SoapSecurityException {
            return inner.verifyRequest(envelope, t, required);
        }

        @Override
        public void signDiscovery(Document envelope) throws SoapSecurityException {
            inner.signDiscovery(envelope);
        }

        @Override
        public Optional<String> verifyDiscovery(Document envelope) throws SoapSecurityException {
            return inner.verifyDiscovery(envelope);
        }
    }

    /** What the security policy requires of every thing here: signed and encrypted, as the shipped default. */
    static final Policies SEALED = new Policies(t -> Protection.confidentiality().endToEnd());

    /** The provider's configuration: every setting at its declared default. */
    static WsSecurityComponent.Config config() {
        return (WsSecurityComponent.Config) java.lang.reflect.Proxy.newProxyInstance(
                WsSecurityComponent.Config.class.getClassLoader(), new Class<?>[] {WsSecurityComponent.Config.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> WsSecurityComponent.Config.class;
                    case "hashCode" -> 0;
                    case "equals" -> proxy == args[0];
                    case "toString" -> "config()";
                    default -> method.getDefaultValue();
                });
    }

    @BeforeEach
    void start() throws Exception {
        keysA = FileThingKeyStore.open(tmp.resolve("a/store"), tmp.resolve("a/master.key"));
        keysB = FileThingKeyStore.open(tmp.resolve("b/store"), tmp.resolve("b/master.key"));
        registryA = new ThingRegistryCore(tmp.resolve("a/registry"), keysA, LifecycleEventSink.NONE, Clock.systemUTC());
        registryB = new ThingRegistryCore(tmp.resolve("b/registry"), keysB, LifecycleEventSink.NONE, Clock.systemUTC());
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        operational(registryB, LAMP, RootCredential.secret(secret));
        operational(registryB, HUB_A, RootCredential.certificate(keysA.hubIdentity().certificate()));
        ThingSource things = new ThingSource() {
            @Override
            public List<ThingId> hosted() {
                return List.of(LAMP);
            }

            @Override
            public Optional<String> state(ThingId thing) {
                return Optional.of("OPERATIONAL");
            }
        };
        SoapSecurity b = new WsSecurityBridge(new WsSecurityComponent(keysB, registryB, config()));
        hubB = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, false, true, "hub-b",
                Duration.ofSeconds(5)), things, Policies.with(() -> b, SEALED));
        hubB.start();
        // Hub A's operator enrols B's device under the id the binding gives it, with B's hub certificate.
        ThingId deviceOfB = ThingId.of("dpws:" + hubB.host().deviceFor(LAMP).uuid());
        operational(registryA, deviceOfB, RootCredential.certificate(keysB.hubIdentity().certificate()));
        SoapSecurity a = new Recording(new WsSecurityBridge(new WsSecurityComponent(keysA, registryA,
                config())));
        hubA = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, true, false, "hub-a",
                Duration.ofSeconds(5)), things, Policies.with(() -> a, SEALED));
        hubA.start();
    }

    @AfterEach
    void stop() {
        if (hubA != null) {
            hubA.close();
        }
        if (hubB != null) {
            hubB.close();
        }
        registryA.close();
        registryB.close();
        keysA.close();
        keysB.close();
    }

    /** Enrolls a thing through the registry and moves it to OPERATIONAL. */
    static void operational(ThingRegistryCore registry, ThingId thing, RootCredential root) {
        registry.enroll(thing, "owner", root);
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
    }

    String discover() throws Exception {
        hubA.client().probe(List.of(), new InetSocketAddress(InetAddress.getLoopbackAddress(), hubB.discoveryPort()),
                Duration.ofSeconds(1));
        String address = hubB.host().deviceFor(LAMP).address();
        assertTrue(hubA.client().device(address).isPresent(), "A did not accept B's signed ProbeMatches");
        return address;
    }

    @Test
    void hubsDiscoverAndInvokeEachOtherSignedAndEncrypted() throws Exception {
        String device = discover();
        DiscoveredDevice d = hubA.client().device(device).orElseThrow();
        assertEquals("dpws:" + hubB.host().deviceFor(LAMP).uuid(), d.signer(), "compact signature by B's hub key");

        d = hubA.client().fetchMetadata(device);
        assertEquals(LAMP.value(), d.metadata().friendlyName());
        assertEquals(Protection.confidentiality().endToEnd(), d.protection());
        String service = d.metadata().services().get(0).address();

        Element payload = Xml.newDocument().createElementNS(DeviceHost.TH, "th:GetStatus");
        SoapMessage r = hubA.client().invoke(device, service, DeviceHost.GET_STATUS, payload);
        assertEquals("OPERATIONAL", Xml.childText(Xml.child(r.body, DeviceHost.TH, "Status"), DeviceHost.TH,
                "State"));
        assertEquals(Protection.confidentiality().endToEnd(), hubA.client().device(device).orElseThrow().protection());

        String wire = new String(sentByA.get(sentByA.size() - 1), StandardCharsets.UTF_8);
        assertTrue(wire.contains("EncryptedData"), "the invoke went out encrypted");
        assertFalse(wire.contains("GetStatus>"), "no plaintext payload on the wire");
        assertTrue(wire.contains("SignatureValue"), "the invoke went out signed");
    }

    @Test
    void aReplayedSecuredInvokeIsRefusedWithAFaultAndNotActedOn() throws Exception {
        String device = discover();
        String service = hubA.client().fetchMetadata(device).metadata().services().get(0).address();
        Element payload = Xml.newDocument().createElementNS(DeviceHost.TH, "th:GetStatus");
        hubA.client().invoke(device, service, DeviceHost.GET_STATUS, payload);
        byte[] captured = sentByA.get(sentByA.size() - 1);
        HttpResponse<String> replay = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service))
                .header("Content-Type", "application/soap+xml").POST(HttpRequest.BodyPublishers.ofByteArray(captured))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, replay.statusCode());
        assertTrue(replay.body().contains("wsse:"), replay.body());
    }

    @Test
    void aPlainInvokeToAThingWhosePolicySignsIsRefused() throws Exception {
        String device = discover();
        String service = hubA.client().fetchMetadata(device).metadata().services().get(0).address();
        String plain = "<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope' xmlns:a="
                + "'http://www.w3.org/2005/08/addressing'><s:Header><a:Action>" + DeviceHost.GET_STATUS
                + "</a:Action><a:MessageID>urn:uuid:" + java.util.UUID.randomUUID() + "</a:MessageID><a:To>" + service
                + "</a:To></s:Header><s:Body><t:GetStatus xmlns:t='" + DeviceHost.TH + "'/></s:Body></s:Envelope>";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service))
                .header("Content-Type", "application/soap+xml").POST(HttpRequest.BodyPublishers.ofString(plain))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("wsse:"), r.body());
        assertNotNull(r.body());
    }

    @Test
    void anUnknownDevicesDiscoveryIsRefusedByItsSignature() throws Exception {
        registryA.close();
        keysA.close();
        // A fresh hub A that has not enrolled B: B's compact signature is by an unknown key.
        keysA = FileThingKeyStore.open(tmp.resolve("a2/store"), tmp.resolve("a2/master.key"));
        registryA = new ThingRegistryCore(tmp.resolve("a2/registry"), keysA, LifecycleEventSink.NONE,
                Clock.systemUTC());
        SoapSecurity a2 = new WsSecurityBridge(new WsSecurityComponent(keysA, registryA, config()));
        hubA.close();
        hubA = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, true, false, "hub-a2",
                Duration.ofSeconds(5)), null, Policies.with(() -> a2, SEALED));
        hubA.start();
        hubA.client().probe(List.of(), new InetSocketAddress(InetAddress.getLoopbackAddress(), hubB.discoveryPort()),
                Duration.ofSeconds(1));
        // The WS-Discovery 1.1 ProbeMatch, signed by a key A does not know, is dropped. The 2005 one carries no
        // compact signature; an unenrolled device's policy is plain, so it is listed, as unsigned, never as signed.
        Optional<DiscoveredDevice> d = hubA.client().device(hubB.host().deviceFor(LAMP).address());
        d.ifPresent(x -> {
            assertEquals(null, x.signer(), "a signature by an unknown key was taken for a signer");
            assertEquals(org.trusthub.binding.dpws.internal.DpwsVersion.DPWS_2006, x.version(),
                    "the signed 1.1 ProbeMatch was accepted");
        });
    }

    static long openDescriptors() throws java.io.IOException {
        try (java.util.stream.Stream<Path> fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** A connection to hub B's SOAP endpoint from a loopback source address; null when it was refused. */
    java.net.Socket connectFrom(String source) {
        java.net.Socket s = new java.net.Socket();
        try {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), hubB.httpPort()), 2000);
            return s;
        } catch (java.io.IOException e) {
            try {
                s.close();
            } catch (java.io.IOException ignored) {
                // refused either way
            }
            return null;
        }
    }

    @Test
    void aSignedInvokeCompletesWhileTheEndpointIsFlooded() throws Exception {
        String device = discover();
        String service = hubA.client().fetchMetadata(device).metadata().services().get(0).address();
        Element payload = Xml.newDocument().createElementNS(DeviceHost.TH, "th:GetStatus");
        long before = openDescriptors();
        List<java.net.Socket> held = new java.util.ArrayList<>();
        List<java.net.Socket> slow = new java.util.ArrayList<>();
        try {
            // 500 idle connections from one source, 50 slowloris clients from another, a flood of 1000 from a third.
            for (int i = 0; i < 500; i++) {
                java.util.Optional.ofNullable(connectFrom("127.0.0.3")).ifPresent(held::add);
            }
            for (int i = 0; i < 50; i++) {
                java.net.Socket s = connectFrom("127.0.0.4");
                if (s != null) {
                    held.add(s);
                    slow.add(s);
                    trickle(s, "POST /x HTTP/1.1\r\nX-Slow: ");
                }
            }
            for (int i = 0; i < 1000; i++) {
                java.util.Optional.ofNullable(connectFrom("127.0.0.2")).ifPresent(held::add);
            }
            // Every descriptor beyond the test's own client sockets is the server's: its limit, not the flood's size.
            long serverSide = openDescriptors() - before - held.size();
            assertTrue(serverSide <= 64 + 16, "the server holds " + serverSide + " descriptors for "
                    + held.size() + " connections");

            slow.forEach(s -> trickle(s, "a"));
            // The legitimate client, from 127.0.0.1: signed and encrypted both ways, while the flood holds on.
            SoapMessage r = hubA.client().invoke(device, service, DeviceHost.GET_STATUS, payload);
            assertEquals("OPERATIONAL", Xml.childText(Xml.child(r.body, DeviceHost.TH, "Status"), DeviceHost.TH,
                    "State"));
            assertEquals(Protection.confidentiality().endToEnd(),
                    hubA.client().device(device).orElseThrow().protection());
            slow.forEach(s -> trickle(s, "a"));
        } finally {
            for (java.net.Socket s : held) {
                s.close();
            }
        }
        // Nothing else broke: discovery and a second invoke work as before.
        discover();
        SoapMessage again = hubA.client().invoke(device, service, DeviceHost.GET_STATUS, payload);
        assertEquals("OPERATIONAL", Xml.childText(Xml.child(again.body, DeviceHost.TH, "Status"), DeviceHost.TH,
                "State"));
    }

    /** Sends a few bytes of a request that never ends; a connection the server dropped is no error here. */
    static void trickle(java.net.Socket s, String bytes) {
        try {
            s.getOutputStream().write(bytes.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        } catch (java.io.IOException e) {
            // reset by the server: it was over the limit
        }
    }
}
