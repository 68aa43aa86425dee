package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.SoapSecurity;
import org.trusthub.binding.dpws.spi.SoapSecurityException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What the binding does around the message-security seam, with a stand-in provider (the WS-Security provider
 * lives in security-oscore): it secures what it sends, acts only on what verified, answers a failed check with
 * that fault, and drops discovery messages whose signature is bad.
 */
class SecuritySeamTest {

    static final ThingId LAMP = ThingId.of("lamp-1");
    static final String FAKE = "urn:test:fake-security";

    /** Signs by adding a marker header; "verifies" by checking and removing it. Not cryptography: a stand-in. */
    static class MarkerSecurity extends SoapSecurityStub {
        final String mark;
        /** Who a good compact signature is by; the host's own identity unless a test says otherwise. */
        String signer = SoapSecurity.HUB_SIGNER;

        MarkerSecurity(String mark) {
            this.mark = mark;
        }

        final java.util.List<ThingId> securedFor = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public Protection secure(Document envelope, ThingId thing, Protection required) {
            securedFor.add(thing);
            Element header = Xml.child(envelope.getDocumentElement(), DpwsVersion.SOAP, "Header");
            Element sec = Xml.add(header, DpwsVersion.WSSE, "wsse:Security");
            Xml.add(sec, FAKE, "f:Mark", mark);
            return Protection.integrity().endToEnd();
        }

        @Override
        public Optional<Authenticated> verify(Document envelope, ThingId thing, Protection required)
                throws SoapSecurityException {
            Element header = Xml.child(envelope.getDocumentElement(), DpwsVersion.SOAP, "Header");
            Element sec = Xml.child(header, DpwsVersion.WSSE, "Security");
            if (sec == null) {
                throw new SoapSecurityException(SoapSecurityException.INVALID_SECURITY,
                        "the policy asks for a signature and the message has none");
            }
            if (!"good".equals(Xml.childText(sec, FAKE, "Mark"))) {
                throw new SoapSecurityException(SoapSecurityException.FAILED_CHECK, "signature does not verify");
            }
            header.removeChild(sec);
            return Optional.of(Policies.signature(thing));
        }

        @Override
        public Optional<Authenticated> verifyRequest(Document envelope, ThingId hosted, Protection required)
                throws SoapSecurityException {
            verify(envelope, hosted, required);
            return Policies.signedBy(Optional.of(ThingId.of("client-hub")));
        }

        @Override
        public void signDiscovery(Document envelope) {
            Element header = Xml.child(envelope.getDocumentElement(), DpwsVersion.SOAP, "Header");
            Xml.add(header, FAKE, "f:DiscoverySig", mark);
        }

        @Override
        public Optional<String> verifyDiscovery(Document envelope) throws SoapSecurityException {
            Element header = Xml.child(envelope.getDocumentElement(), DpwsVersion.SOAP, "Header");
            String sig = Xml.childText(header, FAKE, "DiscoverySig");
            if (sig == null) {
                return Optional.empty();
            }
            if (!"good".equals(sig)) {
                throw new SoapSecurityException(SoapSecurityException.FAILED_CHECK, "compact signature is bad");
            }
            return Optional.of(signer);
        }
    }

    final AtomicInteger statusReads = new AtomicInteger();
    DpwsStack host;
    DpwsStack client;

    DpwsStack stack(boolean hostRole, SoapSecurity security) throws Exception {
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
                Duration.ofSeconds(5)), things, Policies.with(() -> security, Policies.signed()));
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
    }

    String discover() throws Exception {
        client.client().probe(List.of(), new InetSocketAddress(InetAddress.getLoopbackAddress(),
                host.discoveryPort()), Duration.ofSeconds(1));
        return host.host().deviceFor(LAMP).address();
    }

    SoapMessage getStatus(String device) throws Exception {
        String service = host.host().deviceFor(LAMP).servicePath();
        Element payload = Xml.newDocument().createElementNS(DeviceHost.TH, "th:GetStatus");
        return client.client().invoke(device, "http://127.0.0.1:" + host.httpPort() + service,
                DeviceHost.GET_STATUS, payload);
    }

    @Test
    void anUnsignedNotificationIsRefusedAfterTheDeviceWasForgotten() throws Exception {
        host = stack(true, new MarkerSecurity("good"));
        client = stack(false, new MarkerSecurity("good"));
        String device = discover();
        List<SoapMessage> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        DpwsClient.ClientSubscription sub = client.client().subscribe(device, "http://127.0.0.1:" + host.httpPort()
                + host.host().deviceFor(LAMP).servicePath(), List.of(), java.time.Duration.ofMinutes(5), events::add);
        // The device table forgets the device (a Bye, its bound); the subscription and its sink remain.
        client.client().forget(client.client().device(device).orElseThrow().thing());

        String forged = "<s:Envelope xmlns:s='" + DpwsVersion.SOAP + "' xmlns:a='" + DpwsVersion.DPWS_2009.wsa
                + "'><s:Header><a:Action>" + DeviceHost.STATE_CHANGED + "</a:Action><a:MessageID>urn:uuid:"
                + java.util.UUID.randomUUID() + "</a:MessageID></s:Header><s:Body><t:StateChanged xmlns:t='"
                + DeviceHost.TH + "'><t:Thing>lamp-1</t:Thing><t:State>REVOKED</t:State></t:StateChanged>"
                + "</s:Body></s:Envelope>";
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), client.httpPort());
        HttpServer.Response r = client.onHttp("/dpws/sink/" + sub.localId(),
                forged.getBytes(java.nio.charset.StandardCharsets.UTF_8), loopback, loopback);
        assertEquals(400, r.status());
        assertTrue(events.isEmpty(), "an unsigned notification reached the listener");
    }

    @Test
    void securedBothWaysIsLabelledSignedAndDiscoverySignerShown() throws Exception {
        MarkerSecurity hostSecurity = new MarkerSecurity("good");
        host = stack(true, hostSecurity);
        client = stack(false, new MarkerSecurity("good"));
        String device = discover();
        DiscoveredDevice d = client.client().device(device).orElseThrow();
        assertEquals(SoapSecurity.HUB_SIGNER, d.signer());
        SoapMessage r = getStatus(device);
        assertEquals(DeviceHost.GET_STATUS_RESPONSE, r.action());
        assertEquals(Protection.Level.INTEGRITY, client.client().device(device).orElseThrow().protection().level());
        assertEquals(1, statusReads.get());
        assertEquals(List.of(ThingId.of("client-hub")), hostSecurity.securedFor,
                "the response is secured for the signer of the request, not for the hosted thing");
    }

    @Test
    void aBadSignatureGetsTheProvidersFaultAndIsNotActedOn() throws Exception {
        host = stack(true, new MarkerSecurity("good"));
        client = stack(false, new MarkerSecurity("forged"));
        // The forged compact signatures of the client side do not matter here: the host signs its ProbeMatches.
        String device = discover();
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> getStatus(device));
        assertTrue(e.getMessage().contains("answered with an unauthenticated fault: signature does not verify"),
                e.getMessage());
        assertEquals(0, statusReads.get(), "the operation ran although the request did not verify");
    }

    @Test
    void anUnsignedRequestToAThingWhosePolicySignsIsRefused() throws Exception {
        host = stack(true, new MarkerSecurity("good"));
        client = stack(false, null);
        String device = discover();
        assertThrows(java.io.IOException.class, () -> getStatus(device));
        assertEquals(0, statusReads.get());
    }

    @Test
    void aStrippedSignatureOnTheResponseIsADowngradeNotPlain() throws Exception {
        // The host's discovery messages are signed, its SOAP replies arrive stripped of their security header.
        host = stack(true, new MarkerSecurity("good") {
            @Override
            public Protection secure(Document envelope, ThingId thing, Protection required) {
                return Protection.NONE;
            }

            @Override
            public Optional<Authenticated> verifyRequest(Document envelope, ThingId hosted, Protection required) {
                return Optional.empty();
            }
        });
        client = stack(false, new MarkerSecurity("good"));
        String device = discover();
        SoapSecurityException e = assertThrows(SoapSecurityException.class, () -> getStatus(device));
        assertEquals(SoapSecurityException.INVALID_SECURITY, e.faultCode());
        assertEquals(Protection.NONE, client.client().device(device).orElseThrow().protection());
    }

    @Test
    void theProvidersPrincipalReachesTheBindingWhole() throws Exception {
        // A security context token's caller: mechanism and session are what the status and the services see.
        Authenticated sct = new Authenticated(ThingId.of("client-hub"), Layer.APPLICATION, "wss-sct",
                Protection.confidentiality().endToEnd(), "urn:uuid:3d2f");
        SoapSecurityStub provider = new SoapSecurityStub() {
            @Override
            public Optional<Authenticated> verify(Document envelope, ThingId thing, Protection required) {
                return Optional.of(sct);
            }

            @Override
            public Optional<Authenticated> verifyRequest(Document envelope, ThingId hosted, Protection required) {
                return Optional.of(sct);
            }
        };
        MessageSecurity security = Policies.with(() -> provider);
        SoapMessage m = SoapMessage.fault(DpwsVersion.DPWS_2009, null, "Sender", null, "x");
        assertEquals(Optional.of(sct), security.incoming(m, LAMP));
        assertEquals(Optional.of(sct), security.incomingRequest(m, LAMP));
    }

    @Test
    void unsignedDiscoveryForADeviceWhosePolicySignsIsDropped() throws Exception {
        host = stack(true, null);
        client = stack(false, new MarkerSecurity("good"));
        List<DiscoveryMessage.Endpoint> found = client.client().probe(List.of(), new InetSocketAddress(
                InetAddress.getLoopbackAddress(), host.discoveryPort()), Duration.ofSeconds(1));
        assertEquals(List.of(), found);
        assertTrue(client.client().devices().isEmpty());
    }

    @Test
    void discoveryWithABadCompactSignatureIsDropped() throws Exception {
        host = stack(true, new MarkerSecurity("forged"));
        client = stack(false, new MarkerSecurity("good"));
        List<DiscoveryMessage.Endpoint> found = client.client().probe(List.of(), new InetSocketAddress(
                InetAddress.getLoopbackAddress(), host.discoveryPort()), Duration.ofSeconds(1));
        assertEquals(List.of(), found);
        assertTrue(client.client().devices().isEmpty());
    }
}
