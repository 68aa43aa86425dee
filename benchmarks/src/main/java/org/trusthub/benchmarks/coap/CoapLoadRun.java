package org.trusthub.benchmarks.coap;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.cose.AlgorithmID;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.util.Bytes;
import org.eclipse.californium.oscore.HashMapCtxDB;
import org.eclipse.californium.oscore.OSCoreCoapStackFactory;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.coap.internal.CoapBindingComponent;
import org.trusthub.binding.coap.testing.CoapTestPeers;
import org.trusthub.binding.coap.testing.TestPolicy;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.oscore.OscoreIds;
import org.trusthub.security.oscore.internal.OscoreComponent;
import org.trusthub.security.transport.dtls.ThingPsk;
import org.trusthub.security.transport.dtls.internal.DtlsComponent;

/**
 * Load driver for the CoAP binding, in one run on loopback against the hub's real stack (keystore, registry, DTLS
 * and OSCORE providers, binding): requests per second and bytes on the wire per request for plain CoAP, CoAP over
 * DTLS (PSK) and CoAP with OSCORE, DTLS handshakes per second, and heap per open DTLS session on the hub.
 *
 * <p>Every mode sends {@code GET /hub}. Over DTLS and OSCORE the hub answers 2.05 with the caller's name (about 33
 * bytes); plain CoAP is unauthenticated, so the hub answers 4.01 with a diagnostic of about the same size: the
 * plain figure is the CoAP stack's cost without security, the baseline a user without security would get.
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.trusthub.benchmarks.coap.CoapLoadRun [seconds] [clients] [sessions]};
 * {@code -Dcoapload.throughputOnly=true} stops after the three requests/s figures, {@code -Dcoapload.modes=oscore}
 * (comma separated) measures only those.
 */
public final class CoapLoadRun {

    private final int seconds;
    private final int clients;
    private final FileThingKeyStore keys;
    private final ThingRegistryCore registry;
    private final CoapBindingComponent binding;
    private final DtlsComponent dtls;

    CoapLoadRun(Path dir, int seconds, int clients) throws Exception {
        this.seconds = seconds;
        this.clients = clients;
        keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keys, LifecycleEventSink.NONE, Clock.systemUTC());
        dtls = new DtlsComponent(keys, registry);
        binding = CoapTestPeers.binding(registry, dtls, new OscoreComponent(keys, registry), config(),
                new TestPolicy());
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int sessions = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        Path dir = Files.createTempDirectory("trusthub-coap-load");
        CoapLoadRun run = new CoapLoadRun(dir, seconds, clients);
        try {
            run.run(sessions);
        } finally {
            run.close();
        }
        System.exit(0);
    }

    /** The hub's plain CoAP port. */
    int plainPort() {
        return binding.plainAddress().orElseThrow().getPort();
    }

    void close() {
        binding.deactivate();
        registry.close();
        keys.close();
    }

    private void run(int sessions) throws Exception {
        List<ThingId> things = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            things.add(operational("bench-" + i));
        }
        int plainPort = binding.plainAddress().orElseThrow().getPort();
        int securePort = binding.secureAddress().orElseThrow().getPort();
        System.out.printf("CoAP load run: %d s per mode, %d clients, loopback, JDK %s%n", seconds, clients,
                System.getProperty("java.version"));

        double plain = throughput("plain", i -> plainClient(plainPort, null));
        double dtlsRate = throughput("dtls-psk", i -> dtlsClient(securePort, things.get(i), null));
        double oscore = throughput("oscore", i -> oscoreClient(plainPort, things.get(i), null));
        if (Boolean.getBoolean("coapload.throughputOnly")) {
            System.out.printf("requests/s     plain %.0f | dtls %.0f (%.2fx plain) | oscore %.0f (%.2fx plain)%n",
                    plain, dtlsRate, dtlsRate / plain, oscore, oscore / plain);
            return;
        }

        double plainBytes = bytesPerRequest("plain", plainPort, (to) -> plainClient(to, null));
        double dtlsBytes = bytesPerRequest("dtls-psk", securePort, (to) -> dtlsClient(to, things.get(0), null));
        // A thing of its own: a new client context restarts at sequence number 0, which the hub's context for a
        // thing that has already talked would refuse as replays.
        ThingId fresh = operational("bench-bytes");
        double oscoreBytes = bytesPerRequest("oscore", plainPort, (to) -> oscoreClient(to, fresh, null));

        double handshakes = handshakes(securePort, things);
        double perSession = memoryPerSession(securePort, things.get(0), sessions);

        System.out.println();
        System.out.printf("requests/s     plain %.0f | dtls %.0f (%.2fx plain) | oscore %.0f (%.2fx plain)%n", plain,
                dtlsRate, dtlsRate / plain, oscore, oscore / plain);
        System.out.printf("bytes/request  plain %.1f | dtls %.1f (%.2fx) | oscore %.1f (%.2fx)  "
                + "(request + response, UDP payload, steady state)%n", plainBytes, dtlsBytes,
                dtlsBytes / plainBytes, oscoreBytes, oscoreBytes / plainBytes);
        System.out.printf("DTLS handshakes/s (PSK, cookie exchange, then one GET): %.0f%n", handshakes);
        System.out.printf("hub heap per open DTLS session: %.0f bytes%n", perSession);
    }

    ThingId operational(String id) {
        ThingId thing = ThingId.of(id);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        registry.enroll(thing, "bench", RootCredential.secret(secret));
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
        return thing;
    }

    interface ClientFactory {
        Client create(int index) throws Exception;
    }

    interface PortClientFactory {
        Client create(int port) throws Exception;
    }

    /** Makes a client's endpoint; a client makes a new one when its message IDs run short. */
    interface EndpointFactory {
        CoapEndpoint create();
    }

    /**
     * A client and the request it repeats. Californium hands out at most 65,000 message IDs per destination within
     * an exchange lifetime (247 s) and refuses to send once they are used; the hub's deduplication keeps them for as
     * long. A client therefore moves to a new endpoint (a new source port, so a new peer for the hub) before its IDs
     * run out: long runs stay valid, and no reused ID is answered from the hub's deduplication cache.
     */
    static final class Client {
        /**
         * Well below the 65,000 message IDs an endpoint has per destination within an exchange lifetime; the system
         * property {@code coapload.requestsPerEndpoint} sets another (a huge one shows the exhaustion).
         */
        static final int REQUESTS_PER_ENDPOINT = Integer.getInteger("coapload.requestsPerEndpoint", 50_000);

        private final CoapClient client;
        private final EndpointFactory endpoints;
        private final Supplier<Request> request;
        private int sent;
        private volatile String failure;

        Client(EndpointFactory endpoints, Supplier<Request> request) {
            this.endpoints = endpoints;
            this.request = request;
            client = new CoapClient();
            client.setEndpoint(endpoints.create());
            client.setTimeout(5000L);
        }

        CoapClient client() {
            return client;
        }

        boolean call() {
            if (++sent > REQUESTS_PER_ENDPOINT) {
                sent = 1;
                Endpoint old = client.getEndpoint();
                client.setEndpoint(endpoints.create());
                old.destroy();
            }
            try {
                CoapResponse r = client.advanced(request.get());
                if (r == null) {
                    failure = "no response within 5 s";
                }
                return r != null;
            } catch (Exception e) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                return false;
            }
        }

        /** Why the last failed request failed, if one did. */
        String failure() {
            return failure;
        }

        void close() {
            client.getEndpoint().destroy();
            client.shutdown();
        }
    }

    private static Configuration clientConfiguration() {
        Configuration c = new Configuration(org.eclipse.californium.core.config.CoapConfig.DEFINITIONS,
                org.eclipse.californium.elements.config.UdpConfig.DEFINITIONS, DtlsConfig.DEFINITIONS);
        c.set(DtlsConfig.DTLS_ROLE, DtlsRole.CLIENT_ONLY);
        c.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0);
        c.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
        c.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
        c.set(org.eclipse.californium.core.config.CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 1);
        return c;
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private Client plainClient(int port, Object unused) {
        String uri = "coap://127.0.0.1:" + port + "/hub";
        return new Client(() -> new CoapEndpoint.Builder().setConfiguration(clientConfiguration())
                .setInetSocketAddress(loopback()).build(), () -> {
            Request r = Request.newGet();
            r.setURI(uri);
            return r;
        });
    }

    /** The thing side's PSKs, derived once: the run measures the hub's cost of a handshake, not the thing's. */
    private final java.util.Map<ThingId, byte[]> psks = new java.util.concurrent.ConcurrentHashMap<>();

    private Client dtlsClient(int port, ThingId thing, Object unused) {
        byte[] psk = psks.computeIfAbsent(thing, t -> ThingPsk.secret(keys, t));
        String uri = "coaps://127.0.0.1:" + port + "/hub";
        return new Client(() -> new CoapEndpoint.Builder()
                .setConnector(new DTLSConnector(DtlsConnectorConfig.builder(clientConfiguration())
                        .setAddress(loopback())
                        .setAdvancedPskStore(new AdvancedSinglePskStore(ThingPsk.identity(thing), psk.clone()))
                        .build()))
                .setConfiguration(clientConfiguration()).build(), () -> {
            Request r = Request.newGet();
            r.setURI(uri);
            return r;
        });
    }

    Client oscoreClient(int port, ThingId thing, Object unused) throws Exception {
        DerivedKey key = OscoreIds.masterSecret(keys, thing);
        byte[] secret = key.bytes();
        key.destroy();
        OSCoreCtx ctx = new OSCoreCtx(secret, true, AlgorithmID.AES_CCM_16_64_128, OscoreIds.thingSenderId(thing),
                OscoreIds.hubSenderId(), AlgorithmID.HKDF_HMAC_SHA_256, 32, null, null, 4096);
        // The system property coapload.vanillaThingDb=true gives the things cf-oscore's own database instead.
        HashMapCtxDB db = Boolean.getBoolean("coapload.vanillaThingDb") ? new HashMapCtxDB() : new ThingSideDb();
        db.addContext("coap://127.0.0.1:" + port, ctx);
        String uri = "coap://127.0.0.1:" + port + "/hub";
        // A new endpoint keeps the context (in db): its sequence numbers go on, the hub's replay window accepts them.
        return new Client(() -> new CoapEndpoint.Builder().setConfiguration(clientConfiguration())
                .setInetSocketAddress(loopback()).setCoapStackFactory(new OSCoreCoapStackFactory())
                .setCustomCoapStackArgument(db).build(), () -> {
            Request r = Request.newGet();
            r.setURI(uri);
            r.getOptions().setOscore(Bytes.EMPTY);
            return r;
        });
    }

    /** The modes whose requests/s are measured: the system property coapload.modes, comma separated, or all. */
    private static final java.util.Set<String> MODES = java.util.Set
            .of(System.getProperty("coapload.modes", "plain,dtls-psk,oscore").split(","));

    /** Each client thread sends one request after the other; warm-up of one second, then {@link #seconds}. */
    private double throughput(String mode, ClientFactory factory) throws Exception {
        if (!MODES.contains(mode)) {
            return Double.NaN;
        }
        List<Client> cs = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Client c = factory.create(i);
            if (!c.call()) {
                throw new IllegalStateException(mode + ": first request failed");
            }
            cs.add(c);
        }
        AtomicBoolean counting = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (Client c : cs) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    boolean ok = c.call();
                    if (counting.get()) {
                        (ok ? done : failed).incrementAndGet();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        Thread.sleep(1000);
        counting.set(true);
        long start = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        counting.set(false);
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        cs.forEach(Client::close);
        double rate = done.get() / elapsed;
        System.out.printf("%-9s %8.0f requests/s (%d failed)%n", mode, rate, failed.get());
        cs.stream().map(Client::failure).filter(java.util.Objects::nonNull).distinct()
                .forEach(f -> System.out.printf("%-9s last failure: %s%n", mode, f));
        return rate;
    }

    /** Counts UDP payload bytes both ways through a relay, for 500 requests after the first (handshake) one. */
    private double bytesPerRequest(String mode, int port, PortClientFactory factory) throws Exception {
        try (CountingRelay relay = new CountingRelay(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            Client c = factory.create(relay.port());
            if (!c.call()) {
                throw new IllegalStateException(mode + ": first request failed");
            }
            relay.reset();
            int n = 500;
            for (int i = 0; i < n; i++) {
                c.call();
            }
            double perRequest = (double) relay.bytes() / n;
            c.close();
            System.out.printf("%-9s %8.1f bytes on the wire per request%n", mode, perRequest);
            return perRequest;
        }
    }

    private double handshakes(int port, List<ThingId> things) throws Exception {
        AtomicLong done = new AtomicLong();
        // Time spent in handshake + GET only: making and tearing down a client connector (threads, socket) is the
        // test client's cost, not the hub's.
        AtomicLong inCall = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean(false);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            ThingId thing = things.get(i);
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    Client c = dtlsClient(port, thing, null);
                    long t0 = System.nanoTime();
                    boolean ok = c.call();
                    inCall.addAndGet(System.nanoTime() - t0);
                    if (ok) {
                        done.incrementAndGet();
                    }
                    c.close();
                }
            });
            t.start();
            threads.add(t);
        }
        long start = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        double wall = done.get() / ((System.nanoTime() - start) / 1e9);
        double rate = done.get() / (inCall.get() / 1e9 / clients);
        System.out.printf("DTLS      %8.0f handshakes/s counting handshake+GET time only (%.0f/s wall clock with "
                + "client connector set-up and tear-down)%n", rate, wall);
        return rate;
    }

    /**
     * Heap the hub keeps per open DTLS session: clients handshake and go away without a close_notify, the hub keeps
     * their connections (until the stale threshold); heap after GC before and after, divided by the sessions.
     */
    private double memoryPerSession(int port, ThingId thing, int sessions) throws Exception {
        closeAll();
        long before = usedHeapAfterGc();
        int open = 0;
        for (int i = 0; i < sessions; i++) {
            Client c = dtlsClient(port, thing, null);
            if (c.call()) {
                open++;
            }
            // Stop without close_notify: the hub still holds the connection.
            c.client().getEndpoint().stop();
            c.client().shutdown();
        }
        long after = usedHeapAfterGc();
        int held = dtls.openSessions(thing);
        System.out.printf("DTLS      %d sessions opened, %d held by the hub, heap +%d bytes%n", open, held,
                after - before);
        return (double) (after - before) / Math.max(1, held);
    }

    private void closeAll() {
        for (ThingId t : keys.things()) {
            dtls.closeSessions(t);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A UDP relay that counts the payload bytes it forwards in both directions. */
    static final class CountingRelay implements AutoCloseable {
        private final DatagramSocket front;
        private final DatagramSocket back;
        private final AtomicLong bytes = new AtomicLong();
        private volatile InetSocketAddress client;

        CountingRelay(InetSocketAddress server) throws IOException {
            front = new DatagramSocket(loopback());
            back = new DatagramSocket(loopback());
            Thread up = new Thread(() -> pump(front, back, server, true), "relay-up");
            Thread down = new Thread(() -> pump(back, front, null, false), "relay-down");
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        int port() {
            return front.getLocalPort();
        }

        private void pump(DatagramSocket from, DatagramSocket to, InetSocketAddress target, boolean upstream) {
            byte[] buffer = new byte[2048];
            while (!from.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                    from.receive(p);
                    if (upstream) {
                        client = (InetSocketAddress) p.getSocketAddress();
                    }
                    bytes.addAndGet(p.getLength());
                    to.send(new DatagramPacket(p.getData(), p.getLength(), upstream ? target : client));
                } catch (IOException e) {
                    return;
                }
            }
        }

        void reset() {
            bytes.set(0);
        }

        long bytes() {
            return bytes.get();
        }

        @Override
        public void close() {
            front.close();
            back.close();
        }
    }

    private static CoapBindingComponent.Config config() {
        return new CoapBindingComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return CoapBindingComponent.Config.class;
            }

            @Override
            public String address() {
                return "127.0.0.1";
            }

            @Override
            public int port() {
                return 0;
            }

            @Override
            public int securePort() {
                return 0;
            }

            @Override
            public boolean oscore() {
                return true;
            }

            @Override
            public boolean dtlsPsk() {
                return true;
            }

            @Override
            public boolean dtlsRawPublicKey() {
                return false;
            }

            @Override
            public boolean dtlsX509() {
                return false;
            }

            @Override
            public int dtlsConnectionIdLength() {
                return 6;
            }

            @Override
            public int dtlsMaxConnections() {
                return 100_000;
            }

            @Override
            public int maxRegistrations() {
                return 1000;
            }

            @Override
            public long readTimeoutMillis() {
                return 5000;
            }
        };
    }
}
