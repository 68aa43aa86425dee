package org.trusthub.api.keystore;

/** The keystore cannot do what was asked; the message says why and never contains key material. */
public class KeystoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KeystoreException(String message) {
        super(message);
    }

    public KeystoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
