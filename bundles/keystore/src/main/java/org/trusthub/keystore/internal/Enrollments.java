package org.trusthub.keystore.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.KeystoreRecords.LayerRec;
import org.trusthub.keystore.internal.KeystoreRecords.Revoke;
import org.trusthub.keystore.internal.KeystoreRecords.Rotate;
import org.trusthub.keystore.internal.KeystoreRecords.ThingRec;

/**
 * The records that start, renew and end a thing's keys (enrollment, rotation, revocation), built and validated
 * before they are written; {@link ThingStates} applies them once they are durable.
 */
final class Enrollments {

    private static final byte[] RETIRED_ROOT_LABEL = "trusthub/v1 retired root".getBytes(StandardCharsets.UTF_8);

    private Enrollments() {
    }

    /**
     * The record of an enrollment, validated: the thing has no active keys, the root is not a revoked one again, a
     * certificate root has no anchor's key. The caller holds the write lock.
     *
     * @throws DuplicateThingException if the thing's keys are active
     * @throws IllegalArgumentException if the credential is refused
     */
    static ThingRec enrollment(ThingStates things, ThingId thing, RootCredential root, HubIdentity hub,
            TrustAnchors anchors, Clock clock) {
        ThingState existing = things.get(thing);
        if (existing != null && existing.active()) {
            throw new DuplicateThingException(thing, "its keys are active; revoke them before enrolling it "
                    + "again with a fresh root credential");
        }
        byte[] certificate = null;
        String fingerprint = null;
        byte[] ikm;
        if (root instanceof RootCredential.Secret secret) {
            ikm = secret.bytes();
        } else {
            X509Certificate cert = ((RootCredential.Certificate) root).certificate();
            ECPublicKey key = HubIdentities.requireP256(cert);
            String anchor = anchors.aliasWithKey(key.getEncoded());
            if (anchor != null) {
                throw new IllegalArgumentException("the root certificate of thing '" + thing + "' has the key of "
                        + "trust anchor '" + anchor + "'; a certification authority is no thing");
            }
            try {
                certificate = cert.getEncoded();
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("root certificate cannot be encoded: " + e.getMessage(), e);
            }
            fingerprint = HexFormat.of().formatHex(sha256(certificate));
            ikm = HubIdentities.ecdh(hub.privateKey(), key);
        }
        byte[] prk;
        try {
            prk = DerivationProfile.rootPrk(ikm);
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
        List<byte[]> retired = new ArrayList<>();
        if (existing != null) {
            byte[] tag = retiredTag(prk);
            for (byte[] old : existing.retiredRoots) {
                if (MessageDigest.isEqual(old, tag)) {
                    Arrays.fill(prk, (byte) 0);
                    throw new IllegalArgumentException("the root credential given for thing '" + thing
                            + "' is the one that was revoked; enroll it with a fresh root credential");
                }
            }
            retired.addAll(existing.retiredRoots);
        }
        Instant now = clock.instant();
        List<LayerRec> layers = new ArrayList<>();
        for (int i = 0; i < ThingState.LAYERS.length; i++) {
            layers.add(new LayerRec(1, now, null, Set.of(), Map.of()));
        }
        return new ThingRec(thing, root.kind(), certificate, fingerprint, now, prk, null, retired, layers);
    }

    /**
     * The record of a rotation of one layer, or of all when {@code only} is null, of an active thing.
     *
     * @throws KeystoreException if a layer reached the last generation
     */
    static Rotate rotation(ThingState t, Layer only, Instant now) {
        int[] generations = new int[ThingState.LAYERS.length];
        for (Layer layer : ThingState.LAYERS) {
            if (only == null || layer == only) {
                int current = t.layer(layer).generation;
                if (current == Integer.MAX_VALUE) {
                    throw new KeystoreException("thing '" + t.id + "' " + layer
                            + " keys reached the last generation; re-enroll it with a fresh root credential");
                }
                generations[layer.ordinal()] = current + 1;
            }
        }
        return new Rotate(t.id, now, generations);
    }

    /** The record of a revocation of an active thing: it keeps a one-way tag of the root it destroys. */
    static Revoke revocation(ThingState t, Instant now) {
        return new Revoke(t.id, now, retiredTag(t.prk));
    }

    // A one-way tag of a revoked root: re-enrolling the same root would hand out the old keys with counters that
    // start over, so the same nonces under the same keys.
    private static byte[] retiredTag(byte[] prk) {
        return Hkdf.hmac(prk, RETIRED_ROOT_LABEL);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JCA has no SHA-256", e);
        }
    }
}
