package org.trusthub.security.transport.dtls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.dtls.HandshakeType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityRefusals;
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
    DTLSConnector serverConnector;
    InetSocketAddress address;
    final List<CoapClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        hub = new TestHub(dir);
        dtls = new DtlsComponent(hub.keys, hub.registry);
        startServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** What the CoAP binding does with the provider: a CoAP server on a connector the provider makes. */
    private void startServer(InetSocketAddress at) throws Exception {
        DTLSConnector connector = dtls.newServer(DtlsServerOptions.all(at));
        serverConnector = connector;
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
    void theNextConnectorOnThePortTakesOverTheSessionsOfTheOneItsBindingDestroyed() throws Exception {
        ThingId lamp = hub.secretThing("lamp-1");
        DTLSConnector thing = pskClient(lamp);
        CoapClient c = client(thing);
        assertEquals("lamp-1", DtlsPeers.get(c));
        Object session = thing.getSessionByAddress(address).getSessionIdentifier();

        // A binding update: the binding's server and its connector end, the new binding asks for the same port.
        server.destroy();
        startServer(address);

        assertEquals("lamp-1", DtlsPeers.get(c), "the session goes on with the new connector");
        assertEquals(session, thing.getSessionByAddress(address).getSessionIdentifier(), "no new handshake");
        // A session taken over is closed with the thing's others.
        hub.registry.transition(lamp, Transition.MAINTAIN);
        dtls.forget(lamp);
        assertNull(DtlsPeers.get(c), "the session taken over is closed");
    }

    @Test
    void aSessionTakenOverIsClosedWhenItsThingsKeysAreRevoked() throws Exception {
        KeyPair pair = Certificates.ec();
        ThingId sensor = hub.certificateThing("sensor-7", Certificates.ca(pair, "sensor-7"));
        CoapClient c = client(DtlsPeers.rpk(pair, hub.keys.hubIdentity().certificate()));
        assertEquals("sensor-7", DtlsPeers.get(c));

        server.destroy();
        startServer(address);

        assertEquals(1, dtls.sessions(sensor).size(), "the session taken over is reported");
        assertEquals("sensor-7", DtlsPeers.get(c));
        // Once revoked, its raw public key names no thing any more: only the tracker still finds the session.
        hub.keys.revoke(sensor);
        dtls.closeSessions(sensor);
        assertEquals(0, dtls.openSessions(sensor));
        assertNull(DtlsPeers.get(c), "the session taken over survived the revocation");
    }

    @Test
    void sessionsOfThingsRevokedWhileHandedOverAreNotTakenOver() throws Exception {
        ThingId lamp = hub.secretThing("lamp-22");
        KeyPair pair = Certificates.ec();
        ThingId sensor = hub.certificateThing("sensor-8", Certificates.ca(pair, "sensor-8"));
        ThingId other = hub.secretThing("lamp-23");
        CoapClient psk = client(pskClient(lamp));
        CoapClient rpk = client(DtlsPeers.rpk(pair, hub.keys.hubIdentity().certificate()));
        CoapClient kept = client(pskClient(other));
        assertEquals("lamp-22", DtlsPeers.get(psk));
        assertEquals("sensor-8", DtlsPeers.get(rpk));
        assertEquals("lamp-23", DtlsPeers.get(kept));

        server.destroy();
        // Revoked without their sessions being closed (as a keystore tool would): the next connector keeps none.
        hub.keys.revoke(lamp);
        hub.keys.revoke(sensor);
        startServer(address);

        assertNull(DtlsPeers.get(psk), "the PSK session of a revoked thing was taken over");
        assertNull(DtlsPeers.get(rpk), "the raw public key session of a revoked thing was taken over");
        assertEquals(List.of(), dtls.sessions(lamp));
        assertEquals(List.of(), dtls.sessions(sensor));
        assertEquals("lamp-23", DtlsPeers.get(kept), "another thing's session is taken over");
        assertEquals(1, dtls.sessions(other).size());
    }

    @Test
    void closingAThingsSessionsBetweenTwoConnectorsKeepsTheOtherThingsHandedOverSessions() throws Exception {
        ThingId lamp = hub.secretThing("lamp-24");
        ThingId other = hub.secretThing("lamp-25");
        CoapClient closed = client(pskClient(lamp));
        CoapClient kept = client(pskClient(other));
        assertEquals("lamp-24", DtlsPeers.get(closed));
        assertEquals("lamp-25", DtlsPeers.get(kept));

        server.destroy();
        dtls.closeSessions(lamp);
        startServer(address);

        assertNull(DtlsPeers.get(closed), "the closed thing's session came back");
        assertEquals(0, dtls.openSessions(lamp));
        assertEquals("lamp-25", DtlsPeers.get(kept), "another thing's handed-over session was dropped");
        assertEquals(1, dtls.openSessions(other));
    }

    @Test
    void sessionsHandedOverAndNotTakenAreDroppedAfterTheirTime() throws Exception {
        DtlsComponent quick = new DtlsComponent(hub.keys, hub.registry, java.time.Duration.ofMillis(200));
        try {
            DTLSConnector connector = quick.newServer(
                    DtlsServerOptions.all(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
            CoapServer other = new CoapServer(DtlsPeers.coapConfiguration());
            other.addEndpoint(new CoapEndpoint.Builder().setConnector(connector)
                    .setConfiguration(DtlsPeers.coapConfiguration()).build());
            other.start();
            ThingId lamp = hub.secretThing("lamp-26");
            DtlsPeers.get(client(pskClient(lamp), connector.getAddress()));
            // An uninstalled binding: its connector hands over, and no next connector comes for the sessions.
            other.destroy();
            assertEquals(1, quick.waitingHandovers(), "the session was handed over");
            org.trusthub.testkit.Await.until("the handover dropped", java.time.Duration.ofSeconds(10),
                    () -> quick.waitingHandovers() == 0);
        } finally {
            quick.deactivate();
        }
    }

    @Test
    void sessionsOfAThingForgottenBetweenTwoConnectorsAreNotTakenOver() throws Exception {
        ThingId lamp = hub.secretThing("lamp-1");
        CoapClient c = client(pskClient(lamp));
        assertEquals("lamp-1", DtlsPeers.get(c));

        server.destroy();
        hub.registry.transition(lamp, Transition.MAINTAIN);
        dtls.forget(lamp);
        startServer(address);

        assertNull(DtlsPeers.get(c), "its session did not come back");
        assertEquals(0, dtls.openSessions(lamp));
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
    void refusalsAreCountedUnderTheCommonReasonsAndEstablishedSessionsAreReported() {
        List<String> counted = new java.util.concurrent.CopyOnWriteArrayList<>();
        dtls.bindRefusals(new SecurityRefusals() {
            @Override
            public void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
                counted.add(thing.map(ThingId::value).orElse("-") + " " + layer + " " + mechanism + " " + reason);
            }

            @Override
            public List<RefusalCount> counts() {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<RefusalCount> counts(ThingId thing) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void clear(ThingId thing) {
                throw new UnsupportedOperationException();
            }
        });
        ThingId lamp = hub.secretThing("lamp-20");
        ThingId away = hub.secretThing("lamp-21");
        hub.registry.transition(away, Transition.MAINTAIN);
        assertEquals(List.of(), dtls.sessions(lamp));
        assertEquals("lamp-20", DtlsPeers.get(client(pskClient(lamp))));
        List<Authenticated> sessions = dtls.sessions(lamp);
        assertEquals(1, sessions.size());
        assertEquals(lamp, sessions.get(0).thing());
        assertEquals(Layer.TRANSPORT, sessions.get(0).layer());
        assertEquals("dtls-psk", sessions.get(0).mechanism());
        assertEquals(Protection.confidentiality(), sessions.get(0).protection());
        assertTrue(sessions.get(0).session().matches("[0-9a-f]+"), sessions.get(0).session());
        assertEquals(List.of(), counted);

        byte[] wrong = ThingPsk.secret(hub.keys, lamp);
        wrong[0] ^= 1;
        assertNull(DtlsPeers.get(client(DtlsPeers.psk("nobody", wrong.clone()))));
        assertNull(DtlsPeers.get(client(DtlsPeers.psk("lamp-21", ThingPsk.secret(hub.keys, away)))));
        assertNull(DtlsPeers.get(client(DtlsPeers.psk("lamp-20", wrong))));
        assertEquals(List.of("- TRANSPORT dtls-psk UNKNOWN_KEY", "lamp-21 TRANSPORT dtls-psk NOT_OPERATIONAL",
                "lamp-20 TRANSPORT dtls-psk FORGED"), counted);

        dtls.forget(lamp);
        assertEquals(List.of(), dtls.sessions(lamp));
    }

    /**
     * On the wire, the whole handshake as the client sees it. This is a guard on what the client sees, not a test of
     * the decoy: Scandium 3.14 already drops a handshake with an unknown identity as silently as one with a wrong key
     * (no alert either way; even counted per message the server's datagrams are the same), so this passes without the
     * decoy as well. The decoy keeps it so should Scandium ever answer an unknown identity, and makes an unknown
     * identity go through the same work (key, master secret, Finished check) as a known one; KeystorePskStoreTest
     * checks the decoy itself and fails without it.
     */
    @Test
    void unknownIdentityAndWrongKeyLookTheSameOnTheWire() throws Exception {
        ThingId lamp = hub.secretThing("lamp-10");
        ThingId away = hub.secretThing("lamp-11");
        hub.registry.transition(away, Transition.MAINTAIN);
        byte[] wrong = ThingPsk.secret(hub.keys, lamp);
        wrong[0] ^= 1;
        Set<String> wrongKey = serverAnswers(DtlsPeers.psk("lamp-10", wrong.clone()));
        assertTrue(wrongKey.contains("handshake/0/SERVER_HELLO_DONE"), wrongKey.toString());
        assertFalse(wrongKey.stream().anyMatch(r -> r.startsWith("alert")), "a wrong key gets no alert");
        assertEquals(wrongKey, serverAnswers(DtlsPeers.psk("nobody", wrong.clone())));
        assertEquals(wrongKey, serverAnswers(DtlsPeers.psk("lamp-11", ThingPsk.secret(hub.keys, away))));
        assertEquals(wrongKey, serverAnswers(DtlsPeers.psk("NOT a thing id!", wrong.clone())));
    }

    @Test
    void failedHandshakesOfAKnownIdentityAreLoggedOncePerWindowWithoutTheKey() throws Exception {
        ThingId lamp = hub.secretThing("lamp-12");
        byte[] right = ThingPsk.secret(hub.keys, lamp);
        byte[] wrong = right.clone();
        wrong[0] ^= 1;
        String log = capturingStandardError(() -> {
            for (int i = 0; i < 3; i++) {
                assertNull(DtlsPeers.get(client(DtlsPeers.psk("lamp-12", wrong.clone()))));
            }
            assertNull(DtlsPeers.get(client(DtlsPeers.psk("nobody", wrong.clone()))));
        });
        assertEquals(1, log.split("DTLS PSK handshake as thing lamp-12 from ", -1).length - 1, log);
        assertFalse(log.contains("handshake as thing nobody"), "an unknown identity is no thing's failure");
        assertFalse(log.contains(new String(right, StandardCharsets.US_ASCII)), "the key never reaches the log");
        assertFalse(log.contains(new String(wrong, StandardCharsets.US_ASCII)), "nor the peer's key");
        assertEquals("lamp-12", DtlsPeers.get(client(pskClient(lamp))), "the thing itself still gets in");
    }

    @Test
    void aHandshakeWithAWrongKeyWritesNothingToTheKeystoreAndAGenuineOneRecordsTheUse() throws Exception {
        ThingId lamp = hub.secretThing("lamp-14");
        byte[] right = ThingPsk.secret(ThingPsk.keyUnrecorded(hub.keys, lamp));
        byte[] wrong = right.clone();
        wrong[0] ^= 1;
        int transport = Layer.TRANSPORT.ordinal();
        assertNull(hub.keys.metadata(lamp).layers().get(transport).lastUsed(), "no key used yet");
        var metadata = hub.keys.metadata(lamp);
        Map<String, byte[]> files = keystoreFiles();

        assertNull(DtlsPeers.get(client(DtlsPeers.psk("lamp-14", wrong))));
        assertEquals(metadata, hub.keys.metadata(lamp), "a handshake with a wrong key recorded a key use");
        Map<String, byte[]> after = keystoreFiles();
        assertEquals(files.keySet(), after.keySet());
        files.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name));

        assertEquals("lamp-14", DtlsPeers.get(client(DtlsPeers.psk("lamp-14", right))));
        var used = hub.keys.metadata(lamp).layers().get(transport);
        assertNotNull(used.lastUsed());
        assertTrue(used.mechanisms().contains(ThingPsk.MECHANISM), used.toString());
        assertFalse(hub.keys.discardEnrollment(lamp), "the genuine handshake's key use is durable");
    }

    @Test
    void thousandsOfUnfinishedHandshakesOfAnIdentityDoNotKeepAGenuineUseFromBeingRecorded() throws Exception {
        ThingId lamp = hub.secretThing("lamp-16");
        Field config = DTLSConnector.class.getDeclaredField("config");
        config.setAccessible(true);
        AdvancedPskStore store = ((DtlsConnectorConfig) config.get(serverConnector)).getAdvancedPskStore();
        PskPublicInformation identity = new PskPublicInformation(ThingPsk.identity(lamp));
        for (int i = 0; i < 5000; i++) {
            PskSecretResult result = store.requestPskSecretResult(new ConnectionId(ByteBuffer.allocate(4).putInt(i)
                    .array()), null, identity, "HmacSHA256", null, new byte[32], true);
            assertEquals(1, result.getCustomArgument(), "the key's generation goes along, not the key");
        }
        assertNull(hub.keys.metadata(lamp).layers().get(Layer.TRANSPORT.ordinal()).lastUsed());

        assertEquals("lamp-16", DtlsPeers.get(client(pskClient(lamp))));
        assertNotNull(hub.keys.metadata(lamp).layers().get(Layer.TRANSPORT.ordinal()).lastUsed());
    }

    @Test
    void aSessionWhoseKeyUseCannotBeRecordedIsEnded() throws Exception {
        ThingId lamp = hub.secretThing("lamp-15");
        // The keystore as it is, except that recording a use fails (a disk full, a rotation meanwhile).
        ThingKeyStore failing = (ThingKeyStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ThingKeyStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("recordUse")) {
                        throw new KeystoreException("disk full");
                    }
                    try {
                        return method.invoke(hub.keys, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        DtlsComponent refusing = new DtlsComponent(failing, hub.registry);
        DTLSConnector connector = refusing.newServer(
                DtlsServerOptions.all(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        CoapServer other = new CoapServer(DtlsPeers.coapConfiguration());
        other.addEndpoint(new CoapEndpoint.Builder().setConnector(connector)
                .setConfiguration(DtlsPeers.coapConfiguration()).build());
        other.add(new CoapResource("whoami") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond("in");
            }
        });
        other.start();
        try {
            CoapClient c = client(pskClient(lamp), connector.getAddress());
            // The first request may still pass while the connection is being ended; the next finds no session.
            DtlsPeers.get(c);
            assertNull(DtlsPeers.get(c), "a session whose key use was not recorded is kept");
            assertEquals(0, refusing.openSessions(lamp));
        } finally {
            other.destroy();
        }
    }

    /** The keystore's files by name, lock files left out. */
    private Map<String, byte[]> keystoreFiles() {
        Map<String, byte[]> out = new TreeMap<>();
        try (var s = Files.list(dir.resolve("keys"))) {
            for (Path p : s.filter(p -> !p.getFileName().toString().endsWith(".lock")).toList()) {
                out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /** What the server sends a client over a whole handshake: record types, handshake types, alerts; no bytes. */
    private Set<String> serverAnswers(DTLSConnector clientConnector) throws Exception {
        try (Relay relay = new Relay(address)) {
            assertNull(DtlsPeers.get(client(clientConnector, relay.address())));
            Set<String> answers = new TreeSet<>();
            for (byte[] datagram : relay.fromServer) {
                int at = 0;
                while (at + 13 <= datagram.length) {
                    int type = datagram[at];
                    int epoch = ((datagram[at + 3] & 0xff) << 8) | (datagram[at + 4] & 0xff);
                    int length = ((datagram[at + 11] & 0xff) << 8) | (datagram[at + 12] & 0xff);
                    if (type == 22 && epoch == 0) {
                        answers.add("handshake/0/" + HandshakeType.getTypeByCode(datagram[at + 13] & 0xff).name());
                    } else if (type == 21 && epoch == 0) {
                        answers.add("alert/0/" + datagram[at + 13] + "/" + datagram[at + 14]);
                    } else {
                        answers.add((type == 21 ? "alert" : "record " + type) + "/" + epoch + "/" + length);
                    }
                    at += 13 + length;
                }
            }
            return answers;
        }
    }

    private static String capturingStandardError(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeStream(original, copy), true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return copy.toString(StandardCharsets.UTF_8);
    }

    private static final class TeeStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buffer, int offset, int length) throws IOException {
            a.write(buffer, offset, length);
            b.write(buffer, offset, length);
        }
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
    void rawPublicKeySessionIsClosedWhenTheThingIsDecommissioned() throws Exception {
        KeyPair pair = Certificates.ec();
        ThingId sensor = hub.certificateThing("sensor-5", Certificates.ca(pair, "sensor-5"));
        CoapClient c = client(DtlsPeers.rpk(pair, hub.keys.hubIdentity().certificate()));
        assertEquals("sensor-5", DtlsPeers.get(c));
        hub.registry.transition(sensor, Transition.DECOMMISSION);
        dtls.forget(sensor);
        assertEquals(0, dtls.openSessions(sensor));
        // Without a session the request gets no answer; with the old one still open it would get "?".
        assertNull(DtlsPeers.get(c), "the old session is gone");
    }

    @Test
    void certificateSessionIsClosedWhenTheThingsKeysAreRevoked() throws Exception {
        KeyPair caPair = Certificates.ec();
        X509Certificate ca = Certificates.ca(caPair, "installer-ca");
        hub.keys.addTrustAnchor("installer-ca", ca, java.util.Set.of(org.trusthub.api.keystore.TrustPurpose.DTLS));
        KeyPair pair = Certificates.ec();
        X509Certificate leaf = Certificates.issue(caPair, "installer-ca", pair, "sensor-6",
                Instant.now().minusSeconds(60), Instant.now().plusSeconds(86400), false);
        ThingId sensor = hub.certificateThing("sensor-6", leaf);
        CoapClient c = client(DtlsPeers.x509(pair, new X509Certificate[] {leaf, ca},
                hub.keys.hubIdentity().certificate()));
        assertEquals("sensor-6", DtlsPeers.get(c));
        hub.keys.revoke(sensor);
        dtls.closeSessions(sensor);
        assertEquals(0, dtls.openSessions(sensor));
        assertNull(DtlsPeers.get(c), "the old session is gone");
    }

    @Test
    void refusedKeysAreLoggedOncePerWindow() throws Exception {
        X509Certificate hubCert = hub.keys.hubIdentity().certificate();
        String log = capturingStandardError(() -> {
            for (int i = 0; i < 3; i++) {
                try {
                    assertNull(DtlsPeers.get(client(DtlsPeers.rpk(Certificates.ec(), hubCert))));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        });
        assertTrue(log.split("belongs to no enrolled thing", -1).length - 1 <= 1, log);
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
    void floodOfMalformedClientHellosLeavesALineOrTwoAndHandshakesGoOn() throws Exception {
        ThingId lamp = hub.secretThing("lamp-13");
        byte[] hello = malformedClientHello();
        assertEquals(80, hello.length);
        String log = capturingStandardError(() -> {
            try (DatagramSocket attacker = new DatagramSocket(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                for (int i = 0; i < 10_000; i++) {
                    attacker.send(new DatagramPacket(hello, hello.length, address));
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertEquals("lamp-13", DtlsPeers.get(client(pskClient(lamp))));
        });
        assertTrue(log.length() < 64 * 1024, "log grew by " + log.length() + " characters");
        assertFalse(log.contains("NullPointerException"), "no stack trace");
        assertEquals(1, log.split("malformed handshake record", -1).length - 1, log);
    }

    /**
     * A ClientHello whose session-id length byte is 255, which Scandium's reader takes for "null": 80 bytes that
     * anyone can send from any address.
     */
    private static byte[] malformedClientHello() {
        byte[] d = new byte[80];
        int body = 80 - 13 - 12;
        d[0] = 22; // handshake record
        d[1] = (byte) 0xfe;
        d[2] = (byte) 0xfd; // DTLS 1.2, epoch 0, sequence 0
        d[12] = (byte) (12 + body); // record length
        d[13] = 1; // ClientHello
        d[16] = (byte) body; // message length
        d[24] = (byte) body; // fragment length, offset 0
        d[25] = (byte) 0xfe;
        d[26] = (byte) 0xfd; // client version, then 32 bytes of random
        d[25 + 2 + 32] = (byte) 0xff; // the false session-id length
        return d;
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
