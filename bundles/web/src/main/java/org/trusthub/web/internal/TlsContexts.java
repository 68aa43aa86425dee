package org.trusthub.web.internal;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.trusthub.api.keystore.HubIdentity;

/** The server's TLS context from the hub identity, in memory only: its private key is never written to a file. */
final class TlsContexts {

    private TlsContexts() {
    }

    static SSLContext of(HubIdentity identity) throws GeneralSecurityException, java.io.IOException {
        char[] password = java.util.UUID.randomUUID().toString().toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("hub", identity.privateKey(), password, new Certificate[] { identity.certificate() });
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(kmf.getKeyManagers(), null, new SecureRandom());
        return tls;
    }
}
