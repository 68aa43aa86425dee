package org.trusthub.offload.wire;

import java.util.Arrays;

import org.bouncycastle.crypto.InvalidCipherTextException;

import com.upokecenter.cbor.CBORObject;
import com.upokecenter.cbor.CBORType;

/**
 * The two COSE (RFC 9052) structures the offload protocols use, with the algorithms fixed, so nothing on the wire
 * negotiates an algorithm: COSE_Encrypt0 with AES-CCM-16-64-128 (alg 10) and COSE_Mac0 with HMAC 256/64 (alg 4,
 * the same 64-bit tag strength as the AEAD). The key id ({@code kid}) names the thing whose key protects it.
 */
public final class Cose {
    public static final int TAG_ENCRYPT0 = 16;
    public static final int TAG_MAC0 = 17;
    public static final int ALG_AES_CCM_16_64_128 = 10;
    public static final int ALG_HMAC_256_64 = 4;
    private static final int H_ALG = 1;
    private static final int H_KID = 4;
    private static final int H_IV = 5;
    private static final int MAC_TAG = 8;

    private static final byte[] PROTECTED_ENCRYPT0 = protectedHeader(ALG_AES_CCM_16_64_128);
    private static final byte[] PROTECTED_MAC0 = protectedHeader(ALG_HMAC_256_64);

    private Cose() {
    }

    private static byte[] protectedHeader(int alg) {
        CBORObject m = CBORObject.NewMap();
        m.Add(H_ALG, alg);
        return m.EncodeToBytes();
    }

    /** A parsed COSE_Encrypt0 or COSE_Mac0, not yet checked. */
    public record Parsed(byte[] protectedHeader, byte[] kid, byte[] iv, byte[] content, byte[] tag) {
    }

    // ----------------------------------------------------------------------------------------------- Encrypt0

    public static byte[] encrypt0(Crypto crypto, byte[] key, byte[] kid, byte[] externalAad, byte[] plaintext) {
        byte[] iv = crypto.random(Crypto.CCM_NONCE);
        byte[] ct = crypto.ccmSeal(key, iv, encStructure(PROTECTED_ENCRYPT0, externalAad), plaintext);
        CBORObject unprotected = CBORObject.NewMap();
        unprotected.Add(H_KID, kid);
        unprotected.Add(H_IV, iv);
        CBORObject msg = CBORObject.NewArray();
        msg.Add(PROTECTED_ENCRYPT0);
        msg.Add(unprotected);
        msg.Add(ct);
        return CBORObject.FromObjectAndTag(msg, TAG_ENCRYPT0).EncodeToBytes();
    }

    public static Parsed parseEncrypt0(byte[] bytes, String what) {
        CBORObject o = Cbor.decode(bytes, what);
        return parseEncrypt0(o, what);
    }

    public static Parsed parseEncrypt0(CBORObject o, String what) {
        if (o.isTagged() && (!o.HasMostOuterTag(TAG_ENCRYPT0) || o.getTagCount() != 1)) {
            throw WireException.malformed(what + " is not a COSE_Encrypt0");
        }
        CBORObject a = Cbor.array(o.UntagOne(), 3, what);
        byte[] prot = Cbor.bytes(a.get(0), what + " protected header");
        checkAlg(prot, ALG_AES_CCM_16_64_128, what);
        CBORObject unprot = Cbor.map(a.get(1), what + " unprotected header");
        byte[] kid = Cbor.bytes(unprot, H_KID, what + " kid");
        byte[] iv = Cbor.bytes(unprot, H_IV, what + " IV");
        if (iv.length != Crypto.CCM_NONCE) {
            throw WireException.malformed(what + " IV must be " + Crypto.CCM_NONCE + " bytes");
        }
        return new Parsed(prot, kid, iv, Cbor.bytes(a.get(2), what + " ciphertext"), null);
    }

    /** @throws org.trusthub.api.offload.OffloadException FORGED when the tag does not verify under the key */
    public static byte[] decrypt0(Crypto crypto, byte[] key, Parsed p, byte[] externalAad, String what) {
        try {
            return crypto.ccmOpen(key, p.iv(), encStructure(p.protectedHeader(), externalAad), p.content());
        } catch (InvalidCipherTextException e) {
            throw WireException.forged(what + " does not decrypt under the expected key");
        }
    }

    private static byte[] encStructure(byte[] prot, byte[] externalAad) {
        return Cbor.encodeArray("Encrypt0", prot, externalAad);
    }

    // --------------------------------------------------------------------------------------------------- Mac0

    public static byte[] mac0(Crypto crypto, byte[] key, byte[] kid, byte[] externalAad, byte[] payload) {
        byte[] tag = Arrays.copyOf(crypto.hmac(key, macStructure(PROTECTED_MAC0, externalAad, payload)), MAC_TAG);
        CBORObject unprotected = CBORObject.NewMap();
        unprotected.Add(H_KID, kid);
        CBORObject msg = CBORObject.NewArray();
        msg.Add(PROTECTED_MAC0);
        msg.Add(unprotected);
        msg.Add(payload);
        msg.Add(tag);
        return CBORObject.FromObjectAndTag(msg, TAG_MAC0).EncodeToBytes();
    }

    public static Parsed parseMac0(byte[] bytes, String what) {
        CBORObject o = Cbor.decode(bytes, what);
        if (o.isTagged() && (!o.HasMostOuterTag(TAG_MAC0) || o.getTagCount() != 1)) {
            throw WireException.malformed(what + " is not a COSE_Mac0");
        }
        CBORObject a = Cbor.array(o.UntagOne(), 4, what);
        byte[] prot = Cbor.bytes(a.get(0), what + " protected header");
        checkAlg(prot, ALG_HMAC_256_64, what);
        CBORObject unprot = Cbor.map(a.get(1), what + " unprotected header");
        byte[] kid = Cbor.bytes(unprot, H_KID, what + " kid");
        byte[] payload = Cbor.bytes(a.get(2), what + " payload");
        byte[] tag = Cbor.bytes(a.get(3), what + " tag");
        return new Parsed(prot, kid, null, payload, tag);
    }

    /** @throws org.trusthub.api.offload.OffloadException FORGED when the tag does not verify under the key */
    public static byte[] verifyMac0(Crypto crypto, byte[] key, Parsed p, byte[] externalAad, String what) {
        byte[] expected = Arrays.copyOf(crypto.hmac(key, macStructure(p.protectedHeader(), externalAad, p.content())),
                MAC_TAG);
        if (!Crypto.equal(expected, p.tag())) {
            throw WireException.forged(what + " MAC does not verify under the expected key");
        }
        return p.content();
    }

    private static byte[] macStructure(byte[] prot, byte[] externalAad, byte[] payload) {
        return Cbor.encodeArray("MAC0", prot, externalAad, payload);
    }

    private static void checkAlg(byte[] prot, int alg, String what) {
        CBORObject h = Cbor.map(Cbor.decode(prot, what + " protected header"), what + " protected header");
        CBORObject a = h.get(CBORObject.FromObject(H_ALG));
        if (h.size() != 1 || a == null || a.getType() != CBORType.Integer || !a.CanValueFitInInt32()
                || a.AsInt32Value() != alg) {
            throw WireException.malformed(what + " must use COSE algorithm " + alg + " and nothing else");
        }
    }
}
