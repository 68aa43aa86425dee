package org.trusthub.security.transport.dtls.internal;

import java.security.Principal;
import java.util.Map;

import org.eclipse.californium.elements.auth.AdditionalInfo;
import org.eclipse.californium.elements.auth.ExtensiblePrincipal;
import org.eclipse.californium.scandium.auth.ApplicationLevelInfoSupplier;
import org.eclipse.californium.scandium.dtls.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.transport.dtls.ThingPsk;

/**
 * Records a thing's PSK use in the keystore only once a handshake under it completed: the PSK store hands out the
 * key unrecorded when a ClientHello names the thing, and a handshake whose peer does not hold the key (a guess, a
 * forged identity) writes nothing to the keystore. No key and no per-handshake state is kept meanwhile: the PSK
 * store passes the key's generation along with the secret, Scandium amends the session's principal with it, and at
 * completion the key is derived again and its use recorded, if it is still of that generation.
 */
final class PskUses implements ApplicationLevelInfoSupplier {
    /** The key generation a PSK session was established with, in its principal's additional info. */
    static final String GENERATION = "trusthub.dtls.psk.generation";
    private static final Logger LOG = LoggerFactory.getLogger(PskUses.class);

    private final ThingKeyStore keys;
    private final LogLimiter limiter;

    PskUses(ThingKeyStore keys, LogLimiter limiter) {
        this.keys = keys;
        this.limiter = limiter;
    }

    /** Called by Scandium with the PSK store's custom argument: the generation of the key it handed out. */
    @Override
    public AdditionalInfo getInfo(Principal peer, Object given) {
        return given instanceof Integer generation ? AdditionalInfo.from(Map.of(GENERATION, generation)) : null;
    }

    /**
     * The handshake on this connection completed as {@code thing}: the peer proved it holds the key. Returns false
     * when the use could not be recorded (key rotated or revoked meanwhile, keystore failure): the session must then
     * not be kept, as a use that cannot be recorded refused the handshake before. True when no PSK was handed out
     * for this session (a certificate or raw public key).
     */
    boolean established(Connection connection, ThingId thing) {
        Principal peer = connection.getEstablishedPeerIdentity();
        Integer generation = peer instanceof ExtensiblePrincipal<?> extensible
                ? extensible.getExtendedInfo().get(GENERATION, Integer.class) : null;
        if (generation == null) {
            return true;
        }
        DerivedKey key = null;
        try {
            key = ThingPsk.keyUnrecorded(keys, thing);
            if (key.generation() != generation) {
                throw new IllegalStateException("key rotated during the handshake");
            }
            keys.recordUse(key);
            return true;
        } catch (RuntimeException e) {
            limiter.admit("psk use not recorded").ifPresent(left -> LOG.warn(
                    "DTLS PSK session of thing {} ended: its key use could not be recorded: {}; {} like it"
                            + " not logged before", thing, e.getClass().getSimpleName(), left));
            return false;
        } finally {
            if (key != null) {
                key.destroy();
            }
        }
    }
}
