package org.trusthub.api.keystore;

/** Whether a thing's keys can still be derived. */
public enum KeyStatus {
    /** Keys can be derived and counters drawn. */
    ACTIVE,
    /** The root credential is destroyed: no key of any layer can be derived again. */
    REVOKED
}
