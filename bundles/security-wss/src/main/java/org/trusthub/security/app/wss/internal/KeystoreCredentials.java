package org.trusthub.security.app.wss.internal;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.app.wss.WsSecurityException;
import org.trusthub.security.app.wss.WsSecurityException.Fault;

/**
 * {@link Credentials} from the shared keystore. Which thing owns a root certificate is cached by the certificate's
 * encoding; the cache is dropped on every keystore event (enrolment, rotation, revocation), and activity is checked on
 * every lookup, so a revoked thing's certificate stops being trusted at once.
 */
final class KeystoreCredentials implements Credentials {

    /** Mechanism label of the UsernameToken password derivation. */
    static final String UT_MECHANISM = "ws-security-ut";

    private final ThingKeyStore keystore;
    private final Map<String, ThingId> owners = new ConcurrentHashMap<>();
    private final Map<String, ThingId> keyIds = new ConcurrentHashMap<>();
    private volatile boolean ownersLoaded;

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
        if (owner != null) {
            return keystore.isActive(owner) ? Optional.of(owner) : Optional.empty();
        }
        return anchoredThing(certificate);
    }

    @Override
    public Optional<ThingId> thingOfKeyId(byte[] subjectKeyId) {
        owners();
        ThingId thing = keyIds.get(Base64.getEncoder().encodeToString(subjectKeyId));
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

    private Map<String, ThingId> owners() {
        if (!ownersLoaded) {
            synchronized (this) {
                if (!ownersLoaded) {
                    owners.clear();
                    keyIds.clear();
                    for (ThingId thing : keystore.things()) {
                        keystore.rootCertificate(thing).ifPresent(certificate -> {
                            String k = key(certificate);
                            if (k != null) {
                                owners.put(k, thing);
                            }
                            keyIds.put(Base64.getEncoder().encodeToString(
                                    CompactSignature.subjectKeyId(certificate.getPublicKey())), thing);
                        });
                    }
                    ownersLoaded = true;
                }
            }
        }
        return owners;
    }

    // A certificate a trust anchor issued names its thing in the subject CN; the anchor's signature is checked.
    private Optional<ThingId> anchoredThing(X509Certificate certificate) {
        Optional<String> cn = commonName(certificate);
        if (cn.isEmpty() || !ThingId.isValid(cn.get())) {
            return Optional.empty();
        }
        for (X509Certificate anchor : keystore.trustAnchors().values()) {
            if (!anchor.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                continue;
            }
            try {
                certificate.checkValidity();
                certificate.verify(anchor.getPublicKey());
            } catch (GeneralSecurityException e) {
                continue;
            }
            ThingId thing = ThingId.of(cn.get());
            return keystore.isActive(thing) ? Optional.of(thing) : Optional.empty();
        }
        return Optional.empty();
    }

    static Optional<String> commonName(X509Certificate certificate) {
        try {
            LdapName name = new LdapName(certificate.getSubjectX500Principal().getName());
            for (Rdn rdn : name.getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return Optional.of(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static String key(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            return null;
        }
    }
}
