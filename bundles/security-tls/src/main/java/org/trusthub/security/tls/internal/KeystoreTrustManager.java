package org.trusthub.security.tls.internal;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import org.trusthub.api.keystore.AnchoredCertificates;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.thing.ThingId;

/**
 * Trusts a peer when its certificate identifies an active thing: it is the thing's enrolled root certificate (pinned),
 * or its chain validates (PKIX) up to a keystore trust anchor added for {@link TrustPurpose#TLS}, passes
 * {@link AnchoredCertificates#checkChain} (clientAuth for a client, serverAuth for a server) and carries the key of the
 * thing's enrolled root certificate. A trusted certificate of no enrolled thing identifies nobody. Built for one server
 * ({@link #forServer}), it trusts only that thing's certificate. Which thing owns a root certificate or key is cached
 * until the next keystore event.
 *
 * <p>No revocation lists: an anchored certificate counts only with the key the keystore enrolled for its thing, so
 * revoking (decommissioning) the thing in the keystore is what ends its trust, at once and for every path.
 */
final class KeystoreTrustManager extends X509ExtendedTrustManager {

    private final ThingKeyStore keystore;
    private final ThingId server;
    private final Owners owners;

    KeystoreTrustManager(ThingKeyStore keystore) {
        this(keystore, null, new Owners(keystore));
    }

    private KeystoreTrustManager(ThingKeyStore keystore, ThingId server, Owners owners) {
        this.keystore = keystore;
        this.server = server;
        this.owners = owners;
    }

    /** The same trust, for a client that means to reach this thing and no other. */
    KeystoreTrustManager forServer(ThingId thing) {
        return new KeystoreTrustManager(keystore, thing, owners);
    }

    void invalidate() {
        owners.loaded = false;
    }

    /** The active thing whose root certificate this is. */
    Optional<ThingId> thingOf(X509Certificate certificate) {
        return owners.active(owners.certificates(), encoded(certificate));
    }

    /** The thing the chain identifies. */
    ThingId identify(X509Certificate[] chain, boolean peerIsClient) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the peer sent no certificate");
        }
        X509Certificate leaf = chain[0];
        leaf.checkValidity();
        Optional<ThingId> pinned = thingOf(leaf);
        if (pinned.isPresent()) {
            return pinned.get();
        }
        anchored(chain, peerIsClient);
        return owners.active(owners.keys(), publicKey(leaf)).orElseThrow(() -> new CertificateException(
                "the peer's certificate is issued by a trust anchor but carries no enrolled thing's key"));
    }

    void check(X509Certificate[] chain, boolean peerIsClient) throws CertificateException {
        if (server == null || peerIsClient) {
            identify(chain, peerIsClient);
            return;
        }
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the peer sent no certificate");
        }
        X509Certificate leaf = chain[0];
        leaf.checkValidity();
        X509Certificate enrolled = keystore.isActive(server) ? keystore.rootCertificate(server).orElse(null) : null;
        if (enrolled == null) {
            throw new CertificateException("the server meant, '" + server + "', is no active thing with a certificate");
        }
        if (leaf.equals(enrolled)) {
            return;
        }
        if (!AnchoredCertificates.sameKey(enrolled, leaf)) {
            throw new CertificateException("the server's certificate is not the certificate of '" + server
                    + "', the thing meant");
        }
        anchored(chain, false);
    }

    private void anchored(X509Certificate[] chain, boolean peerIsClient) throws CertificateException {
        Collection<X509Certificate> anchors = keystore.trustAnchors(TrustPurpose.TLS).values();
        if (anchors.isEmpty()) {
            throw new CertificateException("the peer's certificate is not a known thing's");
        }
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate c : chain) {
            if (!anchors.contains(c)) {
                path.add(c);
            }
        }
        if (path.isEmpty()) {
            throw new CertificateException("the peer's chain holds only trust anchors");
        }
        X509Certificate anchor;
        try {
            Set<TrustAnchor> trust = new HashSet<>();
            anchors.forEach(a -> trust.add(new TrustAnchor(a, null)));
            PKIXParameters parameters = new PKIXParameters(trust);
            parameters.setRevocationEnabled(false); // see the class comment
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                    .validate(factory.generateCertPath(path), parameters);
            anchor = result.getTrustAnchor().getTrustedCert();
        } catch (GeneralSecurityException e) {
            throw new CertificateException("the peer's certificate is neither a known thing's nor issued by a trust "
                    + "anchor for tls", e);
        }
        AnchoredCertificates.checkChain(path, anchor,
                peerIsClient ? AnchoredCertificates.CLIENT_AUTH : AnchoredCertificates.SERVER_AUTH);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, true);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, false);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain, true);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain, false);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, true);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, false);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return keystore.trustAnchors(TrustPurpose.TLS).values().toArray(new X509Certificate[0]);
    }

    private static String encoded(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            return "";
        }
    }

    private static String publicKey(X509Certificate certificate) {
        return Base64.getEncoder().encodeToString(certificate.getPublicKey().getEncoded());
    }

    /** Which thing owns each enrolled root certificate and key, shared by every trust manager of one component. */
    private static final class Owners {
        private final ThingKeyStore keystore;
        private final Map<String, ThingId> certificates = new ConcurrentHashMap<>();
        private final Map<String, ThingId> keys = new ConcurrentHashMap<>();
        private volatile boolean loaded;

        Owners(ThingKeyStore keystore) {
            this.keystore = keystore;
        }

        Map<String, ThingId> certificates() {
            load();
            return certificates;
        }

        Map<String, ThingId> keys() {
            load();
            return keys;
        }

        Optional<ThingId> active(Map<String, ThingId> owners, String key) {
            ThingId thing = owners.get(key);
            return thing != null && keystore.isActive(thing) ? Optional.of(thing) : Optional.empty();
        }

        private void load() {
            if (!loaded) {
                synchronized (this) {
                    if (!loaded) {
                        certificates.clear();
                        keys.clear();
                        for (ThingId thing : keystore.things()) {
                            keystore.rootCertificate(thing).ifPresent(c -> {
                                certificates.put(encoded(c), thing);
                                keys.put(publicKey(c), thing);
                            });
                        }
                        loaded = true;
                    }
                }
            }
        }
    }
}
