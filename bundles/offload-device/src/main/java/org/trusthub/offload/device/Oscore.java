package org.trusthub.offload.device;

import org.trusthub.offload.wire.Cbor;
import org.trusthub.offload.wire.Cose;
import org.trusthub.offload.wire.Crypto;

import com.upokecenter.cbor.CBORObject;

/** OSCORE (RFC 8613) key, common IV, nonce and AAD construction for AES-CCM-16-64-128 with HKDF-SHA256. */
final class Oscore {
    private Oscore() {
    }

    /** Sender or recipient key (RFC 8613 section 3.2.1, type "Key", 16 bytes). */
    static byte[] key(Crypto crypto, byte[] ms, byte[] salt, byte[] id, byte[] idContext) {
        return crypto.hkdf(salt, ms, info(id, idContext, "Key", Crypto.KEY), Crypto.KEY);
    }

    /** Common IV (type "IV", 13 bytes). */
    static byte[] commonIv(Crypto crypto, byte[] ms, byte[] salt, byte[] idContext) {
        return crypto.hkdf(salt, ms, info(new byte[0], idContext, "IV", Crypto.CCM_NONCE), Crypto.CCM_NONCE);
    }

    private static byte[] info(byte[] id, byte[] idContext, String type, int length) {
        CBORObject a = CBORObject.NewArray();
        a.Add(id);
        a.Add(idContext == null ? CBORObject.Null : CBORObject.FromObject(idContext));
        a.Add(Cose.ALG_AES_CCM_16_64_128);
        a.Add(type);
        a.Add(length);
        return a.EncodeToBytes();
    }

    /** Partial IV: the sequence number in as few bytes as possible (at least one). */
    static byte[] piv(long seq) {
        int n = 1;
        while (n < 5 && (seq >>> (8 * n)) != 0) {
            n++;
        }
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[n - 1 - i] = (byte) (seq >>> (8 * i));
        }
        return b;
    }

    /** Nonce (RFC 8613 section 5.2): size of ID, ID and PIV left-padded, XOR common IV. */
    static byte[] nonce(byte[] id, byte[] piv, byte[] commonIv) {
        int len = Crypto.CCM_NONCE;
        if (id.length > len - 6) {
            throw new IllegalArgumentException("OSCORE id longer than " + (len - 6) + " bytes");
        }
        byte[] n = new byte[len];
        n[0] = (byte) id.length;
        System.arraycopy(id, 0, n, len - 5 - id.length, id.length);
        System.arraycopy(piv, 0, n, len - piv.length, piv.length);
        for (int i = 0; i < len; i++) {
            n[i] ^= commonIv[i];
        }
        return n;
    }

    /** AAD: Enc_structure over external_aad = [oscore_version 1, [alg], request_kid, request_piv, options h'']. */
    static byte[] aad(byte[] kid, byte[] piv) {
        CBORObject algs = CBORObject.NewArray();
        algs.Add(Cose.ALG_AES_CCM_16_64_128);
        byte[] external = Cbor.encodeArray(1, algs, kid, piv, new byte[0]);
        return Cbor.encodeArray("Encrypt0", new byte[0], external);
    }
}
