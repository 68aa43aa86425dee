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
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.security.transport.dtls.ThingPsk;

/**
 * Server-side PSK store: the identity names the thing, the key is derived from the keystore on each handshake (no
 * PSK is cached, so a rotation or revocation takes effect with the next handshake). A thing that is not operational
 * gets no key: Scandium then ends the handshake with an {@code unknown_psk_identity} alert.
 */
final class KeystorePskStore implements AdvancedPskStore {
    private static final Logger LOG = LoggerFactory.getLogger(KeystorePskStore.class);

    private final ThingKeyStore keys;
    private final PeerThings peers;
    private final ThingGate gate;

    KeystorePskStore(ThingKeyStore keys, PeerThings peers, ThingGate gate) {
        this.keys = keys;
        this.peers = peers;
        this.gate = gate;
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
        Optional<ThingId> thing = peers.ofPskIdentity(identity.getPublicInfoAsString());
        if (thing.isEmpty()) {
            LOG.warn("DTLS PSK handshake refused: identity is not a thing id ({} bytes)", identity.length());
        } else if (!gate.isOperational(thing.get())) {
            LOG.warn("DTLS PSK handshake refused: thing {} is unknown or not operational", thing.get());
        } else {
            try {
                byte[] psk = ThingPsk.secret(keys, thing.get());
                secret = SecretUtil.create(psk, PskSecretResult.ALGORITHM_PSK);
                Arrays.fill(psk, (byte) 0);
            } catch (UnknownThingException | KeystoreException e) {
                LOG.warn("DTLS PSK handshake refused: no transport key for thing {}: {}", thing.get(),
                        e.getClass().getSimpleName());
            }
        }
        // A null secret makes Scandium answer with the unknown_psk_identity alert.
        return new PskSecretResult(cid, identity, secret);
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
