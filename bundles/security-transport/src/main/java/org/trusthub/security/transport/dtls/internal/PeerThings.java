package org.trusthub.security.transport.dtls.internal;

import java.security.Principal;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;

import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.ThingId;

/**
 * Which thing a DTLS peer is. A PSK identity is the thing id; a raw public key or a certificate belongs to the thing
 * whose root certificate (in the keystore) carries the same public key.
 */
final class PeerThings {
    private final ThingKeyStore keys;

    PeerThings(ThingKeyStore keys) {
        this.keys = keys;
    }

    Optional<ThingId> ofPskIdentity(String identity) {
        return ThingId.isValid(identity) ? Optional.of(ThingId.of(identity)) : Optional.empty();
    }

    /** Linear in the number of enrolled things; a home or building holds hundreds, not millions. */
    Optional<ThingId> ofPublicKey(PublicKey key) {
        byte[] encoded = key.getEncoded();
        for (ThingId thing : keys.things()) {
            if (!keys.isActive(thing)) {
                continue;
            }
            Optional<X509Certificate> root = keys.rootCertificate(thing);
            if (root.isPresent() && Arrays.equals(encoded, root.get().getPublicKey().getEncoded())) {
                return Optional.of(thing);
            }
        }
        return Optional.empty();
    }

    Optional<ThingId> of(Principal peer) {
        if (peer instanceof PreSharedKeyIdentity psk) {
            return ofPskIdentity(psk.getIdentity());
        }
        if (peer instanceof RawPublicKeyIdentity rpk) {
            return ofPublicKey(rpk.getKey());
        }
        if (peer instanceof X509CertPath path) {
            return ofPublicKey(path.getTarget().getPublicKey());
        }
        return Optional.empty();
    }
}
