package org.trusthub.security.link.ieee802154;

import org.trusthub.security.link.ieee802154.FrameSecurityException.Reason;

/**
 * The auxiliary security header of IEEE 802.15.4-2006 (7.6.2): security control (level and key identifier mode),
 * frame counter (4 bytes, little-endian), and the key identifier (key source of 0, 4 or 8 bytes, little-endian, and a
 * key index). Immutable.
 *
 * @param keySource the key source (0 unless the mode carries one)
 * @param keyIndex 0 to 255 (0 in implicit mode)
 */
public record AuxSecurityHeader(SecurityLevel level, KeyIdMode keyIdMode, long frameCounter, long keySource,
        int keyIndex) {

    public AuxSecurityHeader {
        if (level == null || keyIdMode == null) {
            throw new IllegalArgumentException("security level and key identifier mode must be given");
        }
        if (frameCounter < 0 || frameCounter > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("frame counter must fit 32 bits");
        }
        if (keyIndex < 0 || keyIndex > 0xFF) {
            throw new IllegalArgumentException("key index must be 0 to 255, got " + keyIndex);
        }
        if (keyIdMode == KeyIdMode.IMPLICIT && keyIndex != 0) {
            throw new IllegalArgumentException("implicit key identifier mode carries no key index");
        }
        if (keyIdMode.sourceLength() == 0 && keySource != 0
                || keyIdMode.sourceLength() == 4 && (keySource >>> 32) != 0) {
            throw new IllegalArgumentException("key source does not fit the key identifier mode " + keyIdMode);
        }
    }

    /** Encoded length in bytes. */
    public int length() {
        return 5 + keyIdMode.identifierLength();
    }

    /** Encodes the header into {@code out} at {@code offset}; returns the offset after it. */
    public int writeTo(byte[] out, int offset) {
        out[offset++] = (byte) (level.value() | keyIdMode.value() << 3);
        offset = Bytes.putLe(out, offset, frameCounter, 4);
        if (keyIdMode != KeyIdMode.IMPLICIT) {
            offset = Bytes.putLe(out, offset, keySource, keyIdMode.sourceLength());
            out[offset++] = (byte) keyIndex;
        }
        return offset;
    }

    /** The encoded header. */
    public byte[] encode() {
        byte[] out = new byte[length()];
        writeTo(out, 0);
        return out;
    }

    /**
     * Parses the header at {@code offset}.
     *
     * @throws FrameSecurityException ({@link Reason#BAD_AUX_HEADER}) if it is truncated or uses reserved bits
     */
    public static AuxSecurityHeader parse(byte[] frame, int offset) throws FrameSecurityException {
        if (offset < 0 || offset + 5 > frame.length) {
            throw new FrameSecurityException(Reason.BAD_AUX_HEADER, "auxiliary security header truncated: "
                    + Math.max(0, frame.length - offset) + " bytes left, at least 5 needed");
        }
        int control = frame[offset] & 0xFF;
        if ((control & 0xE0) != 0) {
            throw new FrameSecurityException(Reason.BAD_AUX_HEADER,
                    "security control uses reserved bits (0x" + Integer.toHexString(control) + ")");
        }
        SecurityLevel level = SecurityLevel.of(control & 0x07);
        KeyIdMode mode = KeyIdMode.of(control >> 3 & 0x03);
        long counter = Bytes.getLe(frame, offset + 1, 4);
        int idLength = mode.identifierLength();
        if (offset + 5 + idLength > frame.length) {
            throw new FrameSecurityException(Reason.BAD_AUX_HEADER,
                    "key identifier truncated: mode " + mode + " needs " + idLength + " bytes");
        }
        long source = Bytes.getLe(frame, offset + 5, mode.sourceLength());
        int index = mode == KeyIdMode.IMPLICIT ? 0 : frame[offset + 5 + mode.sourceLength()] & 0xFF;
        return new AuxSecurityHeader(level, mode, counter, source, index);
    }
}
