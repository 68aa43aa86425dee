package org.trusthub.security.link.ble;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.security.auth.Destroyable;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * P-256 elliptic curve Diffie-Hellman as LE Secure Connections uses it (Vol 3 Part H 2.3.5.6): public keys are the
 * 32-octet X and Y coordinates, the DHKey is the X coordinate of the shared point. A peer key that is not on the
 * curve is refused (the invalid-curve attack on pairing, CVE-2018-5383).
 */
public final class P256 {

    private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");

    private P256() {
    }

    /** A public key: X and Y, most significant octet first. */
    public record PublicKey(byte[] x, byte[] y) {
        public PublicKey {
            if (x == null || y == null || x.length != 32 || y.length != 32) {
                throw new BleSecurityException(BleSecurityException.Reason.MALFORMED,
                        "a P-256 public key has two 32-octet coordinates");
            }
            x = x.clone();
            y = y.clone();
        }

        @Override
        public byte[] x() {
            return x.clone();
        }

        @Override
        public byte[] y() {
            return y.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PublicKey other && Arrays.equals(x, other.x) && Arrays.equals(y, other.y);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(x) * 31 + Arrays.hashCode(y);
        }

        @Override
        public String toString() {
            return "P256.PublicKey[" + new BigInteger(1, x).toString(16) + "]";
        }
    }

    /** A key pair whose private scalar stays inside; {@link #destroy()} it when pairing ends. */
    public static final class KeyPair implements Destroyable {
        private final byte[] privateKey;
        private final PublicKey publicKey;
        private volatile boolean destroyed;

        private KeyPair(byte[] privateKey, PublicKey publicKey) {
            this.privateKey = privateKey;
            this.publicKey = publicKey;
        }

        public PublicKey publicKey() {
            return publicKey;
        }

        /** The DHKey with a peer's public key, after checking that key lies on the curve. */
        public byte[] dhKey(PublicKey peer) {
            if (destroyed) {
                throw new IllegalStateException("key pair has been destroyed");
            }
            ECPoint point = decode(peer);
            ECPoint shared = point.multiply(new BigInteger(1, privateKey)).normalize();
            if (shared.isInfinity()) {
                throw new BleSecurityException(BleSecurityException.Reason.PAIRING_FAILED,
                        "the DHKey is the point at infinity");
            }
            return BigIntegers.asUnsignedByteArray(32, shared.getAffineXCoord().toBigInteger());
        }

        @Override
        public void destroy() {
            Arrays.fill(privateKey, (byte) 0);
            destroyed = true;
        }

        @Override
        public boolean isDestroyed() {
            return destroyed;
        }

        @Override
        public String toString() {
            return "P256.KeyPair[" + publicKey + ", private key redacted]";
        }
    }

    /** A fresh key pair. */
    public static KeyPair generate(SecureRandom random) {
        BigInteger n = CURVE.getN();
        BigInteger d;
        do {
            d = BigIntegers.createRandomBigInteger(256, random);
        } while (d.signum() == 0 || d.compareTo(n) >= 0);
        return fromPrivate(BigIntegers.asUnsignedByteArray(32, d));
    }

    /** The key pair of a known private key (the specification's debug keys, tests). */
    public static KeyPair fromPrivate(byte[] privateKey) {
        if (privateKey == null || privateKey.length != 32) {
            throw new IllegalArgumentException("a P-256 private key is 32 octets");
        }
        BigInteger d = new BigInteger(1, privateKey);
        if (d.signum() == 0 || d.compareTo(CURVE.getN()) >= 0) {
            throw new IllegalArgumentException("the private key is out of range");
        }
        ECPoint q = CURVE.getG().multiply(d).normalize();
        PublicKey pub = new PublicKey(BigIntegers.asUnsignedByteArray(32, q.getAffineXCoord().toBigInteger()),
                BigIntegers.asUnsignedByteArray(32, q.getAffineYCoord().toBigInteger()));
        return new KeyPair(privateKey.clone(), pub);
    }

    private static ECPoint decode(PublicKey key) {
        try {
            ECPoint p = CURVE.getCurve().validatePoint(new BigInteger(1, key.x), new BigInteger(1, key.y));
            if (p.isInfinity() || !p.isValid()) {
                throw new IllegalArgumentException("invalid point");
            }
            return p;
        } catch (IllegalArgumentException e) {
            throw new BleSecurityException(BleSecurityException.Reason.PAIRING_FAILED,
                    "the peer's public key is not a point on P-256");
        }
    }
}
