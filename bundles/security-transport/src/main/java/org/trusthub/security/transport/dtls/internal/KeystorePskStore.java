package org.trusthub.security.transport.dtls.internal;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Optional;

import javax.crypto.SecretKey;

import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.eclipse.californium.scandium.util.ServerNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.security.transport.dtls.ThingPsk;

/**
 * Server-side PSK store: the identity names the thing, the key is derived from the keystore on each handshake (no
 * PSK is cached, so a rotation or revocation takes effect with the next handshake). An identity that names no
 * operational thing gets a {@link DecoyPsk decoy} instead of an {@code unknown_psk_identity} alert: its handshake
 * fails at the Finished message like one with a wrong key, so the answer tells a client nothing about which things
 * exist. The key is derived without recording its use and wiped once handed out: {@link PskUses} records the use
 * once the handshake completed, so a handshake with a wrong key writes nothing to the keystore. Refusals are logged,
 * rate-limited per reason.
 */
final class KeystorePskStore implements AdvancedPskStore {
    private static final Logger LOG = LoggerFactory.getLogger(KeystorePskStore.class);

    private final ThingKeyStore keys;
    private final PeerThings peers;
    private final ThingGate gate;
    private final DecoyPsk decoy;
    private final PskGuessWatch watch;
    private final LogLimiter limiter;
    private final DtlsRefusals refusals;

    KeystorePskStore(ThingKeyStore keys, PeerThings peers, ThingGate gate, DecoyPsk decoy, PskGuessWatch watch,
            LogLimiter limiter, DtlsRefusals refusals) {
        this.refusals = refusals;
        this.keys = keys;
        this.peers = peers;
        this.gate = gate;
        this.decoy = decoy;
        this.watch = watch;
        this.limiter = limiter;
    }

    @Override
    public boolean hasEcdhePskSupported() {
        return true;
    }

    @Override
    public PskSecretResult requestPskSecretResult(ConnectionId cid, ServerNames serverName,
            PskPublicInformation identity, String hmacAlgorithm, SecretKey otherSecret, byte[] seed,
            boolean useExtendedMasterSecret) {
        SecretKey secret = null;
        Integer generation = null;
        Optional<ThingId> thing = peers.ofPskIdentity(identity.getPublicInfoAsString());
        if (thing.isEmpty()) {
            refusals.refused(Optional.empty(), "dtls-psk", RefusalReason.UNKNOWN_KEY);
            limiter.admit("identity not a thing id").ifPresent(left -> LOG.warn(
                    "DTLS PSK handshake refused: identity is not a thing id ({} bytes); {} like it not logged before",
                    identity.length(), left));
        } else if (!gate.isOperational(thing.get())) {
            // An identity no thing has is counted without it: anyone can claim any identity.
            if (gate.isKnown(thing.get())) {
                refusals.refused(thing, "dtls-psk", RefusalReason.NOT_OPERATIONAL);
            } else {
                refusals.refused(Optional.empty(), "dtls-psk", RefusalReason.UNKNOWN_KEY);
            }
            limiter.admit("thing not operational").ifPresent(left -> LOG.warn(
                    "DTLS PSK handshake refused: thing {} is unknown or not operational; {} like it not logged"
                            + " before", thing.get(), left));
        } else {
            DerivedKey key = null;
            byte[] psk = null;
            try {
                key = ThingPsk.keyUnrecorded(keys, thing.get());
                psk = ThingPsk.secret(key);
                secret = SecretUtil.create(psk, PskSecretResult.ALGORITHM_PSK);
                generation = key.generation();
                watch.keyGiven(cid, thing.get());
            } catch (UnknownThingException | KeystoreException e) {
                refusals.refused(thing, "dtls-psk", RefusalReason.UNKNOWN_KEY);
                limiter.admit("no transport key").ifPresent(left -> LOG.warn(
                        "DTLS PSK handshake refused: no transport key for thing {}: {}; {} like it not logged before",
                        thing.get(), e.getClass().getSimpleName(), left));
            } finally {
                if (psk != null) {
                    Arrays.fill(psk, (byte) 0);
                }
                if (key != null) {
                    key.destroy();
                }
            }
        }
        if (secret == null) {
            byte[] fake = decoy.of(identity.getBytes());
            secret = SecretUtil.create(fake, PskSecretResult.ALGORITHM_PSK);
            Arrays.fill(fake, (byte) 0);
        }
        // The generation reaches PskUses through the session's principal, which records the use at completion.
        return new PskSecretResult(cid, identity, secret, generation);
    }

    @Override
    public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
        // The hub is never a PSK client.
        return null;
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        // Answers are synchronous.
    }
}
