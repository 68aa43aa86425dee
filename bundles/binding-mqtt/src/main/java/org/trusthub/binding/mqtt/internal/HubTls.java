package org.trusthub.binding.mqtt.internal;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import org.trusthub.api.keystore.AnchoredCertificates;
import org.trusthub.api.keystore.HubIdentity;

/**
 * The TLS side of the hub's connection to the broker: the hub authenticates with its own identity (its certificate
 * and key from the keystore), and trusts a broker whose certificate chains to a keystore trust anchor added for
 * {@code tls}, with extended key usage serverAuth and a name that matches the host dialled (checked by the socket,
 * see {@link BrokerLink}). TLS 1.3 and 1.2 only.
 */
final class HubTls {

    static final String[] PROTOCOLS = { "TLSv1.3", "TLSv1.2" };

    private HubTls() {
    }

    /**
     * A socket factory for one connection attempt.
     *
     * @param anchors the trust anchors for {@code tls}, by alias
     * @throws IllegalStateException when there is no anchor to trust a broker with
     */
    static SSLSocketFactory socketFactory(HubIdentity hub, Map<String, X509Certificate> anchors)
            throws GeneralSecurityException {
        if (anchors.isEmpty()) {
            throw new IllegalStateException("no trust anchor for purpose tls: add the broker's CA with "
                    + "trusthub:trust-anchor-add --purpose tls ALIAS FILE");
        }
        char[] none = new char[0];
        KeyStore own = KeyStore.getInstance("PKCS12");
        try {
            own.load(null, none);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot make an in-memory key store", e);
        }
        own.setKeyEntry("hub", hub.privateKey(), none, new X509Certificate[] { hub.certificate() });
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(own, none);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try {
            trusted.load(null, none);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot make an in-memory trust store", e);
        }
        for (Map.Entry<String, X509Certificate> a : anchors.entrySet()) {
            trusted.setCertificateEntry(a.getKey(), a.getValue());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trusted);
        X509ExtendedTrustManager pkix = (X509ExtendedTrustManager) Arrays.stream(tmf.getTrustManagers())
                .filter(X509ExtendedTrustManager.class::isInstance).findFirst()
                .orElseThrow(() -> new GeneralSecurityException("no X.509 trust manager"));

        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), new TrustManager[] { new BrokerTrust(pkix, List.copyOf(anchors.values())) },
                new SecureRandom());
        return context.getSocketFactory();
    }

    /** PKIX path and host name by the JDK, then the anchored-chain rules every trusthub path applies. */
    private static final class BrokerTrust extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager pkix;
        private final List<X509Certificate> anchors;

        BrokerTrust(X509ExtendedTrustManager pkix, List<X509Certificate> anchors) {
            this.pkix = pkix;
            this.anchors = anchors;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            pkix.checkServerTrusted(chain, authType, socket);
            anchored(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            pkix.checkServerTrusted(chain, authType, engine);
            anchored(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
            anchored(chain);
        }

        private void anchored(X509Certificate[] chain) throws CertificateException {
            List<X509Certificate> path = List.of(chain);
            X509Certificate last = path.get(path.size() - 1);
            for (X509Certificate anchor : anchors) {
                if (anchor.equals(last)) {
                    path = path.subList(0, path.size() - 1);
                    last = path.isEmpty() ? null : path.get(path.size() - 1);
                    break;
                }
            }
            for (X509Certificate anchor : anchors) {
                if (last != null && last.getIssuerX500Principal().equals(anchor.getSubjectX500Principal())) {
                    try {
                        last.verify(anchor.getPublicKey());
                    } catch (GeneralSecurityException e) {
                        continue;
                    }
                    AnchoredCertificates.checkChain(path, anchor, AnchoredCertificates.SERVER_AUTH);
                    return;
                }
            }
            throw new CertificateException("the broker's certificate chains to no trust anchor for tls");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("the hub is the client here");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("the hub is the client here");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the hub is the client here");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return anchors.toArray(new X509Certificate[0]);
        }
    }
}
