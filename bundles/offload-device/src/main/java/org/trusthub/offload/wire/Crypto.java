package org.trusthub.offload.wire;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Arrays;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC3394WrapEngine;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.CCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.trusthub.offload.wire.CryptoKind;
import org.trusthub.offload.wire.OpCounter;

/**
 * The primitives the offload protocols use, each counted by kind, so the same code measures the device and the hub.
 * Bouncy Castle's lightweight API: JDK 17 has no AES-CCM, and it needs no provider registration.
 */
public final class Crypto {
    /** AES-CCM-16-64-128 (COSE alg 10): 13-byte nonce, 8-byte tag, 16-byte key. */
    public static final int CCM_NONCE = 13;
    public static final int CCM_TAG = 8;
    public static final int KEY = 16;

    private final OpCounter ops;
    private final SecureRandom random;

    public Crypto(OpCounter ops, SecureRandom random) {
        this.ops = ops;
        this.random = random;
    }

    public OpCounter ops() {
        return ops;
    }

    public byte[] random(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    public byte[] ccmSeal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) {
        ops.count(CryptoKind.SYMMETRIC);
        if (key.length != KEY || nonce.length != CCM_NONCE) {
            throw new IllegalArgumentException("AES-CCM-16-64-128 needs a 16-byte key and a 13-byte nonce");
        }
        try {
            return ccm(true, key, nonce, aad, plaintext, CCM_TAG);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("AES-CCM encryption failed", e);
        }
    }

    /** @throws InvalidCipherTextException when the tag does not verify */
    public byte[] ccmOpen(byte[] key, byte[] nonce, byte[] aad, byte[] ciphertext) throws InvalidCipherTextException {
        ops.count(CryptoKind.SYMMETRIC);
        if (ciphertext.length < CCM_TAG) {
            throw new InvalidCipherTextException("ciphertext shorter than the tag");
        }
        if (key.length != KEY || nonce.length != CCM_NONCE) {
            throw new IllegalArgumentException("AES-CCM-16-64-128 needs a 16-byte key and a 13-byte nonce");
        }
        return ccm(false, key, nonce, aad, ciphertext, CCM_TAG);
    }

    /** AES-CCM with any parameters BC takes: the one code path, exposed so tests run published vectors through it. */
    public static byte[] ccm(boolean encrypt, byte[] key, byte[] nonce, byte[] aad, byte[] in, int tagBytes)
            throws InvalidCipherTextException {
        CCMModeCipher ccm = CCMBlockCipher.newInstance(AESEngine.newInstance());
        ccm.init(encrypt, new AEADParameters(new KeyParameter(key), tagBytes * 8, nonce, aad));
        byte[] out = new byte[ccm.getOutputSize(in.length)];
        int n = ccm.processBytes(in, 0, in.length, out, 0);
        n += ccm.doFinal(out, n);
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** HMAC-SHA256 over the concatenation of {@code parts}. */
    public byte[] hmac(byte[] key, byte[]... parts) {
        ops.count(CryptoKind.SYMMETRIC);
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(key));
        for (byte[] p : parts) {
            mac.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        mac.doFinal(out, 0);
        return out;
    }

    public byte[] sha256(byte[] data) {
        ops.count(CryptoKind.HASH);
        SHA256Digest d = new SHA256Digest();
        d.update(data, 0, data.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    /** HKDF-SHA256 (RFC 5869), extract and expand; counted as one symmetric operation. */
    public byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) {
        ops.count(CryptoKind.SYMMETRIC);
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
        g.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[length];
        g.generateBytes(out, 0, length);
        return out;
    }

    /** HKDF-Expand only, from a pseudorandom key. */
    public byte[] hkdfExpand(byte[] prk, byte[] info, int length) {
        ops.count(CryptoKind.SYMMETRIC);
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
        g.init(HKDFParameters.skipExtractParameters(prk, info));
        byte[] out = new byte[length];
        g.generateBytes(out, 0, length);
        return out;
    }

    /** AES key wrap (RFC 3394) of a multiple of 8 bytes (at least 16). */
    public byte[] wrap(byte[] kek, byte[] plaintext) {
        ops.count(CryptoKind.SYMMETRIC);
        RFC3394WrapEngine w = new RFC3394WrapEngine(AESEngine.newInstance());
        w.init(true, new KeyParameter(kek));
        return w.wrap(plaintext, 0, plaintext.length);
    }

    /** @throws InvalidCipherTextException when the integrity check fails */
    public byte[] unwrap(byte[] kek, byte[] wrapped) throws InvalidCipherTextException {
        ops.count(CryptoKind.SYMMETRIC);
        RFC3394WrapEngine w = new RFC3394WrapEngine(AESEngine.newInstance());
        w.init(false, new KeyParameter(kek));
        return w.unwrap(wrapped, 0, wrapped.length);
    }

    /** A signature verification with the JCA (BC or the JDK): the public-key work a device without the hub does. */
    public boolean verifySignature(String algorithm, PublicKey key, byte[] data, byte[] signature)
            throws GeneralSecurityException {
        ops.count(CryptoKind.PUBLIC_KEY);
        Signature s = Signature.getInstance(algorithm);
        s.initVerify(key);
        s.update(data);
        return s.verify(signature);
    }

    /** Counts public-key work done by library code the caller drives (path validation: one per certificate). */
    public void countPublicKey(int operations) {
        for (int i = 0; i < operations; i++) {
            ops.count(CryptoKind.PUBLIC_KEY);
        }
    }

    /** Constant-time comparison. */
    public static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
