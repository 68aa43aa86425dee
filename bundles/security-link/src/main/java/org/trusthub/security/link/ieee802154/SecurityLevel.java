package org.trusthub.security.link.ieee802154;

import org.trusthub.api.security.Protection;

/** The eight security levels of IEEE 802.15.4-2006 Table 95: MIC length and whether the payload is encrypted. */
public enum SecurityLevel {
    NONE(0, 0, false),
    MIC_32(1, 4, false),
    MIC_64(2, 8, false),
    MIC_128(3, 16, false),
    ENC(4, 0, true),
    ENC_MIC_32(5, 4, true),
    ENC_MIC_64(6, 8, true),
    ENC_MIC_128(7, 16, true);

    private final int value;
    private final int micLength;
    private final boolean encrypted;

    SecurityLevel(int value, int micLength, boolean encrypted) {
        this.value = value;
        this.micLength = micLength;
        this.encrypted = encrypted;
    }

    /** The 3-bit value carried in the security control field. */
    public int value() {
        return value;
    }

    /** MIC length in bytes (0, 4, 8 or 16). */
    public int micLength() {
        return micLength;
    }

    /** Whether the payload is encrypted. */
    public boolean encrypted() {
        return encrypted;
    }

    /**
     * What a frame at this level is protected by, hop by hop: an encrypted level with a MIC gives confidentiality, a
     * MIC alone integrity; {@link #ENC} without a MIC proves nothing about the sender, so it counts as none.
     */
    public Protection protection() {
        if (micLength == 0) {
            return Protection.NONE;
        }
        return encrypted ? Protection.confidentiality() : Protection.integrity();
    }

    /** The level of a 3-bit value. */
    public static SecurityLevel of(int value) {
        if (value < 0 || value > 7) {
            throw new IllegalArgumentException("security level must be 0 to 7, got " + value);
        }
        return values()[value];
    }
}
