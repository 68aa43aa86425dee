package org.trusthub.security.wss.internal;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.trusthub.api.keystore.AnchoredCertificates;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WsSecurityException.Fault;

/**
 * {@link Credentials} from the shared keystore. A certificate names a thing when it is the thing's enrolled root
 * certificate, or when a trust anchor added for {@link TrustPurpose#WSS} issued it (signature, validity,
 * {@link AnchoredCertificates#checkChain}: the anchor a CA, the certificate no CA and with digitalSignature) and it
 * carries the key of the thing's enrolled root certificate. Its subject name never names a thing. Which thing owns a
 * root certificate and a key is cached; the cache is dropped when the provider forgets a thing (rotation,
 * revocation), and reloaded on a miss when the keystore's things changed (an enrolment) or at most once a second
 * otherwise; activity is checked on every lookup, so a revoked thing's certificate stops being trusted at once.
 */
final class KeystoreCredentials implements Credentials {

    /** Mechanism label of the UsernameToken password derivation. */
    static final String UT_MECHANISM = "ws-security-ut";

    private final ThingKeyStore keystore;
    private final Map<String, ThingId> owners = new ConcurrentHashMap<>();
    private final Map<String, ThingId> keyIds = new ConcurrentHashMap<>();
    private final Map<String, ThingId> publicKeys = new ConcurrentHashMap<>();
    private volatile boolean ownersLoaded;
    // What the cache was loaded from and when: a miss reloads it when the things changed, else at most this often.
    private volatile java.util.Set<ThingId> loadedThings = java.util.Set.of();
    private volatile long loadedAt;
    static final long MISS_RELOAD_NANOS = 1_000_000_000L;

    KeystoreCredentials(ThingKeyStore keystore) {
        this.keystore = keystore;
    }

    /** Forgets cached certificate owners; the next lookup reloads them. */
    void invalidate() {
        ownersLoaded = false;
    }

    @Override
    public HubIdentity hub() {
        return keystore.hubIdentity();
    }

    @Override
    public Optional<X509Certificate> certificateOf(ThingId thing) {
        try {
            return keystore.isActive(thing) ? keystore.rootCertificate(thing) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<ThingId> thingOf(X509Certificate certificate) {
        String key = key(certificate);
        if (key == null) {
            return Optional.empty();
        }
        ThingId owner = owners().get(key);
        if (owner == null && reloadOnMiss()) {
            owner = owners().get(key);
        }
        if (owner != null) {
            return keystore.isActive(owner) ? Optional.of(owner) : Optional.empty();
        }
        return anchoredThing(certificate);
    }

    @Override
    public Optional<ThingId> thingOfKeyId(byte[] subjectKeyId) {
        owners();
        String id = Base64.getEncoder().encodeToString(subjectKeyId);
        ThingId thing = keyIds.get(id);
        if (thing == null && reloadOnMiss()) {
            owners();
            thing = keyIds.get(id);
        }
        return thing != null && keystore.isActive(thing) ? Optional.of(thing) : Optional.empty();
    }

    @Override
    public Optional<char[]> usernamePassword(ThingId thing) {
        return password(thing, true);
    }

    @Override
    public Optional<char[]> usernamePasswordUnrecorded(ThingId thing) {
        return password(thing, false);
    }

    @Override
    public void recordUsernameUse(ThingId thing) throws WsSecurityException {
        try {
            DerivedKey key = keystore.deriveKeyUnrecorded(thing, Layer.APPLICATION, UT_MECHANISM, 32);
            try {
                keystore.recordUse(key);
            } finally {
                key.destroy();
            }
        } catch (KeystoreException | IllegalArgumentException | IllegalStateException e) {
            throw new WsSecurityException(Fault.FAILED_AUTHENTICATION, "the UsernameToken of " + thing
                    + " names keys the hub no longer has");
        }
    }

    private Optional<char[]> password(ThingId thing, boolean recordUse) {
        DerivedKey key;
        try {
            if (!keystore.isActive(thing)) {
                return Optional.empty();
            }
            key = recordUse ? keystore.deriveKey(thing, Layer.APPLICATION, UT_MECHANISM, 32)
                    : keystore.deriveKeyUnrecorded(thing, Layer.APPLICATION, UT_MECHANISM, 32);
        } catch (KeystoreException | IllegalArgumentException | IllegalStateException e) {
            return Optional.empty();
        }
        byte[] bytes = key.bytes();
        try {
            byte[] encoded = Base64.getEncoder().encode(bytes);
            char[] password = new char[encoded.length];
            for (int i = 0; i < encoded.length; i++) {
                password[i] = (char) encoded[i];
            }
            Arrays.fill(encoded, (byte) 0);
            return Optional.of(password);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            key.destroy();
        }
    }

    /**
     * After a lookup missed: drops the cache when the keystore holds other things than it was loaded from, or it is
     * older than {@link #MISS_RELOAD_NANOS} (a thing enrolled again under the same id). Bounded, so unknown
     * certificates cannot make every message reload it.
     */
    private boolean reloadOnMiss() {
        boolean changed = !java.util.Set.copyOf(keystore.things()).equals(loadedThings);
        if (changed || System.nanoTime() - loadedAt > MISS_RELOAD_NANOS) {
            invalidate();
            return true;
        }
        return false;
    }

    private Map<String, ThingId> owners() {
        if (!ownersLoaded) {
            synchronized (this) {
                if (!ownersLoaded) {
                    owners.clear();
                    keyIds.clear();
                    publicKeys.clear();
                    List<ThingId> things = keystore.things();
                    loadedThings = java.util.Set.copyOf(things);
                    loadedAt = System.nanoTime();
                    for (ThingId thing : things) {
                        keystore.rootCertificate(thing).ifPresent(certificate -> {
                            String k = key(certificate);
                            if (k != null) {
                                owners.put(k, thing);
                            }
                            keyIds.put(Base64.getEncoder().encodeToString(
                                    CompactSignature.subjectKeyId(certificate.getPublicKey())), thing);
                            publicKeys.put(publicKey(certificate), thing);
                        });
                    }
                    ownersLoaded = true;
                }
            }
        }
        return owners;
    }

    // A certificate a wss trust anchor issued names the thing whose enrolled root certificate has its key.
    private Optional<ThingId> anchoredThing(X509Certificate certificate) {
        for (X509Certificate anchor : keystore.trustAnchors(TrustPurpose.WSS).values()) {
            if (!anchor.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                continue;
            }
            try {
                certificate.checkValidity();
                certificate.verify(anchor.getPublicKey());
                AnchoredCertificates.checkChain(List.of(certificate), anchor, null);
            } catch (GeneralSecurityException e) {
                continue;
            }
            owners();
            ThingId thing = publicKeys.get(publicKey(certificate));
            if (thing == null && reloadOnMiss()) {
                owners();
                thing = publicKeys.get(publicKey(certificate));
            }
            return thing != null && keystore.isActive(thing) ? Optional.of(thing) : Optional.empty();
        }
        return Optional.empty();
    }

    private static String publicKey(X509Certificate certificate) {
        return Base64.getEncoder().encodeToString(certificate.getPublicKey().getEncoded());
    }

    private static String key(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            return null;
        }
    }
}
