package org.trusthub.security.transport.dtls.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;

import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
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
    private volatile InetSocketAddress bound;

    HandingOverConnector(DtlsConnectorConfig config, Handover handover) {
        super(config);
        this.handover = handover;
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
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                if (saveConnections(out, MAX_QUIET_SECONDS) > 0) {
                    handover.take(at.getPort(), out.toByteArray());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("DTLS sessions on port {} not handed over (their things handshake again): {}", at.getPort(),
                        e.toString());
            }
        }
        super.destroy();
    }
}
