package org.trusthub.api.keystore;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;

import javax.security.auth.Destroyable;

/**
 * The one root credential a thing is enrolled with. Every layer's keys are derived from it; it never leaves the
 * keystore once enrolled.
 */
public sealed interface RootCredential permits RootCredential.Secret, RootCredential.Certificate {

    /** Shortest accepted root secret, in bytes (128 bits). */
    int MIN_SECRET_LENGTH = 16;
    /** Longest accepted root secret, in bytes. */
    int MAX_SECRET_LENGTH = 64;

    /** The kind of credential, as shown in key metadata. */
    Kind kind();

    /** The kinds of root credential. */
    enum Kind {
        /** A shared secret, such as a factory key or an install-code derived key. */
        SECRET,
        /** A certificate with the thing's P-256 public key; the root is agreed with the hub's identity key. */
        CERTIFICATE
    }

    /** A root secret of 16 to 64 bytes. */
    static Secret secret(byte[] secret) {
        return new Secret(secret);
    }

    /** A root certificate carrying the thing's EC P-256 public key. */
    static Certificate certificate(X509Certificate certificate) {
        return new Certificate(certificate);
    }

    /** A shared root secret. The bytes are copied in and out; {@link #toString()} never shows them. */
    final class Secret implements RootCredential, Destroyable {
        private final byte[] secret;
        private volatile boolean destroyed;

        private Secret(byte[] secret) {
            Objects.requireNonNull(secret, "secret");
            if (secret.length < MIN_SECRET_LENGTH || secret.length > MAX_SECRET_LENGTH) {
                throw new IllegalArgumentException("root secret is " + secret.length + " bytes; it must be "
                        + MIN_SECRET_LENGTH + " to " + MAX_SECRET_LENGTH + " bytes");
            }
            this.secret = secret.clone();
        }

        /** A copy of the secret bytes; the caller should wipe it after use. */
        public byte[] bytes() {
            if (destroyed) {
                throw new IllegalStateException("root secret has been destroyed");
            }
            return secret.clone();
        }

        @Override
        public Kind kind() {
            return Kind.SECRET;
        }

        @Override
        public void destroy() {
            Arrays.fill(secret, (byte) 0);
            destroyed = true;
        }

        @Override
        public boolean isDestroyed() {
            return destroyed;
        }

        @Override
        public String toString() {
            return "RootCredential.Secret[" + secret.length + " bytes, redacted]";
        }
    }

    /** A root certificate. */
    record Certificate(X509Certificate certificate) implements RootCredential {
        public Certificate {
            Objects.requireNonNull(certificate, "certificate");
            try {
                certificate.getEncoded();
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("root certificate cannot be encoded: " + e.getMessage(), e);
            }
        }

        @Override
        public Kind kind() {
            return Kind.CERTIFICATE;
        }

        @Override
        public String toString() {
            return "RootCredential.Certificate[" + certificate.getSubjectX500Principal().getName() + "]";
        }
    }
}
