package org.trusthub.security.transport.tls.internal;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.ThingId;

/**
 * Trusts a peer when its leaf certificate is the root certificate of an active thing (pinned), or when its chain
 * validates (PKIX, no revocation lists: revocation is the keystore's) up to a keystore trust anchor. Which thing owns a
 * root certificate is cached until the next keystore event.
 */
final class KeystoreTrustManager extends X509ExtendedTrustManager {

    private final ThingKeyStore keystore;
    private final Map<String, ThingId> owners = new ConcurrentHashMap<>();
    private volatile boolean loaded;

    KeystoreTrustManager(ThingKeyStore keystore) {
        this.keystore = keystore;
    }

    void invalidate() {
        loaded = false;
    }

    /** The active thing whose root certificate this is. */
    Optional<ThingId> thingOf(X509Certificate certificate) {
        if (!loaded) {
            synchronized (this) {
                if (!loaded) {
                    owners.clear();
                    for (ThingId thing : keystore.things()) {
                        keystore.rootCertificate(thing).map(KeystoreTrustManager::key).ifPresent(
                                k -> owners.put(k, thing));
                    }
                    loaded = true;
                }
            }
        }
        ThingId thing = owners.get(key(certificate));
        return thing != null && keystore.isActive(thing) ? Optional.of(thing) : Optional.empty();
    }

    void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the peer sent no certificate");
        }
        X509Certificate leaf = chain[0];
        leaf.checkValidity();
        if (thingOf(leaf).isPresent()) {
            return;
        }
        Map<String, X509Certificate> anchors = keystore.trustAnchors();
        if (anchors.isEmpty()) {
            throw new CertificateException("the peer's certificate is not a known thing's");
        }
        try {
            Set<TrustAnchor> trust = new HashSet<>();
            anchors.values().forEach(a -> trust.add(new TrustAnchor(a, null)));
            PKIXParameters parameters = new PKIXParameters(trust);
            parameters.setRevocationEnabled(false);
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(Arrays.asList(chain)),
                    parameters);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("the peer's certificate is neither a known thing's nor issued by a trust "
                    + "anchor", e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return keystore.trustAnchors().values().toArray(new X509Certificate[0]);
    }

    private static String key(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            return "";
        }
    }
}
