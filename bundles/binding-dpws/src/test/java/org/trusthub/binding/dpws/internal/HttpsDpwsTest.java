package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.internal.tls.TlsBridge;
import org.trusthub.binding.dpws.spi.SoapSecurity;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.security.tls.internal.TlsComponent;
import org.w3c.dom.Element;

/**
 * HTTPS between device host and client on loopback, with real handshakes: each hub's TLS contexts come from its own
 * keystore's identity and trust only the certificates enrolled there.
 */
class HttpsDpwsTest {

    static final ThingId LAMP = ThingId.of("lamp-kitchen-1");

    @TempDir
    Path tmp;

    final ThingSource things = new ThingSource() {
        @Override
        public List<ThingId> hosted() {
            return List.of(LAMP);
        }

        @Override
        public Optional<String> state(ThingId thing) {
            return thing.equals(LAMP) ? Optional.of("OPERATIONAL") : Optional.empty();
        }
    };

    FileThingKeyStore keysA;
    FileThingKeyStore keysB;
    FileThingKeyStore keysStranger;
    DpwsStack hostStack;
    DpwsStack clientStack;
    DpwsStack strangerStack;
    ThingId lampDevice;
    TlsComponent tlsB;

    @BeforeEach
    void start() throws Exception {
        keysA = FileThingKeyStore.open(tmp.resolve("a/store"), tmp.resolve("a/master.key"));
        keysB = FileThingKeyStore.open(tmp.resolve("b/store"), tmp.resolve("b/master.key"));
        keysStranger = FileThingKeyStore.open(tmp.resolve("s/store"), tmp.resolve("s/master.key"));
        keysA.enroll(ThingId.of("hub-b"), RootCredential.certificate(keysB.hubIdentity().certificate()));
        keysB.enroll(ThingId.of("hub-a"), RootCredential.certificate(keysA.hubIdentity().certificate()));
        // the stranger trusts hub-a, but hub-a never enrolled the stranger
        keysStranger.enroll(ThingId.of("hub-a"), RootCredential.certificate(keysA.hubIdentity().certificate()));

        Tls tlsA = new TlsBridge(new TlsComponent(keysA, needClientAuth()));
        hostStack = new DpwsStack(DpwsStack.Config.loopback("hub-a"), things, Policies.plain(), () -> tlsA,
                true);
        hostStack.start();
        // a client reaches a device as the thing it enrolled for the device's address; here hub-a hosts the lamp
        lampDevice = DiscoveredDevice.thingIdFor(hostStack.host().deviceFor(LAMP).address());
        keysB.enroll(lampDevice, RootCredential.certificate(keysA.hubIdentity().certificate()));
        keysStranger.enroll(lampDevice, RootCredential.certificate(keysA.hubIdentity().certificate()));
        tlsB = new TlsComponent(keysB, needClientAuth());
        clientStack = clientOf("hub-b", new TlsBridge(tlsB));
        strangerStack = clientOf("stranger", new TlsBridge(new TlsComponent(keysStranger, needClientAuth())));
    }

    private DpwsStack clientOf(String name, Tls tls) throws IOException {
        DpwsStack.Config c = DpwsStack.Config.loopback(name);
        DpwsStack s = new DpwsStack(new DpwsStack.Config(c.interfaces(), 0, 0, true, false, true, false, name,
                Duration.ofSeconds(5)), things, Policies.plain(), () -> tls, false);
        s.start();
        return s;
    }

    @AfterEach
    void stop() {
        strangerStack.close();
        clientStack.close();
        hostStack.close();
        keysStranger.close();
        keysB.close();
        keysA.close();
    }

    @Test
    void anHttpsAnswerTricklingPastTheTimeoutIsAbandoned() throws Exception {
        Tls tlsA = new TlsBridge(new TlsComponent(keysA, needClientAuth()));
        Tls tlsB = new TlsBridge(new TlsComponent(keysB, needClientAuth()));
        try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) tlsA.serverContext()
                .getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            server.setSSLParameters(tlsA.serverParameters());
            SoapHttpClientTest.trickler(server);
            assertThrows(IOException.class, () -> HttpsPost.post(tlsB, java.net.URI.create("https://127.0.0.1:"
                    + server.getLocalPort() + "/x"), null, "<a/>".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    Duration.ofSeconds(1)),
                    "an answer trickling for ten seconds was waited for");
        }
    }

    /** A WSDL referenced by an https:// Location is fetched over TLS from a server presenting the device's certificate. */
    @Test
    void anHttpsDocumentIsFetchedFromTheDeviceItself() throws Exception {
        Tls tlsA = new TlsBridge(new TlsComponent(keysA, needClientAuth()));
        byte[] wsdl = ReferencedWsdlDevice.wsdlText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) tlsA.serverContext()
                .getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            server.setSSLParameters(tlsA.serverParameters());
            java.util.concurrent.CompletableFuture<String> request = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> {
                        try (java.net.Socket s = server.accept()) {
                            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                                    s.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
                            String first = in.readLine();
                            while (!in.readLine().isEmpty()) {
                                // the request's headers
                            }
                            s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + wsdl.length
                                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                            s.getOutputStream().write(wsdl);
                            s.getOutputStream().flush();
                            return first;
                        } catch (IOException e) {
                            return e.toString();
                        }
                    });
            byte[] got = new SoapHttpClient(Duration.ofSeconds(5), () -> new TlsBridge(tlsB)).get(java.net.URI
                    .create("https://127.0.0.1:" + server.getLocalPort() + "/wsdl"), lampDevice,
                    ServiceDescriptions.MAX_WSDL);
            assertEquals("GET /wsdl HTTP/1.1", request.get(5, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(new String(wsdl, java.nio.charset.StandardCharsets.UTF_8),
                    new String(got, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private String probeLamp(DpwsStack client) throws Exception {
        client.client().probe(List.of(), new InetSocketAddress(InetAddress.getLoopbackAddress(),
                hostStack.discoveryPort()), Duration.ofSeconds(1));
        String address = hostStack.host().deviceFor(LAMP).address();
        assertTrue(client.client().device(address).isPresent(), "probe did not find the hosted lamp");
        return address;
    }

    @Test
    void trustedPeersReadMetadataAndInvokeOverHttps() throws Exception {
        String address = probeLamp(clientStack);
        DiscoveredDevice d = clientStack.client().device(address).orElseThrow();
        assertEquals(List.of("https://127.0.0.1:" + hostStack.httpPort() + hostStack.host().deviceFor(LAMP)
                .devicePath()), d.xaddrs());

        d = clientStack.client().fetchMetadata(address);
        assertEquals("lamp-kitchen-1", d.metadata().friendlyName());
        String service = d.metadata().services().get(0).address();
        assertTrue(service.startsWith("https://127.0.0.1:" + hostStack.httpPort() + "/"), service);

        Element payload = Xml.newDocument().createElementNS(DeviceHost.TH, "th:GetStatus");
        SoapMessage r = clientStack.client().invoke(address, service, DeviceHost.GET_STATUS, payload);
        assertEquals(DeviceHost.GET_STATUS_RESPONSE, r.action());
        assertEquals("OPERATIONAL", Xml.childText(Xml.child(r.body, DeviceHost.TH, "Status"), DeviceHost.TH,
                "State"));
    }

    @Test
    void untrustedClientIsRefusedAndNothingIsActedOn() throws Exception {
        String address = probeLamp(strangerStack);
        IOException e = assertThrows(IOException.class, () -> strangerStack.client().fetchMetadata(address));
        assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());

        String service = clientStack.client().fetchMetadata(probeLamp(clientStack)).metadata().services().get(0)
                .address();
        IOException s = assertThrows(IOException.class, () -> strangerStack.client().subscribe(address, service,
                List.of(DeviceHost.STATE_CHANGED), Duration.ofMinutes(5), m -> { }));
        assertTrue(s.getMessage().contains("TLS handshake"), s.getMessage());
        assertTrue(hostStack.host().subscriptions().isEmpty(), "the refused Subscribe left a subscription");
        assertTrue(strangerStack.client().subscriptions().isEmpty());
    }

    @Test
    void aServerPresentingAnotherTrustedThingsCertificateIsNotTheDevice() throws Exception {
        String address = probeLamp(clientStack);
        clientStack.client().fetchMetadata(address);
        // the client now knows the lamp device by another certificate; hub-a, which answers, stays a trusted thing
        keysB.revoke(lampDevice);
        keysB.enroll(lampDevice, RootCredential.certificate(keysStranger.hubIdentity().certificate()));
        tlsB.forget(lampDevice); // what the keystore's events make the TLS provider do
        IOException e = assertThrows(IOException.class, () -> clientStack.client().fetchMetadata(address));
        assertTrue(e.getMessage().contains("TLS handshake") && e.getMessage().contains("'" + lampDevice + "'"),
                e.getMessage());
        assertTrue(keysB.isActive(ThingId.of("hub-a")));
    }

    /** Secures nothing; reports the thing in {@code signer} as the signer of every request. */
    private static SoapSecurity reportingSigner(java.util.concurrent.atomic.AtomicReference<ThingId> signer) {
        return new SoapSecurityStub() {
            @Override
            public Optional<Authenticated> verifyRequest(org.w3c.dom.Document envelope, ThingId hosted,
                    Protection required) {
                return Policies.signedBy(Optional.ofNullable(signer.get()));
            }
        };
    }

    @Test
    void anEventGoesOnlyToASinkPresentingTheCertificateOfTheThingThatSubscribed() throws Exception {
        // hub-a knows another thing, hub-c, that hub-b is not
        keysA.enroll(ThingId.of("hub-c"), RootCredential.certificate(keysStranger.hubIdentity().certificate()));
        var signer = new java.util.concurrent.atomic.AtomicReference<ThingId>();
        Tls tlsA = new TlsBridge(new TlsComponent(keysA, needClientAuth()));
        DpwsStack host = new DpwsStack(DpwsStack.Config.loopback("hub-a"), things,
                Policies.with(() -> reportingSigner(signer)), () -> tlsA, true);
        host.start();
        // hub-b's sink is https:// too, so a delivery is a TLS connection from hub-a to hub-b
        DpwsStack.Config c = DpwsStack.Config.loopback("hub-b");
        DpwsStack subscriber = new DpwsStack(new DpwsStack.Config(c.interfaces(), 0, 0, true, false, true, false,
                "hub-b", Duration.ofSeconds(5)), things, Policies.plain(), () -> new TlsBridge(tlsB), true);
        subscriber.start();
        try {
            String address = host.host().deviceFor(LAMP).address();
            ThingId device = DiscoveredDevice.thingIdFor(address);
            if (!keysB.things().contains(device)) {
                keysB.enroll(device, RootCredential.certificate(keysA.hubIdentity().certificate()));
            }
            subscriber.client().probe(List.of(), new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    host.discoveryPort()), Duration.ofSeconds(1));
            String service = subscriber.client().fetchMetadata(address).metadata().services().get(0).address();

            signer.set(ThingId.of("hub-c")); // the Subscribe was signed by hub-c, but hub-b's sink answers
            var received = new java.util.concurrent.atomic.AtomicInteger();
            subscriber.client().subscribe(address, service, List.of(DeviceHost.STATE_CHANGED),
                    Duration.ofMinutes(5), m -> received.incrementAndGet());
            assertEquals(java.util.Optional.of(ThingId.of("hub-c")),
                    host.host().subscriptions().get(0).subscriber().thing());
            List<java.util.concurrent.CompletableFuture<Boolean>> sent = host.host().stateChanged(LAMP,
                    "MAINTENANCE");
            assertEquals(List.of(false), sent.stream().map(java.util.concurrent.CompletableFuture::join).toList());
            assertEquals(0, received.get());

            signer.set(ThingId.of("hub-b"));
            subscriber.client().subscribe(address, service, List.of(DeviceHost.STATE_CHANGED),
                    Duration.ofMinutes(5), m -> received.incrementAndGet());
            sent = host.host().stateChanged(LAMP, "OPERATIONAL");
            assertEquals(List.of(false, true), sent.stream().map(java.util.concurrent.CompletableFuture::join)
                    .sorted().toList());
            assertEquals(1, received.get());
        } finally {
            subscriber.close();
            host.close();
        }
    }

    @Test
    void httpsAddressWithoutTlsProviderFailsClearly() throws Exception {
        DpwsStack.Config c = DpwsStack.Config.loopback("bare");
        DpwsStack bare = new DpwsStack(new DpwsStack.Config(c.interfaces(), 0, 0, true, false, true, false, "bare",
                Duration.ofSeconds(5)), things, Policies.plain());
        bare.start();
        try {
            String address = probeLamp(bare);
            IOException e = assertThrows(IOException.class, () -> bare.client().fetchMetadata(address));
            assertTrue(e.getMessage().contains("no TLS provider"), e.getMessage());
        } finally {
            bare.close();
        }
    }

    @Test
    void httpsHostWithoutTlsProviderServesNothing() throws Exception {
        DpwsStack.Config c = DpwsStack.Config.loopback("hub-c");
        DpwsStack host = new DpwsStack(new DpwsStack.Config(c.interfaces(), 0, 0, true, false, false, true, "hub-c",
                Duration.ofSeconds(5)), things, Policies.plain(), () -> null, true);
        host.start();
        try {
            clientStack.client().probe(List.of(), new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    host.discoveryPort()), Duration.ofSeconds(1));
            String address = host.host().deviceFor(LAMP).address();
            DiscoveredDevice d = clientStack.client().device(address).orElseThrow();
            assertTrue(d.xaddrs().stream().allMatch(x -> x.startsWith("https://")), d.xaddrs().toString());
            IOException e = assertThrows(IOException.class, () -> clientStack.client().fetchMetadata(address));
            assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
        } finally {
            host.close();
        }
    }

    private static TlsComponent.Config needClientAuth() {
        return new TlsComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return TlsComponent.Config.class;
            }

            @Override
            public String clientAuth() {
                return "need";
            }
        };
    }
}
