package org.trusthub.binding.coap.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Optional;

import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.security.transport.dtls.DtlsServerOptions;
import org.trusthub.security.transport.dtls.DtlsServers;

/**
 * The CoAP over DTLS endpoint, made from whichever DTLS provider there is now. When the provider goes, the endpoint
 * (whose connector and sessions are the provider's) goes with it, and until another provider comes the port is held
 * by a socket that drops and counts every datagram, so no other program takes it and the refusals show; the new
 * provider's endpoint binds the same port. The plain endpoint is not touched by any of this.
 */
final class SecureEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(SecureEndpoint.class);
    private static final LogLimiter ABSENT = new LogLimiter(Duration.ofMinutes(1), 1);

    private final CoapServer server;
    private final Configuration configuration;
    private final DtlsServerOptions options;
    private final Providers providers;
    private InetSocketAddress address;
    private CoapEndpoint endpoint;
    private Holder holder;
    private boolean destroyed;

    /** Holds the port at once (no provider yet); {@code options} give the port, 0 for any free one. */
    SecureEndpoint(CoapServer server, Configuration configuration, DtlsServerOptions options, Providers providers) {
        this.server = server;
        this.configuration = configuration;
        this.options = options;
        this.providers = providers;
        this.address = options.address();
        hold();
    }

    /** Serves DTLS with {@code dtls}, replacing the endpoint of a provider there was before. */
    synchronized void open(DtlsServers dtls) {
        if (destroyed) {
            return;
        }
        drop();
        DtlsServerOptions here = new DtlsServerOptions(address, options.psk(), options.rawPublicKey(), options.x509(),
                options.connectionIdLength(), options.maxConnections());
        CoapEndpoint made = new CoapEndpoint.Builder().setConfiguration(configuration)
                .setConnector(dtls.newServer(here)).build();
        server.addEndpoint(made);
        try {
            made.start();
        } catch (IOException e) {
            server.getEndpoints().remove(made);
            made.destroy();
            hold();
            throw new UncheckedIOException("CoAP over DTLS cannot listen on " + address + ": " + e.getMessage(), e);
        }
        endpoint = made;
        address = made.getAddress();
        LOG.info("CoAP over DTLS served on {}", address);
    }

    /** The provider is gone: its endpoint ends, the port is held until another comes. */
    synchronized void close() {
        if (destroyed) {
            // The framework unbinds references after the binding stopped: the port stays free for its successor.
            return;
        }
        drop();
        hold();
        LOG.warn("No DTLS provider: CoAP over DTLS on {} refused until one is running", address);
    }

    synchronized Optional<InetSocketAddress> address() {
        return Optional.ofNullable(endpoint).map(CoapEndpoint::getAddress);
    }

    synchronized void destroy() {
        destroyed = true;
        drop();
    }

    private void drop() {
        if (endpoint != null) {
            server.getEndpoints().remove(endpoint);
            endpoint.destroy();
            endpoint = null;
        }
        if (holder != null) {
            holder.close();
            holder = null;
        }
    }

    private void hold() {
        try {
            holder = new Holder(address);
            address = holder.address();
        } catch (SocketException e) {
            throw new UncheckedIOException("the CoAP over DTLS port " + address + " cannot be held: " + e.getMessage(),
                    e);
        }
    }

    /** A socket on the port while no provider serves it: each datagram is counted and dropped. */
    private final class Holder implements Runnable {
        private final DatagramSocket socket;
        private final Thread thread;

        Holder(InetSocketAddress at) throws SocketException {
            socket = new DatagramSocket(at);
            thread = new Thread(this, "coap-dtls-absent " + socket.getLocalSocketAddress());
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public void run() {
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            while (!socket.isClosed()) {
                try {
                    socket.receive(packet);
                } catch (IOException e) {
                    return;
                }
                providers.refused(Optional.empty(), Layer.TRANSPORT, "dtls", RefusalReason.NOT_OPERATIONAL);
                java.net.SocketAddress from = packet.getSocketAddress();
                ABSENT.admit("absent").ifPresent(left -> LOG.warn("DTLS datagram from {} dropped: no DTLS provider is"
                        + " running; {} like it not logged before", from, left));
            }
        }

        void close() {
            socket.close();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
