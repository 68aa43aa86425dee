package org.trusthub.security.transport.dtls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.scandium.DTLSConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.security.transport.dtls.DtlsServerOptions;
import org.trusthub.security.transport.dtls.ThingPsk;

/** Real Scandium clients against the hub's DTLS server on loopback, keyed by the real keystore. */
class DtlsComponentTest {

    @TempDir
    Path dir;
    TestHub hub;
    DtlsComponent dtls;
    CoapServer server;
    InetSocketAddress address;
    final List<CoapClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        hub = new TestHub(dir);
        dtls = new DtlsComponent(hub.keys, hub.registry);
        DTLSConnector connector = dtls.newServer(
                DtlsServerOptions.all(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        server = new CoapServer(DtlsPeers.coapConfiguration());
        server.addEndpoint(new CoapEndpoint.Builder().setConnector(connector)
                .setConfiguration(DtlsPeers.coapConfiguration()).build());
        server.add(new CoapResource("whoami") {
            @Override
            public void handleGET(CoapExchange exchange) {
                var peer = exchange.advanced().getRequest().getSourceContext().getPeerIdentity();
                exchange.respond(dtls.thingOf(peer).map(ThingId::value).orElse("?"));
            }
        });
        server.start();
        address = connector.getAddress();
    }

    @AfterEach
    void stop() {
        clients.forEach(CoapClient::shutdown);
        server.destroy();
        hub.close();
    }

    private CoapClient client(DTLSConnector connector) {
        return client(connector, address);
    }

    private CoapClient client(DTLSConnector connector, InetSocketAddress to) {
        CoapClient c = DtlsPeers.client(connector, to, "whoami");
        clients.add(c);
        return c;
    }

    private DTLSConnector pskClient(ThingId thing) {
        return DtlsPeers.psk(ThingPsk.identity(thing), ThingPsk.secret(hub.keys, thing));
    }

    @Test
    void operationalThingTalksOverPskAndIsCutOffAtOnceWhenDecommissioned() {
        ThingId lamp = hub.secretThing("lamp-1");
        CoapClient c = client(pskClient(lamp));
        assertEquals("lamp-1", DtlsPeers.get(c));
        assertEquals(1, dtls.openSessions(lamp));

        hub.registry.transition(lamp, Transition.DECOMMISSION);
        dtls.forget(lamp);
        assertEquals(0, dtls.openSessions(lamp));
        assertNull(DtlsPeers.get(c), "the old session is gone");
        // Its keys are revoked: the test can no longer even derive a PSK, and the old one is refused.
        assertThrows(RuntimeException.class, () -> ThingPsk.secret(hub.keys, lamp));
    }

    @Test
    void oldPskIsRefusedAfterDecommissioningEvenInANewHandshake() {
        ThingId lamp = hub.secretThing("lamp-2");
        byte[] oldPsk = ThingPsk.secret(hub.keys, lamp);
        hub.registry.transition(lamp, Transition.DECOMMISSION);
        dtls.forget(lamp);
        assertNull(DtlsPeers.get(client(DtlsPeers.psk("lamp-2", oldPsk))));
    }

    @Test
    void thingInMaintenanceGetsNoSession() {
        ThingId lamp = hub.secretThing("lamp-3");
        hub.registry.transition(lamp, Transition.MAINTAIN);
        assertNull(DtlsPeers.get(client(pskClient(lamp))));
        hub.registry.transition(lamp, Transition.RESUME);
        assertEquals("lamp-3", DtlsPeers.get(client(pskClient(lamp))));
    }

    @Test
    void rotationClosesTheSessionAndTheOldKeyNoLongerWorks() {
        ThingId lamp = hub.secretThing("lamp-4");
        byte[] oldPsk = ThingPsk.secret(hub.keys, lamp);
        CoapClient c = client(DtlsPeers.psk("lamp-4", oldPsk.clone()));
        assertEquals("lamp-4", DtlsPeers.get(c));
        hub.keys.rotate(lamp, org.trusthub.api.keystore.Layer.TRANSPORT);
        dtls.forget(lamp);
        assertEquals(0, dtls.openSessions(lamp));
        assertNull(DtlsPeers.get(client(DtlsPeers.psk("lamp-4", oldPsk))));
        assertEquals("lamp-4", DtlsPeers.get(client(pskClient(lamp))));
    }

    @Test
    void unknownIdentityAndWrongKeyAreRefusedWhileOthersKeepWorking() {
        ThingId lamp = hub.secretThing("lamp-5");
        CoapClient good = client(pskClient(lamp));
        assertEquals("lamp-5", DtlsPeers.get(good));
        byte[] wrong = ThingPsk.secret(hub.keys, lamp);
        wrong[0] ^= 1;
        assertNull(DtlsPeers.get(client(DtlsPeers.psk("nobody", ThingPsk.secret(hub.keys, lamp)))));
        assertNull(DtlsPeers.get(client(DtlsPeers.psk("lamp-5", wrong))));
        assertNull(DtlsPeers.get(client(DtlsPeers.psk("NOT a thing id!", wrong))));
        assertEquals("lamp-5", DtlsPeers.get(good));
    }

    @Test
    void rawPublicKeyOfTheThingsRootCertificateAuthenticatesIt() throws Exception {
        KeyPair pair = Certificates.ec();
        X509Certificate root = Certificates.ca(pair, "sensor-1");
        ThingId sensor = hub.certificateThing("sensor-1", root);
        X509Certificate hubCert = hub.keys.hubIdentity().certificate();
        assertEquals("sensor-1", DtlsPeers.get(client(DtlsPeers.rpk(pair, hubCert))));
        assertEquals(1, dtls.openSessions(sensor));
        // A key pair the keystore does not know is refused.
        assertNull(DtlsPeers.get(client(DtlsPeers.rpk(Certificates.ec(), hubCert))));
        hub.registry.transition(sensor, Transition.DECOMMISSION);
        dtls.forget(sensor);
        assertNull(DtlsPeers.get(client(DtlsPeers.rpk(pair, hubCert))));
    }

    @Test
    void certificateChainingToATrustAnchorAuthenticatesItsThing() throws Exception {
        KeyPair caPair = Certificates.ec();
        X509Certificate ca = Certificates.ca(caPair, "installer-ca");
        hub.keys.addTrustAnchor("installer-ca", ca, java.util.Set.of(org.trusthub.api.keystore.TrustPurpose.DTLS));
        KeyPair pair = Certificates.ec();
        X509Certificate leaf = Certificates.issue(caPair, "installer-ca", pair, "sensor-2",
                Instant.now().minusSeconds(60), Instant.now().plusSeconds(86400), false);
        ThingId sensor = hub.certificateThing("sensor-2", leaf);
        X509Certificate hubCert = hub.keys.hubIdentity().certificate();
        assertEquals("sensor-2",
                DtlsPeers.get(client(DtlsPeers.x509(pair, new X509Certificate[] {leaf, ca}, hubCert))));
        assertEquals(1, dtls.openSessions(sensor));
    }

    @Test
    void expiredAndUntrustedCertificatesAreRefused() throws Exception {
        KeyPair caPair = Certificates.ec();
        X509Certificate ca = Certificates.ca(caPair, "installer-ca");
        hub.keys.addTrustAnchor("installer-ca", ca, java.util.Set.of(org.trusthub.api.keystore.TrustPurpose.DTLS));
        X509Certificate hubCert = hub.keys.hubIdentity().certificate();

        KeyPair expiredPair = Certificates.ec();
        X509Certificate expired = Certificates.issue(caPair, "installer-ca", expiredPair, "sensor-3",
                Instant.now().minusSeconds(86400 * 2), Instant.now().minusSeconds(86400), false);
        hub.certificateThing("sensor-3", expired);
        assertNull(DtlsPeers.get(client(DtlsPeers.x509(expiredPair, new X509Certificate[] {expired}, hubCert))));

        KeyPair roguePair = Certificates.ec();
        X509Certificate rogueCa = Certificates.ca(roguePair, "rogue-ca");
        KeyPair pair = Certificates.ec();
        X509Certificate untrusted = Certificates.issue(roguePair, "rogue-ca", pair, "sensor-4",
                Instant.now().minusSeconds(60), Instant.now().plusSeconds(86400), false);
        hub.certificateThing("sensor-4", untrusted);
        assertNull(DtlsPeers.get(
                client(DtlsPeers.x509(pair, new X509Certificate[] {untrusted, rogueCa}, hubCert))));
    }

    @Test
    void connectionIdKeepsTheSessionWhenTheThingChangesAddress() throws Exception {
        ThingId lamp = hub.secretThing("lamp-6");
        try (Relay relay = new Relay(address)) {
            CoapClient c = client(pskClient(lamp), relay.address());
            assertEquals("lamp-6", DtlsPeers.get(c));
            int sent = relay.fromClient.size();
            relay.rebind();
            assertEquals("lamp-6", DtlsPeers.get(c));
            // One request and no new handshake: the server took the record's connection ID for the session.
            assertEquals(sent + 1, relay.fromClient.size());
            assertEquals(1, dtls.openSessions(lamp));
        }
    }

    @Test
    void forgedRecordIsDroppedAndTheSessionGoesOn() throws Exception {
        ThingId lamp = hub.secretThing("lamp-7");
        try (Relay relay = new Relay(address)) {
            CoapClient c = client(pskClient(lamp), relay.address());
            assertEquals("lamp-7", DtlsPeers.get(c));
            byte[] last = relay.fromClient.get(relay.fromClient.size() - 1);
            byte[] forged = last.clone();
            forged[forged.length - 1] ^= 0x55;
            relay.inject(forged);
            relay.inject(last); // a replay of the record just accepted
            assertEquals("lamp-7", DtlsPeers.get(c));
            assertEquals(1, dtls.openSessions(lamp));
        }
    }

    @Test
    void floodOfClientHellosFromManyAddressesGetsOnlyStatelessCookies() throws Exception {
        ThingId lamp = hub.secretThing("lamp-8");
        byte[] clientHello;
        try (Relay relay = new Relay(address)) {
            assertEquals("lamp-8", DtlsPeers.get(client(pskClient(lamp), relay.address())));
            clientHello = relay.fromClient.get(0);
        }
        assertEquals(22, clientHello[0], "a handshake record");
        int senders = 200;
        int cookies = 0;
        for (int i = 0; i < senders; i++) {
            try (DatagramSocket spoofed = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                spoofed.setSoTimeout(2000);
                spoofed.send(new DatagramPacket(clientHello, clientHello.length, address));
                DatagramPacket answer = new DatagramPacket(new byte[512], 512);
                spoofed.receive(answer);
                // record header is 13 bytes; handshake type 3 is HelloVerifyRequest (a cookie, no server state)
                if (answer.getData()[0] == 22 && answer.getData()[13] == 3) {
                    cookies++;
                }
            }
        }
        assertEquals(senders, cookies);
        assertEquals(1, dtls.openSessions(lamp), "no session was made for a spoofed sender");
        assertEquals("lamp-8", DtlsPeers.get(client(pskClient(lamp))));
    }

    @Test
    void optionsRefuseNonsense() {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        assertThrows(IllegalArgumentException.class, () -> new DtlsServerOptions(a, false, false, false, 6, 10));
        assertThrows(IllegalArgumentException.class, () -> new DtlsServerOptions(a, true, false, false, 17, 10));
        assertThrows(IllegalArgumentException.class, () -> new DtlsServerOptions(a, true, false, false, 6, 0));
    }

    @Test
    void pskIsHexTextOfTheDerivedKey() {
        ThingId lamp = hub.secretThing("lamp-9");
        byte[] psk = ThingPsk.secret(hub.keys, lamp);
        assertEquals(32, psk.length);
        assertTrue(new String(psk, StandardCharsets.US_ASCII).matches("[0-9a-f]{32}"));
        assertTrue(Arrays.equals(psk, ThingPsk.secret(hub.keys, lamp)), "stable within a generation");
    }
}
