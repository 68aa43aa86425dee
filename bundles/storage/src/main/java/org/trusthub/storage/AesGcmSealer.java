package org.trusthub.storage;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a random 96-bit nonce per record, under a per-file key derived from the master key with
 * HKDF-SHA256 and the file's salt. Per-file keys keep the number of nonces drawn under one key small, since each
 * compaction starts a new file with a new salt.
 */
public final class AesGcmSealer implements RecordSealer {

    /** Master key length in bytes. */
    public static final int KEY_LENGTH = 32;

    private static final int NONCE_LENGTH = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] DATA_KEY_INFO = "trusthub/storage/v1 data key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_CHECK_INFO = "trusthub/storage/v1 key check".getBytes(StandardCharsets.US_ASCII);

    private final byte[] masterKey;
    private final SecureRandom random = new SecureRandom();
    // Derived once per file; a store keeps using the same two salts (snapshot, journal) for a long time.
    private byte[] cachedSalt;
    private SecretKeySpec cachedKey;

    /** Copies the key; {@link #destroy()} wipes the copy. */
    public AesGcmSealer(byte[] masterKey) {
        if (masterKey == null || masterKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("master key must be " + KEY_LENGTH + " bytes");
        }
        this.masterKey = masterKey.clone();
    }

    @Override
    public byte[] keyCheck(byte[] fileSalt) {
        return Arrays.copyOf(hkdf(fileSalt, KEY_CHECK_INFO), 16);
    }

    @Override
    public byte[] seal(byte[] fileSalt, byte[] aad, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, dataKey(fileSalt), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] out = new byte[NONCE_LENGTH + cipher.getOutputSize(plaintext.length)];
            System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
            cipher.doFinal(plaintext, 0, plaintext.length, out, NONCE_LENGTH);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] open(byte[] fileSalt, byte[] aad, byte[] sealed) throws StoreCorruptedException {
        if (sealed.length < NONCE_LENGTH + TAG_BITS / 8) {
            throw new StoreCorruptedException("record shorter than nonce and tag");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, dataKey(fileSalt),
                    new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_LENGTH));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH);
        } catch (AEADBadTagException e) {
            throw new StoreCorruptedException("record fails AES-GCM authentication");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable: " + e.getMessage(), e);
        }
    }

    /** Wipes the master key copy; the sealer is unusable afterwards. */
    public synchronized void destroy() {
        Arrays.fill(masterKey, (byte) 0);
        cachedSalt = null;
        cachedKey = null;
    }

    private synchronized SecretKeySpec dataKey(byte[] fileSalt) {
        if (cachedKey == null || !Arrays.equals(cachedSalt, fileSalt)) {
            byte[] key = hkdf(fileSalt, DATA_KEY_INFO);
            cachedKey = new SecretKeySpec(key, "AES");
            Arrays.fill(key, (byte) 0);
            cachedSalt = fileSalt.clone();
        }
        return cachedKey;
    }

    // HKDF-SHA256 (RFC 5869) for one 32-byte output block: extract with the salt, expand with info || 0x01.
    private byte[] hkdf(byte[] salt, byte[] info) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            byte[] prk = mac.doFinal(masterKey);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            Arrays.fill(prk, (byte) 0);
            mac.update(info);
            mac.update((byte) 1);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable: " + e.getMessage(), e);
        }
    }
}
