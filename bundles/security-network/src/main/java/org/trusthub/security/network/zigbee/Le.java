package org.trusthub.security.network.zigbee;

import org.trusthub.security.network.zigbee.ZigbeeSecurityException.Reason;

/** Little-endian reading and writing with clear truncation errors. */
final class Le {
    final byte[] b;
    int pos;

    Le(byte[] b, int pos) {
        this.b = b;
        this.pos = pos;
    }

    long read(int n, String field, Reason reason) throws ZigbeeSecurityException {
        if (pos < 0 || pos + n > b.length) {
            throw new ZigbeeSecurityException(reason, "frame truncated in the " + field + " ("
                    + Math.max(0, b.length - pos) + " of " + n + " bytes left)");
        }
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[pos + i] & 0xFF);
        }
        pos += n;
        return v;
    }

    static int put(byte[] out, int off, long v, int n) {
        for (int i = 0; i < n; i++) {
            out[off + i] = (byte) (v >>> (8 * i));
        }
        return off + n;
    }
}
