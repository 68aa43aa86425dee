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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.SoapSecurityException;

/**
 * One DPWS node: the discovery sockets, the HTTP endpoint, the device host and the client, and the checks every
 * incoming message passes before either role sees it (size, hardened parsing, SOAP shape, duplicate copies,
 * discovery signature, AppSequence order). Plain Java so tests and benchmarks run it without OSGi.
 */
public final class DpwsStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DpwsStack.class);

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
    private final DuplicateFilter duplicates = new DuplicateFilter(512);
    private final AppSequenceGuard sequences = new AppSequenceGuard();
    private final DeviceHost host;
    private final DpwsClient client;
    private final ThreadLocal<String> requestBase = new ThreadLocal<>();
    private UdpTransport udp;
    private HttpServer httpServer;
    private final java.util.function.Supplier<Tls> tls;

    public DpwsStack(Config config, ThingSource things, MessageSecurity security) {
        this(config, things, security, () -> null, false);
    }

    /**
     * {@code tls} gives the current TLS contexts, null while no provider is registered; the client uses them for
     * https:// addresses. {@code httpsServer}: the SOAP endpoint is HTTPS too and announces https:// XAddrs.
     */
    public DpwsStack(Config config, ThingSource things, MessageSecurity security,
            java.util.function.Supplier<Tls> tls, boolean httpsServer) {
        this.config = config;
        this.tls = httpsServer ? tls : null;
        this.security = security;
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "dpws-scheduler");
            t.setDaemon(true);
            return t;
        });
        this.http = new SoapHttpClient(config.httpTimeout(), tls);
        this.host = new DeviceHost(this, things, config.hubName());
        this.client = new DpwsClient(this);
    }

    public synchronized void start() throws IOException {
        InetAddress bind = config.interfaces().isEmpty() ? InetAddress.getLoopbackAddress() : null;
        httpServer = new HttpServer(bind, config.httpPort(), 4, this::onHttp, tls);
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

    /** The protection the thing's policy asks for, as the shell prints it. */
    public String policyLabel(ThingId thing) {
        return security.available() ? security.policy(thing).label() : "none (no WS-Security provider)";
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
                security.signDiscovery(m);
            }
            byte[] data = m.bytes();
            if (to == null) {
                udp.multicast(data, delayMillis);
            } else {
                udp.unicast(data, to, delayMillis);
            }
        } catch (SoapSecurityException | MalformedMessageException | IllegalArgumentException e) {
            LOG.warn("DPWS: {} not sent: {}", m.action(), e.getMessage());
        }
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
        if (!config.interfaces().isEmpty() && localAddressFor(from.getAddress()) == null) {
            // The socket is bound to the wildcard address to receive multicast; unicast from networks the
            // operator did not name is not ours to answer.
            LOG.debug("DPWS: ignored a datagram from {}, not on a configured interface", from);
            return;
        }
        DiscoveryMessage m;
        Optional<String> signer;
        try {
            SoapMessage soap = SoapMessage.read(Xml.parse(data, length, Xml.MAX_UDP), security.understoodHeaders());
            if (soap.messageId() != null && !duplicates.firstTime(soap.messageId())) {
                return;
            }
            m = DiscoveryMessage.read(soap);
            if (m == null) {
                LOG.debug("DPWS: ignored a non-discovery datagram from {}", from);
                return;
            }
            signer = security.verifyDiscovery(soap);
            if (signer.isEmpty() && security.available() && m.kind != DiscoveryMessage.Kind.PROBE
                    && m.kind != DiscoveryMessage.Kind.RESOLVE && !m.endpoints.isEmpty()
                    && requiresSignature(m.endpoints.get(0).address())) {
                // A stripped compact signature: the device's policy signs, so its unsigned messages are forgeries.
                LOG.warn("DPWS: dropped an unsigned {} from {} for {}: its policy requires signed messages",
                        m.kind.element, from, Xml.printable(m.endpoints.get(0).address()));
                return;
            }
            if (m.kind != DiscoveryMessage.Kind.PROBE && m.kind != DiscoveryMessage.Kind.RESOLVE
                    && !m.endpoints.isEmpty()) {
                String refused = sequences.accept(m.endpoints.get(0).address() + " " + soap.version,
                        soap.appSequence());
                if (refused != null) {
                    LOG.warn("DPWS: dropped {} from {} for {}: {}", m.kind.element, from,
                            Xml.printable(m.endpoints.get(0).address()), refused);
                    return;
                }
            }
        } catch (MalformedMessageException e) {
            LOG.warn("DPWS: dropped a datagram from {}: {}", from, e.getMessage());
            return;
        } catch (SoapSecurityException e) {
            LOG.warn("DPWS: dropped a discovery message from {}: bad signature ({}): {}", from, e.faultCode(),
                    e.getMessage());
            return;
        }
        switch (m.kind) {
            case PROBE -> {
                if (config.host()) {
                    host.onProbe(m, from, multicast);
                }
            }
            case RESOLVE -> {
                if (config.host()) {
                    host.onResolve(m, from, multicast);
                }
            }
            default -> {
                if (config.client() && !isOwn(m)) {
                    client.onDiscovery(m, signer.orElse(null));
                }
            }
        }
    }

    private boolean requiresSignature(String address) {
        try {
            return security.policy(DiscoveredDevice.thingIdFor(address)).signed();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean isOwn(DiscoveryMessage m) {
        return m.endpoints.stream().anyMatch(e -> host.hosted().values().stream()
                .anyMatch(h -> h.address().equalsIgnoreCase(e.address())));
    }

    HttpServer.Response onHttp(String path, byte[] body, InetSocketAddress peer, InetSocketAddress local) {
        if (!servesLocal(local.getAddress())) {
            LOG.info("DPWS: refused an HTTP request from {} to {}, not a configured interface", peer, local);
            return new HttpServer.Response(404, new byte[0]);
        }
        SoapMessage m;
        try {
            m = SoapMessage.read(Xml.parse(body, Xml.MAX_HTTP), security.understoodHeaders());
        } catch (MalformedMessageException e) {
            LOG.warn("DPWS: refused an HTTP request from {} to {}: {}", peer, Xml.printable(path), e.getMessage());
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
