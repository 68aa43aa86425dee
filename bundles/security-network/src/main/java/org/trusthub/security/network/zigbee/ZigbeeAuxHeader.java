package org.trusthub.security.network.zigbee;

import org.trusthub.security.network.zigbee.ZigbeeSecurityException.Reason;

/**
 * The ZigBee auxiliary security header (ZigBee specification 4.5.1): security control (level, key identifier,
 * extended nonce), frame counter, the source's extended address when the extended nonce bit is set, and the key
 * sequence number when the network key is used. All fields little-endian.
 *
 * <p>On the air the security level field is 0; sender and receiver put the network's level (5, ENC-MIC-32) back
 * before computing, so {@link #writeTo} takes the level to write.
 *
 * @param source the sender's extended address, or {@code null} without extended nonce
 * @param keySequence 0 to 255 with the network key, else -1
 */
public record ZigbeeAuxHeader(KeyId keyId, long frameCounter, Long source, int keySequence) {

    /** The security level every ZigBee network uses (ENC-MIC-32). */
    public static final int LEVEL = 5;
    /** MIC length at {@link #LEVEL}. */
    public static final int MIC_LENGTH = 4;

    public ZigbeeAuxHeader {
        if (keyId == null) {
            throw new IllegalArgumentException("key identifier must be given");
        }
        if (frameCounter < 0 || frameCounter > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("frame counter must fit 32 bits");
        }
        if (keyId == KeyId.NETWORK_KEY ? keySequence < 0 || keySequence > 0xFF : keySequence != -1) {
            throw new IllegalArgumentException("a key sequence number (0-255) comes with the network key only");
        }
    }

    public int length() {
        return 5 + (source != null ? 8 : 0) + (keyId == KeyId.NETWORK_KEY ? 1 : 0);
    }

    /** Writes the header with the given security level in its control field; returns the offset after it. */
    public int writeTo(byte[] out, int off, int level) {
        out[off++] = (byte) (level | keyId.ordinal() << 3 | (source != null ? 0x20 : 0));
        off = Le.put(out, off, frameCounter, 4);
        if (source != null) {
            off = Le.put(out, off, source, 8);
        }
        if (keyId == KeyId.NETWORK_KEY) {
            out[off++] = (byte) keySequence;
        }
        return off;
    }

    /** The security control byte as used in the nonce (with the network's level). */
    public int securityControl() {
        return LEVEL | keyId.ordinal() << 3 | (source != null ? 0x20 : 0);
    }

    /**
     * Parses the header at {@code offset}. The level field may be 0 (as on the air) or 5.
     *
     * @throws ZigbeeSecurityException {@link Reason#BAD_AUX_HEADER} if truncated or inconsistent
     */
    public static ZigbeeAuxHeader parse(byte[] frame, int offset) throws ZigbeeSecurityException {
        Le r = new Le(frame, offset);
        int control = (int) r.read(1, "security control", Reason.BAD_AUX_HEADER);
        int level = control & 0x07;
        if (level != 0 && level != LEVEL) {
            throw new ZigbeeSecurityException(Reason.BAD_AUX_HEADER,
                    "security level " + level + " in the auxiliary header; ZigBee uses 5 (sent as 0)");
        }
        if ((control & 0xC0) != 0) {
            throw new ZigbeeSecurityException(Reason.BAD_AUX_HEADER, "security control uses reserved bits");
        }
        KeyId keyId = KeyId.values()[control >> 3 & 0x03];
        long counter = r.read(4, "frame counter", Reason.BAD_AUX_HEADER);
        Long source = (control & 0x20) != 0 ? r.read(8, "source address", Reason.BAD_AUX_HEADER) : null;
        int seq = keyId == KeyId.NETWORK_KEY ? (int) r.read(1, "key sequence number", Reason.BAD_AUX_HEADER) : -1;
        return new ZigbeeAuxHeader(keyId, counter, source, seq);
    }
}
