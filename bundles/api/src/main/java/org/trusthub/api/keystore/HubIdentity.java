package org.trusthub.api.keystore;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * The hub's own identity: an EC P-256 key pair and its self-signed certificate, made at first start and kept in the
 * keystore. Transport and application security use it to authenticate the hub; {@link #toString()} never shows the
 * private key.
 */
public record HubIdentity(X509Certificate certificate, PrivateKey privateKey) {
    public HubIdentity {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    @Override
    public String toString() {
        return "HubIdentity[" + certificate.getSubjectX500Principal().getName() + ", private key redacted]";
    }
}
