package org.trusthub.security.transport.dtls.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.thing.ThingId;

/**
 * Records a thing's PSK use in the keystore only once a handshake under it completed: the PSK store hands out the
 * key unrecorded when a ClientHello names the thing, and a handshake whose peer does not hold the key (a guess, a
 * forged identity) writes nothing to the keystore. The keystore checks a use against the key's bytes (a key of an
 * old root must not count), so a key is kept until its handshake completed or ended, and wiped then.
 */
final class PskUses {
    /** Handshakes awaited at once; beyond that the oldest are forgotten (a flood of them is not worth memory). */
    private static final int MAX_PENDING = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(PskUses.class);

    private final ThingKeyStore keys;
    private final LogLimiter limiter;
    private final Map<ConnectionId, DerivedKey> pending = new ConcurrentHashMap<>();

    PskUses(ThingKeyStore keys, LogLimiter limiter) {
        this.keys = keys;
        this.limiter = limiter;
    }

    /** The PSK store handed out this key for the handshake on this connection; this class wipes it. */
    void keyGiven(ConnectionId connection, DerivedKey key) {
        if (connection == null) {
            key.destroy();
            return;
        }
        if (pending.size() >= MAX_PENDING) {
            for (ConnectionId old : pending.keySet()) {
                wipe(pending.remove(old));
            }
        }
        wipe(pending.put(connection, key));
    }

    /**
     * The handshake on this connection completed as {@code thing}: the peer proved it holds the key. Returns false
     * when the use could not be recorded (key of another thing, revoked or rotated meanwhile, keystore failure): the
     * session must then not be kept, as a use that cannot be recorded refused the handshake before. True when no key
     * was given for this connection (a certificate or raw public key, or a resumed session).
     */
    boolean established(Connection connection, ThingId thing) {
        DerivedKey key = pending.remove(connection.getConnectionId());
        if (key == null) {
            return true;
        }
        try {
            if (!key.thing().equals(thing)) {
                throw new IllegalStateException("key of another thing");
            }
            keys.recordUse(key);
            return true;
        } catch (RuntimeException e) {
            limiter.admit("psk use not recorded").ifPresent(left -> LOG.warn(
                    "DTLS PSK session of thing {} ended: its key use could not be recorded: {}; {} like it"
                            + " not logged before", thing, e.getClass().getSimpleName(), left));
            return false;
        } finally {
            key.destroy();
        }
    }

    /** The handshake on this connection failed or the connection went away. */
    void forget(Connection connection) {
        wipe(pending.remove(connection.getConnectionId()));
    }

    private static void wipe(DerivedKey key) {
        if (key != null) {
            key.destroy();
        }
    }
}
