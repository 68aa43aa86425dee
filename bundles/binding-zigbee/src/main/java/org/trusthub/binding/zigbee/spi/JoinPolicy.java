package org.trusthub.binding.zigbee.spi;

/** Which devices the trust center lets join while joining is permitted. Uncommissioned devices never join. */
public enum JoinPolicy {
    /** Nobody joins. */
    DENY,
    /** Only commissioned devices whose install-code link key is in the keystore (the default). */
    INSTALL_CODE_ONLY,
    /**
     * Commissioned devices with an install code, and commissioned devices without one under the well-known default
     * trust-center link key (legacy devices; the network key then crosses the air under a public key).
     */
    SECURE_JOIN
}
