package org.trusthub.security.link.ccm;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Destroyable;

/**
 * CCM* with AES-128 and a 13-byte nonce (so a 2-byte length field, L = 2), as IEEE 802.15.4-2006 Annex B defines it:
 * CCM (RFC 3610) generalised to allow a MIC of 0, 4, 8 or 16 bytes and encryption switched off.
 *
 * <p>The CBC-MAC and the counter mode run on the JDK's AES ("AES/CBC/NoPadding", "AES/CTR/NoPadding"), which uses the
 * processor's AES instructions where present; the JDK has no CCM mode of its own and Bouncy Castle's CCM refuses a
 * zero-length MIC (security levels 4 of 802.15.4 and ZigBee's encryption-only levels).
 *
 * <p>An instance holds one key and is not thread-safe; {@link #destroy()} it when done. Secrets never appear in
 * {@link #toString()} or in exceptions.
 */
public final class CcmStar implements Destroyable {

    /** Nonce length of CCM* in IEEE 802.15.4 and ZigBee. */
    public static final int NONCE_LENGTH = 13;
    /** AES-128 key length. */
    public static final int KEY_LENGTH = 16;
    /** Longest message {@code l(m)} the 2-byte length field can express. */
    public static final int MAX_MESSAGE_LENGTH = 0xFFFF;

    private static final int BLOCK = 16;

    private final SecretKeySpec key;
    private final byte[] keyBytes;
    private final Cipher cbc;
    private final Cipher ctr;
    private final Cipher ecb;
    private boolean destroyed;

    /**
     * @param key 16 bytes; copied
     * @throws IllegalArgumentException if the key is not 16 bytes
     */
    public CcmStar(byte[] key) {
        if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "CCM* key must be " + KEY_LENGTH + " bytes, got " + (key == null ? "none" : key.length));
        }
        this.keyBytes = key.clone();
        this.key = new SecretKeySpec(keyBytes, "AES");
        try {
            cbc = Cipher.getInstance("AES/CBC/NoPadding");
            ctr = Cipher.getInstance("AES/CTR/NoPadding");
            ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, this.key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks plain AES modes: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Protects a message: returns {@code c || U}, the message encrypted (or left as it is when {@code encrypt} is
     * false) followed by the encrypted MIC of {@code micLength} bytes.
     *
     * <p>Without encryption the message is authenticated, not encrypted: IEEE 802.15.4 then puts it in the
     * authenticated data {@code a}, and so does this method ({@code a = aData || message}, {@code m} empty).
     *
     * @param nonce 13 bytes
     * @param micLength 0, 4, 8 or 16
     * @param aData data authenticated but not encrypted (the frame header); may be empty
     * @param message the payload
     * @throws IllegalArgumentException for a bad nonce, MIC length or an over-long message
     */
    public byte[] protect(byte[] nonce, int micLength, boolean encrypt, byte[] aData, byte[] message) {
        checkArguments(nonce, micLength, aData, message);
        byte[] a = encrypt ? aData : concat(aData, message);
        byte[] m = encrypt ? message : new byte[0];
        byte[] out = new byte[message.length + micLength];
        try {
            if (micLength > 0) {
                byte[] t = cbcMac(nonce, micLength, a, m);
                byte[] s0 = counterBlockKeystream(nonce);
                for (int i = 0; i < micLength; i++) {
                    out[message.length + i] = (byte) (t[i] ^ s0[i]);
                }
            }
            if (encrypt) {
                ctr(nonce, message, out);
            } else {
                System.arraycopy(message, 0, out, 0, message.length);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES failed: " + e.getClass().getSimpleName(), e);
        }
        return out;
    }

    /**
     * Checks and opens a protected message {@code c || U}.
     *
     * @return the message
     * @throws MicFailureException if the MIC does not match (nothing of the message is returned then)
     * @throws IllegalArgumentException for a bad nonce or MIC length, or a body shorter than the MIC
     */
    public byte[] unprotect(byte[] nonce, int micLength, boolean encrypt, byte[] aData, byte[] body)
            throws MicFailureException {
        if (body == null || body.length < micLength) {
            throw new IllegalArgumentException("protected body is " + (body == null ? "missing" : body.length + " bytes")
                    + ", shorter than its " + micLength + "-byte MIC");
        }
        byte[] c = Arrays.copyOf(body, body.length - micLength);
        checkArguments(nonce, micLength, aData, c);
        try {
            byte[] m = new byte[c.length];
            if (encrypt) {
                ctr(nonce, c, m);
            } else {
                System.arraycopy(c, 0, m, 0, c.length);
            }
            if (micLength > 0) {
                byte[] t = cbcMac(nonce, micLength, encrypt ? aData : concat(aData, m), encrypt ? m : new byte[0]);
                byte[] s0 = counterBlockKeystream(nonce);
                byte[] expected = new byte[micLength];
                for (int i = 0; i < micLength; i++) {
                    expected[i] = (byte) (t[i] ^ s0[i]);
                }
                byte[] received = Arrays.copyOfRange(body, c.length, body.length);
                if (!MessageDigest.isEqual(expected, received)) {
                    Arrays.fill(m, (byte) 0);
                    throw new MicFailureException("MIC check failed");
                }
            }
            return m;
        } catch (MicFailureException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /** One AES block encryption with this key (for hashes built on the block cipher). */
    public byte[] encryptBlock(byte[] block) {
        if (block == null || block.length != BLOCK) {
            throw new IllegalArgumentException("an AES block is 16 bytes");
        }
        checkNotDestroyed();
        try {
            return ecb.doFinal(block);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private byte[] cbcMac(byte[] nonce, int micLength, byte[] a, byte[] m) throws GeneralSecurityException {
        int aLenField = a.length == 0 ? 0 : (a.length < 0xFF00 ? 2 : 6);
        int aBlocks = pad(aLenField + a.length);
        int total = BLOCK + aBlocks + pad(m.length);
        byte[] b = new byte[total];
        // B0: flags = Adata | M' | L' with M' = (M-2)/2 (0 for M = 0, as CCM* defines) and L' = L - 1 = 1
        int mPrime = micLength == 0 ? 0 : (micLength - 2) / 2;
        b[0] = (byte) ((a.length > 0 ? 0x40 : 0) | (mPrime << 3) | 0x01);
        System.arraycopy(nonce, 0, b, 1, NONCE_LENGTH);
        b[14] = (byte) (m.length >>> 8);
        b[15] = (byte) m.length;
        int p = BLOCK;
        if (aLenField == 2) {
            b[p] = (byte) (a.length >>> 8);
            b[p + 1] = (byte) a.length;
        } else if (aLenField == 6) {
            b[p] = (byte) 0xFF;
            b[p + 1] = (byte) 0xFE;
            b[p + 2] = (byte) (a.length >>> 24);
            b[p + 3] = (byte) (a.length >>> 16);
            b[p + 4] = (byte) (a.length >>> 8);
            b[p + 5] = (byte) a.length;
        }
        System.arraycopy(a, 0, b, p + aLenField, a.length);
        System.arraycopy(m, 0, b, BLOCK + aBlocks, m.length);
        cbc.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(new byte[BLOCK]));
        byte[] x = cbc.doFinal(b);
        return Arrays.copyOfRange(x, x.length - BLOCK, x.length - BLOCK + micLength);
    }

    private byte[] counterBlockKeystream(byte[] nonce) throws GeneralSecurityException {
        return ecb.doFinal(counterBlock(nonce, 0));
    }

    private void ctr(byte[] nonce, byte[] in, byte[] out) throws GeneralSecurityException {
        if (in.length == 0) {
            return;
        }
        ctr.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(counterBlock(nonce, 1)));
        ctr.doFinal(in, 0, in.length, out, 0);
    }

    private static byte[] counterBlock(byte[] nonce, int i) {
        byte[] a = new byte[BLOCK];
        a[0] = 0x01; // L' = L - 1
        System.arraycopy(nonce, 0, a, 1, NONCE_LENGTH);
        a[14] = (byte) (i >>> 8);
        a[15] = (byte) i;
        return a;
    }

    private void checkArguments(byte[] nonce, int micLength, byte[] aData, byte[] message) {
        checkNotDestroyed();
        if (nonce == null || nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("CCM* nonce must be " + NONCE_LENGTH + " bytes, got "
                    + (nonce == null ? "none" : nonce.length));
        }
        if (micLength != 0 && micLength != 4 && micLength != 8 && micLength != 16) {
            throw new IllegalArgumentException("CCM* MIC length must be 0, 4, 8 or 16 bytes, got " + micLength);
        }
        if (aData == null || message == null) {
            throw new IllegalArgumentException("authenticated data and message must be given (they may be empty)");
        }
        if (message.length > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("CCM* message of " + message.length + " bytes exceeds "
                    + MAX_MESSAGE_LENGTH);
        }
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("CCM* key has been destroyed");
        }
    }

    private static int pad(int n) {
        return (n + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }

    @Override
    public void destroy() {
        Arrays.fill(keyBytes, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "CcmStar[AES-128, key redacted" + (destroyed ? ", destroyed" : "") + "]";
    }
}
