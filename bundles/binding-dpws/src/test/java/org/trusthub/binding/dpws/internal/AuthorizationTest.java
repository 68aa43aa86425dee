package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.internal.SecuritySeamTest.MarkerSecurity;
import org.trusthub.binding.dpws.spi.SoapSecurityException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What a signed caller may do with a hosted thing is the security policy's: Get reads {@code dpws-metadata},
 * GetStatus reads {@code dpws-state}; a refusal is a fault, counted, and nothing runs. A thing may always ask itself.
 */
class AuthorizationTest {

    static final ThingId LAMP = SecuritySeamTest.LAMP;
    static final ThingId CLIENT = ThingId.of("client-hub");

    final AtomicInteger statusReads = new AtomicInteger();
    final Policies policy = Policies.signed();
    final Policies.Refusals refusals = new Policies.Refusals();
    DpwsStack host;
    DpwsStack client;

    /** Signs as the marker provider does; requests verify as signed by {@code caller}. */
    static MarkerSecurity signedBy(ThingId caller) {
        return new MarkerSecurity("good") {
            @Override
            public Optional<Authenticated> verifyRequest(Document envelope, ThingId hosted, Protection required)
                    throws SoapSecurityException {
                verify(envelope, hosted, required);
                return Policies.signedBy(Optional.of(caller));
            }
        };
    }

    void start(ThingId caller) throws Exception {
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
        MarkerSecurity hostSecurity = signedBy(caller);
        host = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, false, true, "h",
                Duration.ofSeconds(5)), things, new MessageSecurity(() -> hostSecurity, () -> policy,
                        () -> refusals));
        host.start();
        MarkerSecurity clientSecurity = new MarkerSecurity("good");
        client = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, true, false, "c",
                Duration.ofSeconds(5)), things, Policies.with(() -> clientSecurity, Policies.signed()));
        client.start();
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
        Element payload = Xml.newDocument().createElementNS(DeviceHost.TH, "th:GetStatus");
        return client.client().invoke(device, "http://127.0.0.1:" + host.httpPort()
                + host.host().deviceFor(LAMP).servicePath(), DeviceHost.GET_STATUS, payload);
    }

    @Test
    void aCallerThePolicyDoesNotGrantIsRefusedAndNothingRuns() throws Exception {
        start(CLIENT);
        String device = discover();
        policy.grants = false;
        IOException e = assertThrows(IOException.class, () -> getStatus(device));
        assertTrue(e.getMessage().contains("client-hub may not read dpws-state of lamp-1"), e.getMessage());
        assertEquals(0, statusReads.get(), "GetStatus ran for a caller the policy does not grant");
        e = assertThrows(IOException.class, () -> client.client().fetchMetadata(device));
        assertTrue(e.getMessage().contains("may not read dpws-metadata"), e.getMessage());
        assertEquals(List.of("client-hub/dpws/POLICY", "client-hub/dpws/POLICY"), refusals.seen);
        assertEquals(List.of("read client-hub lamp-1 dpws-state", "read client-hub lamp-1 dpws-metadata"),
                policy.asked);

        policy.grants = true;
        assertEquals(DeviceHost.GET_STATUS_RESPONSE, getStatus(device).action());
        assertEquals(1, statusReads.get());
    }

    @Test
    void aThingMayAlwaysAskItself() throws Exception {
        start(LAMP);
        String device = discover();
        policy.grants = false;
        assertEquals(DeviceHost.GET_STATUS_RESPONSE, getStatus(device).action());
        assertEquals(List.of(), policy.asked, "the policy was asked about a thing's own state");
        assertEquals(List.of(), refusals.seen);
    }
}
