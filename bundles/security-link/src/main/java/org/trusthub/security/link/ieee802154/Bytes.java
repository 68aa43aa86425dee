package org.trusthub.security.link.ieee802154;

/** Little-endian field access for frame codecs. */
final class Bytes {
    private Bytes() {
    }

    static int putLe(byte[] out, int offset, long value, int length) {
        for (int i = 0; i < length; i++) {
            out[offset + i] = (byte) (value >>> (8 * i));
        }
        return offset + length;
    }

    static long getLe(byte[] in, int offset, int length) {
        long v = 0;
        for (int i = length - 1; i >= 0; i--) {
            v = v << 8 | (in[offset + i] & 0xFF);
        }
        return v;
    }
}
