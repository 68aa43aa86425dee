package org.trusthub.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Keeps records in plain text with a SHA-256 checksum over file salt, position and content: detects accidental
 * corruption of data that is not secret (it is no defence against someone who can write the file).
 */
public final class ChecksumSealer implements RecordSealer {

    /** The one instance: the sealer has no state. */
    public static final ChecksumSealer INSTANCE = new ChecksumSealer();

    private static final int DIGEST_LENGTH = 32;
    private static final byte[] KEY_CHECK = {'s', 'h', 'a', '2', '5', '6'};

    private ChecksumSealer() {
    }

    @Override
    public byte[] keyCheck(byte[] fileSalt) {
        return KEY_CHECK.clone();
    }

    @Override
    public byte[] seal(byte[] fileSalt, byte[] aad, byte[] plaintext) {
        byte[] out = Arrays.copyOf(plaintext, plaintext.length + DIGEST_LENGTH);
        System.arraycopy(digest(fileSalt, aad, plaintext, plaintext.length), 0, out, plaintext.length,
                DIGEST_LENGTH);
        return out;
    }

    @Override
    public byte[] open(byte[] fileSalt, byte[] aad, byte[] sealed) throws StoreCorruptedException {
        if (sealed.length < DIGEST_LENGTH) {
            throw new StoreCorruptedException("record shorter than its checksum");
        }
        int length = sealed.length - DIGEST_LENGTH;
        byte[] expected = digest(fileSalt, aad, sealed, length);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(sealed, length, sealed.length))) {
            throw new StoreCorruptedException("record checksum does not match");
        }
        return Arrays.copyOf(sealed, length);
    }

    private static byte[] digest(byte[] salt, byte[] aad, byte[] data, int length) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            sha.update(aad);
            sha.update(data, 0, length);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JRE", e);
        }
    }
}
