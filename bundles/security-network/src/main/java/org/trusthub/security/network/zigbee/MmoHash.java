package org.trusthub.security.network.zigbee;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Matyas-Meyer-Oseas hash on AES-128 (ZigBee specification B.6, "AES-MMO") and the keyed hash built on it (B.1.4,
 * HMAC with a 16-byte block), which ZigBee uses for install-code link keys and the key-transport and key-load keys.
 */
public final class MmoHash {

    /** Hash and block length in bytes. */
    public static final int LENGTH = 16;

    private MmoHash() {
    }

    /** AES-MMO of a message. */
    public static byte[] hash(byte[] message) {
        byte[] padded = pad(message);
        byte[] h = new byte[LENGTH];
        try {
            Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
            for (int off = 0; off < padded.length; off += LENGTH) {
                byte[] block = Arrays.copyOfRange(padded, off, off + LENGTH);
                aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(h, "AES"));
                byte[] e = aes.doFinal(block);
                for (int i = 0; i < LENGTH; i++) {
                    h[i] = (byte) (e[i] ^ block[i]);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES failed: " + e.getClass().getSimpleName(), e);
        }
        return h;
    }

    /** The keyed hash of B.1.4: {@code H((K xor opad) || H((K xor ipad) || M))} with a 16-byte key. */
    public static byte[] hmac(byte[] key, byte[] message) {
        if (key == null || key.length != LENGTH) {
            throw new IllegalArgumentException("keyed hash key must be " + LENGTH + " bytes");
        }
        byte[] inner = new byte[LENGTH + message.length];
        byte[] outer = new byte[2 * LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            inner[i] = (byte) (key[i] ^ 0x36);
            outer[i] = (byte) (key[i] ^ 0x5c);
        }
        System.arraycopy(message, 0, inner, LENGTH, message.length);
        byte[] innerHash = hash(inner);
        System.arraycopy(innerHash, 0, outer, LENGTH, LENGTH);
        byte[] result = hash(outer);
        Arrays.fill(inner, (byte) 0);
        Arrays.fill(outer, (byte) 0);
        return result;
    }

    // M || 1 || 0* || bit length: 16-bit length for messages under 2^16 bits, else a 32-bit length and 16 zero bits.
    private static byte[] pad(byte[] m) {
        long bits = (long) m.length * 8;
        boolean small = bits < (1L << 16);
        int tail = small ? 2 : 6;
        int len = m.length + 1 + tail;
        len = (len + LENGTH - 1) / LENGTH * LENGTH;
        byte[] p = Arrays.copyOf(m, len);
        p[m.length] = (byte) 0x80;
        if (small) {
            p[len - 2] = (byte) (bits >>> 8);
            p[len - 1] = (byte) bits;
        } else {
            p[len - 6] = (byte) (bits >>> 24);
            p[len - 5] = (byte) (bits >>> 16);
            p[len - 4] = (byte) (bits >>> 8);
            p[len - 3] = (byte) bits;
        }
        return p;
    }
}
