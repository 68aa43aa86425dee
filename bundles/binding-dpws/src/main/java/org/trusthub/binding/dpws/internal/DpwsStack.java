package org.trusthub.binding.dpws.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.SoapSecurityException;

/**
 * One DPWS node: the discovery sockets, the HTTP endpoint, the device host and the client; what reaches the
 * discovery socket passes the {@link DiscoveryGate} and what reaches the HTTP endpoint the checks here (size,
 * hardened parsing, SOAP shape, the interface it came in on) before either role sees it. Plain Java so tests and
 * benchmarks run it without OSGi.
 */
public final class DpwsStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DpwsStack.class);
    // Anyone on the link can send discovery datagrams: each reason for dropping one is logged once a minute.
    private final LogLimiter logs = new LogLimiter(Duration.ofMinutes(1), 1);

    /**
     * @param interfaces    where discovery runs and HTTP listens; empty = loopback only, no multicast
     * @param discoveryPort 3702 on a network; 0 (ephemeral) in tests
     * @param httpPort      0 for an ephemeral port (Hello announces it)
     */
    public record Config(List<NetworkInterface> interfaces, int discoveryPort, int httpPort, boolean ipv4,
            boolean ipv6, boolean client, boolean host, String hubName, Duration httpTimeout) {

        public static Config loopback(String hubName) {
            return new Config(List.of(), 0, 0, true, false, true, true, hubName, Duration.ofSeconds(5));
        }
    }

    private final Config config;
    private final MessageSecurity security;
    private final ScheduledExecutorService scheduler;
    private final SoapHttpClient http;
    private final DeviceHost host;
    private final DiscoveryReplies replies;
    private final DpwsClient client;
    private final DiscoveryGate gate;
    private final ThreadLocal<String> requestBase = new ThreadLocal<>();
    private UdpTransport udp;
    private HttpServer httpServer;
    private final java.util.function.Supplier<Tls> tls;
    private final HttpServer.Limits httpLimits;

    public DpwsStack(Config config, ThingSource things, MessageSecurity security) {
        this(config, things, security, () -> null, false);
    }

    public DpwsStack(Config config, ThingSource things, MessageSecurity security,
            java.util.function.Supplier<Tls> tls, boolean httpsServer) {
        this(config, things, security, tls, httpsServer, HttpServer.Limits.DEFAULT);
    }

    /**
     * {@code tls} gives the current TLS contexts, null while no provider is registered; the client uses them for
     * https:// addresses. {@code httpsServer}: the SOAP endpoint is HTTPS too and announces https:// XAddrs.
     * {@code httpLimits} bound what clients of the SOAP endpoint can hold.
     */
    public DpwsStack(Config config, ThingSource things, MessageSecurity security,
            java.util.function.Supplier<Tls> tls, boolean httpsServer, HttpServer.Limits httpLimits) {
        this.config = config;
        this.httpLimits = httpLimits;
        this.tls = httpsServer ? tls : null;
        this.security = security;
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "dpws-scheduler");
            t.setDaemon(true);
            return t;
        });
        this.http = new SoapHttpClient(config.httpTimeout(), tls);
        this.host = new DeviceHost(this, things, config.hubName());
        this.replies = new DiscoveryReplies((m, to) -> sendDiscovery(m, to, 0), DiscoveryReplies.MAX_PENDING);
        this.client = new DpwsClient(this);
        this.gate = new DiscoveryGate(this);
    }

    public synchronized void start() throws IOException {
        InetAddress bind = config.interfaces().isEmpty() ? InetAddress.getLoopbackAddress() : null;
        httpServer = new HttpServer(bind, config.httpPort(), httpLimits, this::onHttp, tls);
        udp = new UdpTransport(config.discoveryPort(), config.interfaces(), config.ipv4(), config.ipv6(), scheduler,
                this::onDatagram);
        try {
            udp.start();
        } catch (IOException e) {
            httpServer.close();
            throw e;
        }
        scheduler.scheduleWithFixedDelay(host::expire, 1, 1, TimeUnit.MINUTES);
        if (config.host()) {
            host.refresh();
        }
        LOG.info("DPWS: started (discovery port {}, HTTP{} port {}, interfaces {}, client {}, host {})", udp.port(),
                tls != null ? "S" : "", httpServer.port(), config.interfaces().isEmpty() ? "loopback only"
                        : config.interfaces().stream().map(NetworkInterface::getName).toList(),
                config.client(), config.host());
    }

    public DeviceHost host() {
        return host;
    }

    public DpwsClient client() {
        return client;
    }

    public Config config() {
        return config;
    }

    public int discoveryPort() {
        return udp.port();
    }

    /** Whether the SOAP endpoint speaks HTTPS. */
    public boolean https() {
        return tls != null;
    }

    public int httpPort() {
        return httpServer.port();
    }

    /** The thing's whole WS-Security policy, as the shell prints it. */
    public String policyLabel(ThingId thing) {
        return security.describe(thing);
    }

    /** The full URLs (scheme, address, port, path) a hosted device is reached at: its XAddrs. */
    public List<String> deviceUrls(DeviceHost.Hosted h) {
        return localAddresses().stream().map(a -> host.url(a, h.devicePath())).toList();
    }

    /** Runs a task off the caller's thread (reading a device's metadata), on the stack's scheduler. */
    void background(Runnable task) {
        scheduler.execute(task);
    }

    /** Runs a task once a minute until the stack closes. */
    void everyMinute(Runnable task) {
        scheduler.scheduleWithFixedDelay(task, 1, 1, TimeUnit.MINUTES);
    }

    /** The required WS-Security provider is registered again: what discovery held back goes out now. */
    public void securityReturned() {
        if (config.host()) {
            host.securityReturned();
        }
    }

    MessageSecurity security() {
        return security;
    }

    SoapHttpClient http() {
        return http;
    }

    /** Every address HTTP can be reached at, IPv4 first, for Hello's XAddrs. */
    List<InetAddress> localAddresses() {
        if (config.interfaces().isEmpty()) {
            return List.of(InetAddress.getLoopbackAddress());
        }
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface nif : config.interfaces()) {
            nif.inetAddresses().filter(a -> (a instanceof Inet4Address && config.ipv4())
                    || (a instanceof Inet6Address && config.ipv6() && a.isLinkLocalAddress())).forEach(out::add);
        }
        out.sort(Comparator.comparing(a -> a instanceof Inet6Address));
        return out;
    }

    InetAddress localAddressFor(InetAddress peer) {
        return udp.localAddressFor(peer);
    }

    // HTTP listens on the wildcard address when interfaces are named; it answers on their addresses only.
    private boolean servesLocal(InetAddress local) {
        if (config.interfaces().isEmpty()) {
            return local.isLoopbackAddress();
        }
        for (NetworkInterface nif : config.interfaces()) {
            if (nif.inetAddresses().anyMatch(a -> a.equals(local) || sameWithoutScope(a, local))) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameWithoutScope(InetAddress a, InetAddress b) {
        return java.util.Arrays.equals(a.getAddress(), b.getAddress());
    }

    /** "http://host:port" of the connection being served, so the links we hand out are reachable the same way. */
    String currentRequestBase() {
        String b = requestBase.get();
        return b != null ? b : host.url(localAddresses().get(0), "");
    }

    String sinkUrl(URI peer, String localId) throws IOException {
        InetAddress a = InetAddress.getByName(peer.getHost());
        InetAddress local = a.isLoopbackAddress() ? InetAddress.getLoopbackAddress() : localAddressFor(a);
        if (local == null) {
            throw new IOException("no configured interface reaches " + peer.getHost());
        }
        return host.url(local, "/dpws/sink/" + localId);
    }

    void sendDiscovery(SoapMessage m, InetSocketAddress to, long delayMillis) {
        if (udp == null) {
            return;
        }
        try {
            DiscoveryMessage.Kind k = DiscoveryMessage.read(m).kind;
            // The compact signature is WS-Discovery 1.1; 2005 peers (wsdd, Windows) get the message unsigned.
            if (k != DiscoveryMessage.Kind.PROBE && k != DiscoveryMessage.Kind.RESOLVE
                    && m.version == DpwsVersion.DPWS_2009) {
                security.signDiscovery(m, aboutHosted(m));
            }
            byte[] data = m.bytes();
            if (to == null) {
                udp.multicast(data, delayMillis);
            } else {
                udp.unicast(data, to, delayMillis);
            }
        } catch (SoapSecurityException | MalformedMessageException | IllegalArgumentException e) {
            // Replies are sent because someone asked: said once a minute.
            OptionalLong due = logs.admit("not sent");
            if (due.isPresent()) {
                long held = due.getAsLong();
                LOG.warn("DPWS: {} not sent: {} ({} more not sent since the last report)", m.action(),
                        e.getMessage(), held);
            }
        }
    }

    // The hosted thing a Hello, Bye, ProbeMatches or ResolveMatches speaks for; null when it names none of ours.
    private ThingId aboutHosted(SoapMessage m) {
        try {
            DiscoveryMessage d = DiscoveryMessage.read(m);
            if (d == null || d.endpoints.isEmpty()) {
                return null;
            }
            String address = d.endpoints.get(0).address();
            return host.hosted().values().stream().filter(h -> h.address().equalsIgnoreCase(address))
                    .map(DeviceHost.Hosted::thing).findFirst().orElse(null);
        } catch (MalformedMessageException e) {
            return null;
        }
    }

    /**
     * Queues the device host's answer to a Probe or Resolve, sent (and signed) off the receiving thread; false when
     * too many replies already wait.
     */
    boolean reply(List<java.util.function.Supplier<SoapMessage>> answer, InetSocketAddress to, long delayMillis) {
        return replies.offer(answer, to, delayMillis);
    }

    /**
     * Posts a one-way message (event, SubscriptionEnd) in the background.
     *
     * @param receiver the thing that subscribed, whose certificate an https:// sink must present; null when the
     *        subscription was not signed (then any enrolled thing's)
     * @return completes with whether the message was delivered
     */
    java.util.concurrent.CompletableFuture<Boolean> deliver(SoapMessage m, URI to, ThingId thing, ThingId receiver,
            String what) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                security.outgoing(m, thing);
                http.post(to, receiver, m.bytes(), security.understoodHeaders());
                return true;
            } catch (IOException | MalformedMessageException | SoapSecurityException | RuntimeException e) {
                LOG.info("DPWS: {} failed: {}", what, e.getMessage());
                return false;
            }
        }, scheduler);
    }

    // ---- incoming ----

    void onDatagram(byte[] data, int length, InetSocketAddress from, boolean multicast) {
        gate.onDatagram(data, length, from, multicast);
    }

    /** How many senders' AppSequence is held in the table that only signed messages write. */
    int signedSequences() {
        return gate.signedSequences();
    }

    /** Whether replies to a Probe or Resolve from this source would go to many hosts or none. */
    boolean unanswerable(InetSocketAddress from) {
        return udp.unanswerable(from);
    }

    void securityMissing(String what, InetSocketAddress from) {
        OptionalLong due = logs.admit("security missing");
        if (due.isPresent()) {
            long held = due.getAsLong();
            LOG.warn("DPWS: {} from {} (and {} more messages since the last report): {}", what, from, held,
                    MessageSecurity.UNAVAILABLE);
        }
    }

    HttpServer.Response onHttp(String path, byte[] body, InetSocketAddress peer, InetSocketAddress local) {
        if (security.policyMissing()) {
            // Fail closed: without the policy nobody knows what to require. 503 says "try again".
            security.refused(Optional.empty(), RefusalReason.NOT_OPERATIONAL);
            securityMissing("refused an HTTP request", peer);
            return new HttpServer.Response(503, SoapMessage.fault(DpwsVersion.DPWS_2009, null, "Receiver", null,
                    "message security is unavailable; try again later").bytes());
        }
        if (!servesLocal(local.getAddress())) {
            OptionalLong due = logs.admit("other interface");
            if (due.isPresent()) {
                long held = due.getAsLong();
                LOG.info("DPWS: refused an HTTP request from {} to {}, not a configured interface ({} more since the "
                        + "last report)", peer, local, held);
            }
            return new HttpServer.Response(404, new byte[0]);
        }
        SoapMessage m;
        try {
            m = SoapMessage.read(Xml.parse(body, Xml.MAX_HTTP), security.understoodHeaders());
        } catch (MalformedMessageException e) {
            OptionalLong due = logs.admit("malformed request");
            if (due.isPresent()) {
                long held = due.getAsLong();
                LOG.warn("DPWS: refused an HTTP request from {} to {}: {} ({} more refused since the last report)",
                        peer, Xml.printable(path), e.getMessage(), held);
            }
            SoapMessage f = SoapMessage.fault(DpwsVersion.DPWS_2009, null, "Sender", null, e.getMessage());
            return new HttpServer.Response(400, f.bytes());
        }
        requestBase.set(host.url(local.getAddress(), ""));
        try {
            if (path.startsWith("/dpws/sink/")) {
                HttpServer.Response r = client.sink(path.substring("/dpws/sink/".length()), m, peer);
                if (r != null) {
                    return r;
                }
            } else if (config.host()) {
                HttpServer.Response r = host.http(path, m, peer);
                if (r != null) {
                    return r;
                }
            }
        } finally {
            requestBase.remove();
        }
        SoapMessage f = SoapMessage.fault(m.version, m.messageId(), "Sender", null,
                "no endpoint at " + Xml.printable(path));
        return new HttpServer.Response(404, f.bytes());
    }

    @Override
    public synchronized void close() {
        if (config.host()) {
            host.stop();
        }
        replies.close();
        // Let the Bye and SubscriptionEnd messages go out before the sockets close.
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        if (udp != null) {
            udp.close();
        }
        if (httpServer != null) {
            httpServer.close();
        }
    }
}
