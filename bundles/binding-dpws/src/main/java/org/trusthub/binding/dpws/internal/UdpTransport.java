package org.trusthub.binding.dpws.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SOAP-over-UDP for WS-Discovery: one receiving socket per address family on the discovery port that joins the
 * multicast group on each configured interface, and one sending socket per family (ephemeral port) whose unicast
 * replies are received too. Every datagram is sent again after growing random delays (SOAP-over-UDP 1.1,
 * Appendix I), because UDP may lose any of them; receivers drop the copies by MessageID.
 *
 * <p>With no interface configured it binds the loopback address only and never joins a group: directed
 * (unicast) discovery still works, which the tests use.
 */
public final class UdpTransport implements AutoCloseable {

    public static final InetAddress GROUP_V4 = address("239.255.255.250");
    public static final InetAddress GROUP_V6 = address("ff02::c");
    public static final int DEFAULT_PORT = 3702;

    /** SOAP-over-UDP 1.1 Appendix I constants. */
    public static final int MULTICAST_UDP_REPEAT = 1;
    public static final int UNICAST_UDP_REPEAT = 1;
    public static final int UDP_MIN_DELAY = 50;
    public static final int UDP_MAX_DELAY = 250;
    public static final int UDP_UPPER_DELAY = 500;

    /** Asked of the kernel for each socket (Linux caps it at net.core.rmem_max). */
    static final int RECEIVE_BUFFER = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);

    /** Receives each datagram, with the socket address it came from and the interface it was sent to, if known. */
    public interface Receiver {
        void received(byte[] data, int length, InetSocketAddress from, boolean multicast);
    }

    private record Channel(DatagramChannel channel, ProtocolFamily family, boolean multicastReceiver) {
    }

    private final int port;
    private final List<NetworkInterface> interfaces;
    private final boolean ipv4;
    private final boolean ipv6;
    private final ScheduledExecutorService scheduler;
    private final Receiver receiver;
    private final List<Channel> channels = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private volatile boolean closed;
    // Where sending fails now (a multicast group, or unicast of one family, on one interface): said once.
    private final Map<String, String> failing = new ConcurrentHashMap<>();

    public UdpTransport(int port, List<NetworkInterface> interfaces, boolean ipv4, boolean ipv6,
            ScheduledExecutorService scheduler, Receiver receiver) {
        this.port = port;
        this.interfaces = List.copyOf(interfaces);
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.scheduler = scheduler;
        this.receiver = receiver;
    }

    public synchronized void start() throws IOException {
        try {
            if (interfaces.isEmpty()) {
                open(StandardProtocolFamily.INET, InetAddress.getLoopbackAddress());
            } else {
                if (ipv4 && hasFamily(Inet4Address.class)) {
                    open(StandardProtocolFamily.INET, null);
                }
                if (ipv6 && hasFamily(Inet6Address.class)) {
                    open(StandardProtocolFamily.INET6, null);
                }
                if (channels.isEmpty()) {
                    throw new IOException("no address of an enabled family (ipv4 " + ipv4 + ", ipv6 " + ipv6
                            + ") on " + interfaces.stream().map(NetworkInterface::getName).toList()
                            + ": WS-Discovery has nothing to listen on");
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        for (Channel c : channels) {
            Thread t = new Thread(() -> read(c), "dpws-udp-" + c.family + (c.multicastReceiver ? "-mc" : "-uc"));
            t.setDaemon(true);
            readers.add(t);
            t.start();
        }
    }

    private boolean hasFamily(Class<? extends InetAddress> type) {
        return interfaces.stream().flatMap(NetworkInterface::inetAddresses).anyMatch(type::isInstance);
    }

    private void open(ProtocolFamily family, InetAddress loopback) throws IOException {
        DatagramChannel rx = DatagramChannel.open(family);
        rx.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channels.add(new Channel(rx, family, true));
        if (loopback != null) {
            rx.bind(new InetSocketAddress(loopback, port));
        } else {
            rx.bind(new InetSocketAddress(port));
            InetAddress group = family == StandardProtocolFamily.INET ? GROUP_V4 : GROUP_V6;
            for (NetworkInterface nif : interfaces) {
                rx.join(group, nif);
            }
        }
        DatagramChannel tx = DatagramChannel.open(family);
        channels.add(new Channel(tx, family, false));
        // The answers to one Probe arrive together, one ProbeMatches per device of each host: room for hundreds.
        rx.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
        tx.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
        tx.bind(new InetSocketAddress(loopback, 0));
        tx.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
        tx.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false);
    }

    /** The port the receiving socket is bound to (the discovery port unless it was 0). */
    public int port() {
        try {
            return ((InetSocketAddress) channels.get(0).channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void read(Channel c) {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (!closed) {
            try {
                buf.clear();
                SocketAddress from = c.channel.receive(buf);
                if (from instanceof InetSocketAddress isa) {
                    buf.flip();
                    byte[] data = new byte[buf.remaining()];
                    buf.get(data);
                    receiver.received(data, data.length, isa, c.multicastReceiver);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("DPWS discovery: receive failed: {}", e.toString());
                }
            }
        }
    }

    /** Multicasts a message on every configured interface, with retransmissions. */
    public void multicast(byte[] data, long initialDelayMillis) {
        if (data.length > Xml.MAX_UDP) {
            throw new IllegalArgumentException("discovery message of " + data.length + " bytes exceeds "
                    + Xml.MAX_UDP);
        }
        for (Channel c : channels) {
            if (c.multicastReceiver) {
                continue;
            }
            for (NetworkInterface nif : interfaces) {
                boolean v4 = c.family == StandardProtocolFamily.INET;
                if (nif.inetAddresses().noneMatch(a -> v4 ? a instanceof Inet4Address : a instanceof Inet6Address)) {
                    continue;
                }
                InetSocketAddress group = new InetSocketAddress(v4 ? GROUP_V4 : GROUP_V6, port);
                schedule(c, data, group, nif, MULTICAST_UDP_REPEAT, initialDelayMillis);
            }
        }
    }

    /** Sends a message to one peer, with retransmissions. */
    public void unicast(byte[] data, InetSocketAddress to, long initialDelayMillis) {
        if (data.length > Xml.MAX_UDP) {
            throw new IllegalArgumentException("discovery message of " + data.length + " bytes exceeds "
                    + Xml.MAX_UDP);
        }
        boolean v4 = to.getAddress() instanceof Inet4Address;
        for (Channel c : channels) {
            if (!c.multicastReceiver && (c.family == StandardProtocolFamily.INET) == v4) {
                schedule(c, data, to, null, UNICAST_UDP_REPEAT, initialDelayMillis);
                return;
            }
        }
        LOG.debug("DPWS discovery: no socket for the address family of {}", to);
    }

    private void schedule(Channel c, byte[] data, InetSocketAddress to, NetworkInterface nif, int repeats,
            long initialDelay) {
        int first = ThreadLocalRandom.current().nextInt(UDP_MIN_DELAY, UDP_MAX_DELAY + 1);
        long at = initialDelay;
        int delay = first;
        for (int i = 0; i <= repeats; i++) {
            long when = at;
            if (when == 0) {
                send(c, data, to, nif);
            } else {
                scheduler.schedule(() -> send(c, data, to, nif), when, TimeUnit.MILLISECONDS);
            }
            at += delay;
            delay = Math.min(delay * 2, UDP_UPPER_DELAY);
        }
    }

    private void send(Channel c, byte[] data, InetSocketAddress to, NetworkInterface nif) {
        if (closed) {
            return;
        }
        String where = (to.getAddress().isMulticastAddress() ? to.toString()
                : "unicast " + (c.family == StandardProtocolFamily.INET ? "IPv4" : "IPv6") + " peers")
                + (nif == null ? "" : " on " + nif.getName());
        try {
            synchronized (c) {
                if (nif != null) {
                    c.channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
                }
                c.channel.send(ByteBuffer.wrap(data), to);
            }
            if (!failing.isEmpty() && failing.remove(where) != null) {
                LOG.info("DPWS discovery: sending to {} works again", where);
            }
        } catch (IOException e) {
            if (closed) {
                return;
            }
            // Every message is sent several times: an interface without an IPv6 multicast route would otherwise
            // log each copy of each message. The other family's sockets go on regardless.
            if (failing.put(where, e.toString()) == null) {
                LOG.warn("DPWS discovery: cannot send to {}: {} (said once; logged at DEBUG until it works again{})",
                        where, e.toString(), c.family == StandardProtocolFamily.INET6
                                ? "; discovery goes on over IPv4, or set ipv6 = false" : "");
            } else {
                LOG.debug("DPWS discovery: cannot send to {} ({}): {}", where, to, e.toString());
            }
        }
    }

    /**
     * The local address a peer reaches this host at: on the configured interface whose subnet holds the peer
     * (or, for an IPv6 link-local peer, the interface of its scope).
     */
    public InetAddress localAddressFor(InetAddress peer) {
        if (interfaces.isEmpty()) {
            return InetAddress.getLoopbackAddress();
        }
        for (NetworkInterface nif : interfaces) {
            for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
                InetAddress a = ia.getAddress();
                if (a.getClass() != peer.getClass()) {
                    continue;
                }
                if (peer instanceof Inet6Address p6 && p6.isLinkLocalAddress()) {
                    if (a.isLinkLocalAddress() && (p6.getScopeId() == 0 || p6.getScopeId() == nif.getIndex())) {
                        return a;
                    }
                } else if (sameSubnet(a, peer, ia.getNetworkPrefixLength())) {
                    return a;
                }
            }
        }
        return null;
    }

    /**
     * Whether a reply to this source address would go to many hosts or none: a multicast, broadcast (limited, or of
     * a configured interface's subnet) or wildcard address, or port 0. Such a source is spoofed; a Probe from it
     * would make the host flood the link.
     */
    public boolean unanswerable(InetSocketAddress source) {
        InetAddress a = source.getAddress();
        if (a == null || source.getPort() == 0 || a.isMulticastAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        if (a instanceof Inet4Address) {
            byte[] b = a.getAddress();
            if ((b[0] & b[1] & b[2] & b[3]) == (byte) 0xff) {
                return true;
            }
            for (NetworkInterface nif : interfaces) {
                for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
                    if (a.equals(ia.getBroadcast())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    static boolean sameSubnet(InetAddress a, InetAddress b, int prefix) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((x[bit / 8] & mask) != (y[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Channel c : channels) {
            try {
                c.channel.close();
            } catch (IOException e) {
                LOG.debug("closing a discovery socket: {}", e.toString());
            }
        }
        channels.clear();
        for (Thread t : readers) {
            t.interrupt();
        }
        readers.clear();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
