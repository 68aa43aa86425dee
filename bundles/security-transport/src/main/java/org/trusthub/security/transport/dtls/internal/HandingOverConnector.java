package org.trusthub.security.transport.dtls.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.ResumptionSupportingConnectionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server connector that, when its binding destroys it, hands its established sessions to the provider first, so
 * the binding's next connector on the same port takes them over (an update of the binding bundle) and its things
 * carry on without a new handshake. The sessions stay in this process's memory, as they were in the connector.
 */
final class HandingOverConnector extends DTLSConnector {
    private static final Logger LOG = LoggerFactory.getLogger(HandingOverConnector.class);
    /** Sessions quiet for longer than this are not handed over: their things handshake again anyway. */
    static final long MAX_QUIET_SECONDS = 30L * 60;

    /** Where a destroyed connector's sessions go: its port and the sessions, serialized. */
    interface Handover {
        void take(int port, byte[] sessions);
    }

    private final Handover handover;
    /** Held here too: Scandium tells no listener of the connections it restores from a handover. */
    private final ResumptionSupportingConnectionStore store;
    private volatile InetSocketAddress bound;
    private volatile boolean destroyed;

    HandingOverConnector(DtlsConnectorConfig config, Handover handover) {
        this(config, createConnectionStore(config), handover);
    }

    private HandingOverConnector(DtlsConnectorConfig config, ResumptionSupportingConnectionStore store,
            Handover handover) {
        super(config, store);
        this.store = store;
        this.handover = handover;
    }

    /** The established connections in the store (after loading a handover: the ones taken over). */
    List<Connection> established() {
        List<Connection> out = new ArrayList<>();
        for (Connection connection : store) {
            if (connection.getEstablishedPeerIdentity() != null) {
                out.add(connection);
            }
        }
        return out;
    }

    /** Removes a connection taken over that must not go on, with its session (before the connector starts). */
    void discard(Connection connection) {
        store.remove(connection, true);
    }

    @Override
    protected void start(InetSocketAddress bindAddress) throws IOException {
        super.start(bindAddress);
        // Bound now: an ephemeral port is known only from here on, and a stopped connector no longer tells it.
        bound = getAddress();
    }

    @Override
    public void destroy() {
        InetSocketAddress at = bound;
        stop();
        if (at != null && at.getPort() != 0) {
            try (SecretBuffer out = new SecretBuffer(4096)) {
                if (saveConnections(out, MAX_QUIET_SECONDS) > 0) {
                    handover.take(at.getPort(), out.take());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("DTLS sessions on port {} not handed over (their things handshake again): {}", at.getPort(),
                        e.toString());
            }
        }
        super.destroy();
        destroyed = true;
    }

    /** Destroyed by its binding: it never runs again, and its sessions went to the next connector or away. */
    boolean isDestroyed() {
        return destroyed;
    }
}
