package org.trusthub.security.link.ieee802154;

/** Key identifier modes of IEEE 802.15.4-2006 Table 96: how the auxiliary header names the key. */
public enum KeyIdMode {
    /** The key is known from the pair of devices (no key identifier field). */
    IMPLICIT(0, 0),
    /** A key index; the key source is the PAN coordinator (macDefaultKeySource). */
    INDEX(1, 0),
    /** A 4-byte key source and a key index. */
    SOURCE4_INDEX(2, 4),
    /** An 8-byte key source and a key index. */
    SOURCE8_INDEX(3, 8);

    private final int value;
    private final int sourceLength;

    KeyIdMode(int value, int sourceLength) {
        this.value = value;
        this.sourceLength = sourceLength;
    }

    public int value() {
        return value;
    }

    /** Length of the key source field in bytes. */
    public int sourceLength() {
        return sourceLength;
    }

    /** Length of the whole key identifier field in bytes (source plus index). */
    public int identifierLength() {
        return this == IMPLICIT ? 0 : sourceLength + 1;
    }

    public static KeyIdMode of(int value) {
        if (value < 0 || value > 3) {
            throw new IllegalArgumentException("key identifier mode must be 0 to 3, got " + value);
        }
        return values()[value];
    }
}
