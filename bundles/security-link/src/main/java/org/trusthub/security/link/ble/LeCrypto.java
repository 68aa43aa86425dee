package org.trusthub.security.link.ble;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The Bluetooth Core security functions (Vol 3 Part H 2.2), with every value in the specification's notation: the
 * most significant octet first, as the sample data prints it. Wire order (least significant octet first) is the
 * business of the PDU classes. Stateless and thread-safe.
 */
public final class LeCrypto {

    /** The "btle" key ID of f5. */
    private static final byte[] KEY_ID = { 0x62, 0x74, 0x6c, 0x65 };
    /** The salt of f5 (Vol 3 Part H 2.2.7). */
    private static final byte[] F5_SALT = hex("6c888391aaf5a53860370bdb5a6083be");

    private LeCrypto() {
    }

    /** The security function e: AES-128 of one block. */
    public static byte[] e(byte[] key, byte[] plaintext) {
        check(key, 16, "key");
        check(plaintext, 16, "plaintext");
        org.bouncycastle.crypto.BlockCipher aes = AESEngine.newInstance();
        aes.init(true, new KeyParameter(key));
        byte[] out = new byte[16];
        aes.processBlock(plaintext, 0, out, 0);
        return out;
    }

    /** AES-CMAC (RFC 4493) as the pairing functions use it. */
    public static byte[] aesCmac(byte[] key, byte[] message) {
        check(key, 16, "key");
        CMac mac = new CMac(AESEngine.newInstance());
        mac.init(new KeyParameter(key));
        mac.update(message, 0, message.length);
        byte[] out = new byte[16];
        mac.doFinal(out, 0);
        return out;
    }

    /** The confirm value generation function f4(U, V, X, Z) of LE Secure Connections. */
    public static byte[] f4(byte[] u, byte[] v, byte[] x, int z) {
        check(u, 32, "U");
        check(v, 32, "V");
        check(x, 16, "X");
        return aesCmac(x, ByteBuffer.allocate(65).put(u).put(v).put((byte) z).array());
    }

    /** MacKey and LTK from f5(W, N1, N2, A1, A2). */
    public record F5(byte[] macKey, byte[] ltk) {
        @Override
        public String toString() {
            return "F5[redacted]";
        }
    }

    /**
     * The key generation function f5 of LE Secure Connections.
     *
     * @param w the 32-octet DHKey
     * @param a1 the initiator's address: its type (0 public, 1 random) then the six address octets
     * @param a2 the responder's address, likewise
     */
    public static F5 f5(byte[] w, byte[] n1, byte[] n2, byte[] a1, byte[] a2) {
        check(w, 32, "W");
        check(n1, 16, "N1");
        check(n2, 16, "N2");
        check(a1, 7, "A1");
        check(a2, 7, "A2");
        byte[] t = aesCmac(F5_SALT, w);
        byte[] macKey = aesCmac(t, f5Message(0, n1, n2, a1, a2));
        byte[] ltk = aesCmac(t, f5Message(1, n1, n2, a1, a2));
        Arrays.fill(t, (byte) 0);
        return new F5(macKey, ltk);
    }

    private static byte[] f5Message(int counter, byte[] n1, byte[] n2, byte[] a1, byte[] a2) {
        return ByteBuffer.allocate(53).put((byte) counter).put(KEY_ID).put(n1).put(n2).put(a1).put(a2)
                .putShort((short) 256).array();
    }

    /** The check value generation function f6(W, N1, N2, R, IOcap, A1, A2). */
    public static byte[] f6(byte[] w, byte[] n1, byte[] n2, byte[] r, byte[] ioCap, byte[] a1, byte[] a2) {
        check(w, 16, "W");
        check(n1, 16, "N1");
        check(n2, 16, "N2");
        check(r, 16, "R");
        check(ioCap, 3, "IOcap");
        check(a1, 7, "A1");
        check(a2, 7, "A2");
        return aesCmac(w, ByteBuffer.allocate(65).put(n1).put(n2).put(r).put(ioCap).put(a1).put(a2).array());
    }

    /** The numeric comparison value g2(U, V, X, Y): a 32-bit value, shown to users modulo 10^6. */
    public static long g2(byte[] u, byte[] v, byte[] x, byte[] y) {
        check(u, 32, "U");
        check(v, 32, "V");
        check(x, 16, "X");
        check(y, 16, "Y");
        byte[] mac = aesCmac(x, ByteBuffer.allocate(80).put(u).put(v).put(y).array());
        return ByteBuffer.wrap(mac, 12, 4).getInt() & 0xFFFFFFFFL;
    }

    /** The random address hash function ah(k, r): the 24-bit hash of a resolvable private address. */
    public static int ah(byte[] irk, int prand) {
        check(irk, 16, "IRK");
        byte[] block = new byte[16];
        block[13] = (byte) (prand >>> 16);
        block[14] = (byte) (prand >>> 8);
        block[15] = (byte) prand;
        byte[] out = e(irk, block);
        return ((out[13] & 0xFF) << 16) | ((out[14] & 0xFF) << 8) | (out[15] & 0xFF);
    }

    /**
     * The legacy pairing confirm value c1(k, r, preq, pres, iat, rat, ia, ra). Kept so legacy pairing can be run
     * when configuration allows it; LE Secure Connections never uses it.
     */
    public static byte[] c1(byte[] k, byte[] r, byte[] preq, byte[] pres, int iat, int rat, byte[] ia, byte[] ra) {
        check(k, 16, "k");
        check(r, 16, "r");
        check(preq, 7, "preq");
        check(pres, 7, "pres");
        check(ia, 6, "ia");
        check(ra, 6, "ra");
        byte[] p1 = ByteBuffer.allocate(16).put(pres).put(preq).put((byte) (rat & 1)).put((byte) (iat & 1)).array();
        byte[] p2 = ByteBuffer.allocate(16).putInt(0).put(ia).put(ra).array();
        byte[] step = e(k, xor(r, p1));
        return e(k, xor(step, p2));
    }

    /** The legacy short term key s1(k, r1, r2): the low halves of r1 and r2, encrypted. */
    public static byte[] s1(byte[] k, byte[] r1, byte[] r2) {
        check(k, 16, "k");
        check(r1, 16, "r1");
        check(r2, 16, "r2");
        byte[] r = ByteBuffer.allocate(16).put(r1, 8, 8).put(r2, 8, 8).array();
        return e(k, r);
    }

    /**
     * The link-layer session key SK = e(LTK, SKD) with SKD = SKDs || SKDm (Vol 6 Part E 5.1.3).
     *
     * @param skdm the central's 8-octet session key diversifier, most significant octet first
     * @param skds the peripheral's, likewise
     */
    public static byte[] sessionKey(byte[] ltk, byte[] skdm, byte[] skds) {
        check(ltk, 16, "LTK");
        check(skdm, 8, "SKDm");
        check(skds, 8, "SKDs");
        return e(ltk, ByteBuffer.allocate(16).put(skds).put(skdm).array());
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    /** The octets in the other order (specification notation to wire order and back). */
    public static byte[] reverse(byte[] in) {
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[in.length - 1 - i];
        }
        return out;
    }

    static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    private static void check(byte[] value, int length, String name) {
        if (value == null || value.length != length) {
            throw new IllegalArgumentException(name + " must be " + length + " octets, not "
                    + (value == null ? "null" : value.length));
        }
    }
}
