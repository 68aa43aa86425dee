package org.trusthub.keystore.internal;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF with HMAC-SHA256 (RFC 5869). */
public final class Hkdf {

    /** SHA-256 output length, in bytes. */
    public static final int HASH_LENGTH = 32;
    /** Longest output HKDF-Expand can give: 255 blocks. */
    public static final int MAX_OUTPUT_LENGTH = 255 * HASH_LENGTH;

    private static final String HMAC = "HmacSHA256";

    private Hkdf() {
    }

    /** HKDF-Extract; an empty or absent salt stands for HashLen zero bytes, as RFC 5869 section 2.2 says. */
    public static byte[] extract(byte[] salt, byte[] ikm) {
        byte[] key = salt == null || salt.length == 0 ? new byte[HASH_LENGTH] : salt;
        Mac mac = mac(key);
        return mac.doFinal(ikm);
    }

    /**
     * HKDF-Expand.
     *
     * @throws IllegalArgumentException if the length is negative or above {@value #MAX_OUTPUT_LENGTH}, or the PRK
     *         is shorter than HashLen
     */
    public static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length < 0 || length > MAX_OUTPUT_LENGTH) {
            throw new IllegalArgumentException(
                    "HKDF-SHA256 output length " + length + " is out of range 0 to " + MAX_OUTPUT_LENGTH);
        }
        if (prk.length < HASH_LENGTH) {
            throw new IllegalArgumentException(
                    "HKDF PRK is " + prk.length + " bytes; it must be at least " + HASH_LENGTH);
        }
        Mac mac = mac(prk);
        byte[] out = new byte[length];
        byte[] block = new byte[0];
        int done = 0;
        for (int i = 1; done < length; i++) {
            mac.update(block);
            mac.update(info);
            mac.update((byte) i);
            Arrays.fill(block, (byte) 0);
            block = mac.doFinal();
            int n = Math.min(block.length, length - done);
            System.arraycopy(block, 0, out, done, n);
            done += n;
        }
        Arrays.fill(block, (byte) 0);
        return out;
    }

    /** Extract then expand. */
    public static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
        byte[] prk = extract(salt, ikm);
        try {
            return expand(prk, info, length);
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    /** HMAC-SHA256 of the data under the key. */
    static byte[] hmac(byte[] key, byte[] data) {
        return mac(key).doFinal(data);
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("HMAC-SHA256 refused the key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JCA has no HmacSHA256", e);
        }
    }
}
