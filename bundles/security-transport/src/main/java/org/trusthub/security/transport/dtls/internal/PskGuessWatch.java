package org.trusthub.security.transport.dtls.internal;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.ThingId;

/**
 * Tells the operator when a handshake that named an operational thing's PSK identity fails: the peer's Finished
 * message does not verify (a record MAC error while the handshake is under way), which is what a wrong key, and so
 * key guessing, looks like. Rate-limited per thing, never a key.
 */
final class PskGuessWatch {
    /** Handshakes awaited at once; beyond that the oldest are forgotten (a flood of them is not worth memory). */
    private static final int MAX_PENDING = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(PskGuessWatch.class);

    private final Map<ConnectionId, ThingId> pending = new ConcurrentHashMap<>();
    private final LogLimiter limiter;
    private final DtlsRefusals refusals;

    PskGuessWatch(LogLimiter limiter, DtlsRefusals refusals) {
        this.limiter = limiter;
        this.refusals = refusals;
    }

    /** The PSK store handed out the real key of this thing for the handshake on this connection. */
    void keyGiven(ConnectionId connection, ThingId thing) {
        if (connection == null) {
            return;
        }
        if (pending.size() >= MAX_PENDING) {
            pending.clear();
        }
        pending.put(connection, thing);
    }

    void done(Connection connection) {
        pending.remove(connection.getConnectionId());
    }

    void macError(Connection connection) {
        if (!connection.hasOngoingHandshake()) {
            return;
        }
        ThingId thing = pending.remove(connection.getConnectionId());
        if (thing != null) {
            refusals.refused(java.util.Optional.of(thing), "dtls-psk", RefusalReason.FORGED);
            InetSocketAddress peer = connection.getPeerAddress();
            limiter.admit("psk handshake failed " + thing).ifPresent(left -> LOG.warn(
                    "DTLS PSK handshake as thing {} from {} failed: the peer does not hold the thing's key (a wrong"
                            + " or old key, or someone guessing); {} more such failures of {} not logged before this",
                    thing, peer, left, thing));
        }
    }
}
