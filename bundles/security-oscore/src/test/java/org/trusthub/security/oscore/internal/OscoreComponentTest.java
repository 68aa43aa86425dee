package org.trusthub.security.oscore.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.cose.AlgorithmID;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.util.Bytes;
import org.eclipse.californium.oscore.HashMapCtxDB;
import org.eclipse.californium.oscore.OSCoreCoapStackFactory;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.oscore.OscoreIds;

/** The hub's OSCORE contexts, keyed by the real keystore, against a thing running plain cf-oscore on loopback. */
class OscoreComponentTest {

    @TempDir
    Path dir;
    FileThingKeyStore keys;
    ThingRegistryCore registry;
    OscoreComponent oscore;
    final List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
    final SecurityRefusals refusals = new SecurityRefusals() {
        @Override
        public void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
            refused.add(thing.map(ThingId::value).orElse("-") + " " + layer + " " + mechanism + " " + reason);
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
    };
    CoapServer server;
    int port;
    final AtomicInteger handled = new AtomicInteger();
    final List<CoapClient> clients = new ArrayList<>();

    static Configuration configuration() {
        return new Configuration(CoapConfig.DEFINITIONS, UdpConfig.DEFINITIONS);
    }

    @BeforeEach
    void start() throws Exception {
        openStores();
        oscore = new OscoreComponent(keys, registry);
        oscore.bindRefusals(refusals);
        startServer();
    }

    private void startServer() {
        server = serverOf(oscore);
        port = server.getEndpoints().get(0).getAddress().getPort();
    }

    private CoapServer serverOf(OscoreComponent oscore) {
        CoapServer server = new CoapServer(configuration());
        server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(configuration())
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setCoapStackFactory(new OSCoreCoapStackFactory()).setCustomCoapStackArgument(oscore.database())
                .build());
        server.add(new CoapResource("whoami") {
            @Override
            public void handleGET(CoapExchange exchange) {
                handled.incrementAndGet();
                exchange.respond(oscore.sender(exchange.advanced().getRequest()).map(ThingId::value)
                        .orElse("not protected"));
            }
        });
        server.start();
        return server;
    }

    private void openStores() throws Exception {
        keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keys, LifecycleEventSink.NONE, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        clients.forEach(CoapClient::shutdown);
        server.destroy();
        oscore.deactivate();
        registry.close();
        keys.close();
    }

    /** The hub restarts: everything closed, stores reopened from disk, contexts made afresh. */
    private void restartHub() throws Exception {
        server.destroy();
        oscore.deactivate();
        registry.close();
        keys.close();
        openStores();
        oscore = new OscoreComponent(keys, registry);
        oscore.bindRefusals(refusals);
        startServer();
    }

    private ThingId operational(String id) {
        ThingId thing = ThingId.of(id);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        registry.enroll(thing, "tester", RootCredential.secret(secret));
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
        return thing;
    }

    /** The thing's side: plain cf-oscore with the parameters of {@link OscoreIds} and its key. */
    private CoapClient thingClient(ThingId thing, byte[] masterSecret) throws Exception {
        return thingClient(thing, masterSecret, 0);
    }

    /** A thing whose next Partial IV is {@code firstSeq}. */
    private CoapClient thingClient(ThingId thing, byte[] masterSecret, int firstSeq) throws Exception {
        return thingClient(thing, masterSecret, firstSeq, port);
    }

    /** A thing whose next Partial IV is {@code firstSeq}, talking to the hub endpoint at {@code port}. */
    private CoapClient thingClient(ThingId thing, byte[] masterSecret, int firstSeq, int port) throws Exception {
        OSCoreCtx ctx = new OSCoreCtx(masterSecret, true, AlgorithmID.AES_CCM_16_64_128,
                OscoreIds.thingSenderId(thing), OscoreIds.hubSenderId(), AlgorithmID.HKDF_HMAC_SHA_256, 32, null,
                null, 4096);
        ctx.setSenderSeq(firstSeq);
        HashMapCtxDB db = new HashMapCtxDB();
        String base = "coap://127.0.0.1:" + port;
        db.addContext(base, ctx);
        CoapClient client = new CoapClient(base + "/whoami");
        client.setEndpoint(new CoapEndpoint.Builder().setConfiguration(configuration())
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setCoapStackFactory(new OSCoreCoapStackFactory()).setCustomCoapStackArgument(db).build());
        client.setTimeout(3000L);
        clients.add(client);
        return client;
    }

    private byte[] secretOf(ThingId thing) {
        DerivedKey key = OscoreIds.masterSecret(keys, thing);
        try {
            return key.bytes();
        } finally {
            key.destroy();
        }
    }

    private static CoapResponse get(CoapClient client) throws Exception {
        Request request = Request.newGet();
        request.setURI(client.getURI());
        request.getOptions().setOscore(Bytes.EMPTY);
        return client.advanced(request);
    }

    @Test
    void operationalThingIsServedUnderItsKeystoreContext() throws Exception {
        ThingId lamp = operational("lamp-1");
        CoapResponse r = get(thingClient(lamp, secretOf(lamp)));
        assertNotNull(r);
        assertEquals(ResponseCode.CONTENT, r.getCode());
        assertEquals("lamp-1", r.getResponseText());
        assertEquals(Set.of(lamp), oscore.things());
    }

    @Test
    void wrongKeyAndUnknownKeyIdAreRefused() throws Exception {
        ThingId lamp = operational("lamp-2");
        byte[] wrong = secretOf(lamp);
        wrong[0] ^= 1;
        CoapResponse r = get(thingClient(lamp, wrong));
        assertNotNull(r);
        assertEquals(ResponseCode.BAD_REQUEST, r.getCode(), "decryption failure is 4.00 (RFC 8613, 8.2)");
        CoapResponse unknown = get(thingClient(ThingId.of("ghost"), wrong));
        assertNotNull(unknown);
        assertEquals(ResponseCode.UNAUTHORIZED, unknown.getCode(), "no security context is 4.01");
        assertEquals("lamp-2", get(thingClient(lamp, secretOf(lamp))).getResponseText());
        assertEquals(1, handled.get(), "refused requests never reach the resource");
    }

    @Test
    void aRequestThatDoesNotDecryptWritesNothingToTheKeystoreAndAGenuineOneRecordsTheUse() throws Exception {
        ThingId lamp = operational("lamp-11");
        DerivedKey key = OscoreIds.masterSecretUnrecorded(keys, lamp);
        byte[] right = key.bytes();
        key.destroy();
        byte[] wrong = right.clone();
        wrong[0] ^= 1;
        int application = Layer.APPLICATION.ordinal();
        assertNull(keys.metadata(lamp).layers().get(application).lastUsed(), "no key used yet");
        var metadata = keys.metadata(lamp);
        Map<String, byte[]> files = keystoreFiles();

        assertEquals(ResponseCode.BAD_REQUEST, get(thingClient(lamp, wrong)).getCode());
        assertEquals(metadata, keys.metadata(lamp), "a request that did not decrypt recorded a key use");
        Map<String, byte[]> after = keystoreFiles();
        assertEquals(files.keySet(), after.keySet());
        files.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name));

        assertEquals("lamp-11", get(thingClient(lamp, right)).getResponseText());
        var used = keys.metadata(lamp).layers().get(application);
        assertNotNull(used.lastUsed());
        assertTrue(used.mechanisms().contains(OscoreIds.MECHANISM), used.toString());
        assertFalse(keys.discardEnrollment(lamp), "the genuine request's key use is durable");
    }

    /** The keystore's files by name, lock files left out. */
    private Map<String, byte[]> keystoreFiles() throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (var s = Files.list(dir.resolve("keys"))) {
            for (Path p : s.filter(p -> !p.getFileName().toString().endsWith(".lock")).toList()) {
                out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void replayedRequestIsRefusedAndNeverReachesTheResource() throws Exception {
        ThingId lamp = operational("lamp-3");
        CoapClient client = thingClient(lamp, secretOf(lamp));
        // Capture the protected request as the hub's endpoint receives it.
        Request request = Request.newGet();
        request.setURI(client.getURI());
        request.getOptions().setOscore(Bytes.EMPTY);
        byte[][] wire = new byte[1][];
        server.getEndpoints().get(0).addInterceptor(
                new org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter() {
                    @Override
                    public void receiveRequest(Request r) {
                        if (wire[0] == null) {
                            wire[0] = r.getBytes();
                        }
                    }
                });
        assertEquals("lamp-3", client.advanced(request).getResponseText());
        assertNotNull(wire[0]);
        assertEquals(1, handled.get());
        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            attacker.setSoTimeout(3000);
            attacker.send(new DatagramPacket(wire[0], wire[0].length, InetAddress.getLoopbackAddress(), port));
            DatagramPacket answer = new DatagramPacket(new byte[512], 512);
            attacker.receive(answer);
            var response = new UdpDataParser().parseMessage(Arrays.copyOf(answer.getData(), answer.getLength()));
            assertEquals(ResponseCode.UNAUTHORIZED.value, response.getRawCode(), "replay is 4.01 (RFC 8613, 7.4)");
        }
        assertEquals(1, handled.get(), "the replay never reached the resource");
        assertEquals("lamp-3", get(client).getResponseText(), "the thing itself goes on");
    }

    @Test
    void forgedRequestWithAHugePartialIvDoesNotLockTheThingOut() throws Exception {
        ThingId lamp = operational("lamp-8");
        CoapClient client = thingClient(lamp, secretOf(lamp));
        byte[][] wire = new byte[1][];
        server.getEndpoints().get(0).addInterceptor(
                new org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter() {
                    @Override
                    public void receiveRequest(Request r) {
                        wire[0] = r.getBytes();
                    }
                });
        assertEquals("lamp-8", get(client).getResponseText());
        Request captured = (Request) new UdpDataParser().parseMessage(wire[0]);
        captured.setBytes(null);
        byte[] option = captured.getOptions().getOscore();
        assertEquals(1, option[0] & 0x07, "one-byte Partial IV");
        option[1] = (byte) 0x7f; // far ahead of the window: a forged message the window must not move for
        captured.getOptions().setOscore(option);
        captured.setMID((captured.getMID() + 1000) & 0xffff);
        byte[] forged = new org.eclipse.californium.core.network.serialization.UdpDataSerializer()
                .getByteArray(captured);
        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            attacker.setSoTimeout(3000);
            attacker.send(new DatagramPacket(forged, forged.length, InetAddress.getLoopbackAddress(), port));
            DatagramPacket answer = new DatagramPacket(new byte[512], 512);
            attacker.receive(answer);
            var response = new UdpDataParser().parseMessage(Arrays.copyOf(answer.getData(), answer.getLength()));
            assertEquals(ResponseCode.BAD_REQUEST.value, response.getRawCode(), "forgery is 4.00");
        }
        assertEquals("lamp-8", get(client).getResponseText(), "the thing's next sequence number is still fresh");
        assertEquals(2, handled.get());
    }

    @Test
    void theHubForgetsARequestsTokenOnceItHasAnswered() throws Exception {
        ThingId lamp = operational("lamp-30");
        CoapClient client = thingClient(lamp, secretOf(lamp));
        List<org.eclipse.californium.core.coap.Token> tokens = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Request request = Request.newGet();
            request.setURI(client.getURI());
            request.getOptions().setOscore(Bytes.EMPTY);
            assertEquals("lamp-30", client.advanced(request).getResponseText());
            tokens.add(request.getToken());
        }
        ThingContextDb db = (ThingContextDb) oscore.database();
        tokens.forEach(t -> assertFalse(db.tokenExist(t), "token " + t + " still kept"));
        assertEquals(0, db.tokenCount());
    }

    @Test
    void decommissioningDropsTheContextAtOnce() throws Exception {
        ThingId lamp = operational("lamp-4");
        byte[] secret = secretOf(lamp);
        CoapClient client = thingClient(lamp, secret);
        assertEquals("lamp-4", get(client).getResponseText());
        registry.transition(lamp, Transition.DECOMMISSION);
        oscore.forget(lamp);
        assertTrue(oscore.things().isEmpty());
        CoapResponse r = get(client);
        assertEquals(ResponseCode.UNAUTHORIZED, r.getCode());
        assertEquals(1, handled.get());
    }

    @Test
    void thingThatIsNotOperationalGetsNoContext() throws Exception {
        ThingId lamp = operational("lamp-5");
        registry.transition(lamp, Transition.MAINTAIN);
        CoapResponse r = get(thingClient(lamp, secretOf(lamp)));
        assertEquals(ResponseCode.UNAUTHORIZED, r.getCode());
        assertFalse(oscore.things().contains(lamp));
    }

    @Test
    void rotationGivesTheThingANewContextAndTheOldKeyIsRefused() throws Exception {
        ThingId lamp = operational("lamp-6");
        byte[] old = secretOf(lamp);
        assertEquals("lamp-6", get(thingClient(lamp, old)).getResponseText());
        keys.rotate(lamp, org.trusthub.api.keystore.Layer.APPLICATION);
        oscore.forget(lamp);
        assertEquals(ResponseCode.BAD_REQUEST, get(thingClient(lamp, old)).getCode());
        assertEquals("lamp-6", get(thingClient(lamp, secretOf(lamp))).getResponseText());
    }

    @Test
    void aContextTheHubOpensToSendRecordsTheUseWhenItFirstSends() throws Exception {
        ThingId lamp = operational("lamp-16");
        int application = Layer.APPLICATION.ordinal();
        OSCoreCtx context = oscore.context(lamp).orElseThrow();
        assertNull(keys.metadata(lamp).layers().get(application).lastUsed(), "opening alone is no use");
        // What cf-oscore does first when it protects the hub's request: take the Partial IV.
        context.getSenderSeq();
        assertNotNull(keys.metadata(lamp).layers().get(application).lastUsed(), "the hub's request used the key");
        assertFalse(keys.discardEnrollment(lamp), "the use is durable");
    }

    @Test
    void threadsSendingOnOneContextAtOnceNeverShareAPartialIv() throws Exception {
        ThingId lamp = operational("lamp-17");
        OSCoreCtx context = new ThingContextDb(keys, registry).getContext(OscoreIds.thingSenderId(lamp));
        int threads = 8;
        int rounds = 10;
        // cf-oscore's order per message: read the number (Partial IV, nonce, option), protect, then increase it.
        // The barriers make every thread read before any increases: the interleaving that shared a number.
        java.util.concurrent.CyclicBarrier read = new java.util.concurrent.CyclicBarrier(threads);
        java.util.concurrent.CyclicBarrier increase = new java.util.concurrent.CyclicBarrier(threads);
        Set<Integer> used = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger shared = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        read.await();
                        int seq = context.getSenderSeq();
                        // A message's number stays while it is protected.
                        if (seq != context.getSenderSeq() || !used.add(seq)) {
                            shared.incrementAndGet();
                        }
                        increase.await();
                        context.increaseSenderSeq();
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, shared.get(), "Partial IVs used by two messages");
        assertEquals(threads * rounds, used.size());
    }

    @Test
    void senderSequenceNumbersNeverRepeatAcrossARestart() throws Exception {
        ThingId lamp = operational("lamp-7");
        ThingContextDb db = new ThingContextDb(keys, registry);
        OSCoreCtx first = db.getContext(OscoreIds.thingSenderId(lamp));
        assertNotNull(first);
        int last = first.getSenderSeq();
        for (int i = 0; i < 5; i++) {
            first.increaseSenderSeq();
            assertTrue(first.getSenderSeq() > last);
            last = first.getSenderSeq();
        }
        restartHub();
        OSCoreCtx again = new ThingContextDb(keys, registry).getContext(OscoreIds.thingSenderId(lamp));
        assertNotNull(again);
        assertTrue(again.getSenderSeq() > last, again.getSenderSeq() + " must be above " + last);
        assertNull(new ThingContextDb(keys, registry).getContext(new byte[] {1, 2, 3}), "malformed key id");
    }

    /** Sends {@code wire} from a fresh socket to the hub and returns the response code. */
    private int sendRaw(byte[] wire) throws Exception {
        return sendRaw(wire, port);
    }

    private static int sendRaw(byte[] wire, int port) throws Exception {
        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            attacker.setSoTimeout(3000);
            attacker.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), port));
            DatagramPacket answer = new DatagramPacket(new byte[512], 512);
            attacker.receive(answer);
            return new UdpDataParser().parseMessage(Arrays.copyOf(answer.getData(), answer.getLength())).getRawCode();
        }
    }

    private List<byte[]> captureRequests() {
        List<byte[]> wire = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.getEndpoints().get(0).addInterceptor(
                new org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter() {
                    @Override
                    public void receiveRequest(Request r) {
                        wire.add(r.getBytes());
                    }
                });
        return wire;
    }

    @Test
    void messageRecordedBeforeARestartIsRefusedAfterItWhileAFreshOneIsAccepted() throws Exception {
        ThingId lamp = operational("lamp-9");
        byte[] secret = secretOf(lamp);
        List<byte[]> wire = captureRequests();
        CoapClient client = thingClient(lamp, secret);
        for (int i = 0; i < 3; i++) {
            assertEquals("lamp-9", get(client).getResponseText());
        }
        assertEquals(3, wire.size());
        assertEquals(3, handled.get());

        // No state directory of its own: the marks are the keystore's, which the restart reopens.
        restartHub();

        // The recorded messages arrive at the restarted hub, whose in-memory window is empty: still replays.
        for (byte[] old : wire) {
            assertEquals(ResponseCode.UNAUTHORIZED.value, sendRaw(old), "pre-restart message is a replay (4.01)");
        }
        assertEquals(3, handled.get(), "no replay reached the resource");
        assertEquals(List.of("lamp-9 APPLICATION oscore REPLAY", "lamp-9 APPLICATION oscore REPLAY",
                "lamp-9 APPLICATION oscore REPLAY"), refused, "each counted");
        // A clean close recorded the exact mark: the thing's next number is fresh.
        CoapResponse fresh = get(thingClient(lamp, secret, 3));
        assertEquals(ResponseCode.CONTENT, fresh.getCode());
        assertEquals("lamp-9", fresh.getResponseText());
        assertEquals(4, handled.get());
    }

    @Test
    void aDurableWriteIsPaidOncePerBlockOfMessagesNotPerMessage() throws Exception {
        ThingId lamp = operational("lamp-12");
        CoapClient client = thingClient(lamp, secretOf(lamp));
        assertEquals("lamp-12", get(client).getResponseText());
        Map<String, byte[]> before = keystoreFiles();
        for (int i = 0; i < FileThingKeyStore.DEFAULT_REPLAY_RESERVATION - 2; i++) {
            assertEquals("lamp-12", get(client).getResponseText());
        }
        Map<String, byte[]> after = keystoreFiles();
        assertEquals(before.keySet(), after.keySet());
        before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name + " was written"));
    }

    @Test
    void rotationResetsTheMark() throws Exception {
        ThingId lamp = operational("lamp-10");
        assertEquals("lamp-10", get(thingClient(lamp, secretOf(lamp), 100)).getResponseText());
        keys.rotate(lamp, org.trusthub.api.keystore.Layer.APPLICATION);
        oscore.forget(lamp);
        restartHub();
        // The new key's context starts over: its first numbers are fresh, though the old key's mark was above them.
        assertEquals("lamp-10", get(thingClient(lamp, secretOf(lamp), 0)).getResponseText());
        // A restart keeps the new key's mark.
        restartHub();
        assertEquals(ResponseCode.UNAUTHORIZED, get(thingClient(lamp, secretOf(lamp), 0)).getCode());
        assertEquals("lamp-10", get(thingClient(lamp, secretOf(lamp), 1)).getResponseText());
    }

    @Test
    void theLiveContextIsReportedAsASessionAndAnUnknownKeyIdIsCounted() throws Exception {
        ThingId lamp = operational("lamp-13");
        assertEquals(List.of(), oscore.sessions(lamp));
        assertEquals("lamp-13", get(thingClient(lamp, secretOf(lamp))).getResponseText());
        assertEquals(List.of(new Authenticated(lamp, Layer.APPLICATION, "oscore",
                Protection.confidentiality().endToEnd(), HexFormat.of().formatHex(OscoreIds.thingSenderId(lamp)))),
                oscore.sessions(lamp));
        oscore.forget(lamp);
        assertEquals(List.of(), oscore.sessions(lamp));

        assertEquals(ResponseCode.UNAUTHORIZED, get(thingClient(ThingId.of("ghost"), secretOf(lamp))).getCode());
        assertEquals(List.of("- APPLICATION oscore UNKNOWN_KEY"), refused);
    }

    /**
     * Two contexts of one key at once (an updated OSCORE bundle's while the old one still answers): the new context's
     * window started before the old one took number 5, so 5 looks fresh to it. The keystore's mark decides.
     */
    @Test
    void aNumberAnotherContextOfTheSameKeyTookIsARefusedReplay() throws Exception {
        ThingId lamp = operational("lamp-14");
        byte[] secret = secretOf(lamp);
        OscoreComponent updated = new OscoreComponent(keys, registry);
        updated.bindRefusals(refusals);
        CoapServer updatedServer = serverOf(updated);
        try {
            int updatedPort = updatedServer.getEndpoints().get(0).getAddress().getPort();
            // The updated bundle's context opens at mark -1 and takes 0.
            assertEquals("lamp-14", get(thingClient(lamp, secret, 0, updatedPort)).getResponseText());
            List<byte[]> wire = captureRequests();
            // The old bundle's context takes 5 (the mark is 5 now).
            assertEquals("lamp-14", get(thingClient(lamp, secret, 5, port)).getResponseText());
            assertEquals(1, wire.size());
            assertEquals(2, handled.get());

            assertEquals(ResponseCode.UNAUTHORIZED.value, sendRaw(wire.get(0), updatedPort),
                    "5, taken by the other context, is a replay");
            assertEquals(List.of("lamp-14 APPLICATION oscore REPLAY"), refused);
            // The thing goes on above it; 5 stays refused also once this context took a number above it.
            assertEquals("lamp-14", get(thingClient(lamp, secret, 6, updatedPort)).getResponseText());
            assertEquals(ResponseCode.UNAUTHORIZED.value, sendRaw(wire.get(0), updatedPort));
            assertEquals(3, handled.get(), "no replay reached the resource");
        } finally {
            updatedServer.destroy();
            updated.deactivate();
        }
    }

    /**
     * The interleaving a window alone misses: the new context takes 6 before the copy of 5 the old one took arrives;
     * 5 is inside its window and unseen by it.
     */
    @Test
    void aNumberAnotherContextTookBelowOnesOwnNewestIsRefused() throws Exception {
        ThingId lamp = operational("lamp-15");
        byte[] secret = secretOf(lamp);
        OscoreComponent updated = new OscoreComponent(keys, registry);
        updated.bindRefusals(refusals);
        CoapServer updatedServer = serverOf(updated);
        try {
            int updatedPort = updatedServer.getEndpoints().get(0).getAddress().getPort();
            assertEquals("lamp-15", get(thingClient(lamp, secret, 0, updatedPort)).getResponseText());
            List<byte[]> wire = captureRequests();
            assertEquals("lamp-15", get(thingClient(lamp, secret, 5, port)).getResponseText());
            assertEquals("lamp-15", get(thingClient(lamp, secret, 6, updatedPort)).getResponseText());
            assertEquals(ResponseCode.UNAUTHORIZED.value, sendRaw(wire.get(0), updatedPort));
            assertEquals(3, handled.get(), "the replay never reached the resource");
        } finally {
            updatedServer.destroy();
            updated.deactivate();
        }
    }
}
