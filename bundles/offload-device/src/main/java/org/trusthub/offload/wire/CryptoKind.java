package org.trusthub.offload.wire;

/** The kinds of cryptographic operation the device model counts. */
public enum CryptoKind {
    /** Signature creation or verification, key agreement, public-key encryption: what a constrained device avoids. */
    PUBLIC_KEY,
    /** Block cipher, AEAD, MAC, key wrap, HKDF (an HMAC construction). */
    SYMMETRIC,
    /** A plain digest (SHA-256). */
    HASH
}
