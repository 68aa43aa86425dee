package org.trusthub.offload.device;

import org.trusthub.offload.wire.OpCounter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.security.SecureRandom;
import java.util.HexFormat;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.junit.jupiter.api.Test;
import org.trusthub.offload.wire.Crypto;

import com.upokecenter.cbor.CBORObject;

/** The primitives against published vectors: Wycheproof AES-CCM, RFC 3394 key wrap, RFC 8613 OSCORE derivation. */
class VectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private final Crypto crypto = new Crypto(new OpCounter(), new SecureRandom());

    @Test
    void aesCcmWycheproofAes128() throws Exception {
        CBORObject doc;
        try (InputStream in = getClass().getResourceAsStream("/wycheproof/aes_ccm_test.json")) {
            doc = CBORObject.FromJSONBytes(in.readAllBytes());
        }
        int checked = 0;
        CBORObject groups = doc.get("testGroups");
        for (int g = 0; g < groups.size(); g++) {
            CBORObject group = groups.get(g);
            if (group.get("keySize").AsInt32Value() != 128) {
                continue;
            }
            int tagBytes = group.get("tagSize").AsInt32Value() / 8;
            int ivBits = group.get("ivSize").AsInt32Value();
            if (ivBits < 56 || ivBits > 104 || tagBytes < 4) {
                continue; // CCM's nonce is 7 to 13 bytes; Wycheproof's invalid-size cases test argument checks
            }
            CBORObject tests = group.get("tests");
            for (int t = 0; t < tests.size(); t++) {
                CBORObject v = tests.get(t);
                byte[] key = HEX.parseHex(v.get("key").AsString());
                byte[] iv = HEX.parseHex(v.get("iv").AsString());
                byte[] aad = HEX.parseHex(v.get("aad").AsString());
                byte[] msg = HEX.parseHex(v.get("msg").AsString());
                byte[] ctTag = HEX.parseHex(v.get("ct").AsString() + v.get("tag").AsString());
                String result = v.get("result").AsString();
                String id = "tcId " + v.get("tcId").AsInt32Value();
                if ("valid".equals(result)) {
                    assertArrayEquals(ctTag, Crypto.ccm(true, key, iv, aad, msg, tagBytes), id);
                    assertArrayEquals(msg, Crypto.ccm(false, key, iv, aad, ctTag, tagBytes), id);
                } else if ("invalid".equals(result)) {
                    assertThrows(Exception.class, () -> Crypto.ccm(false, key, iv, aad, ctTag, tagBytes), id);
                }
                checked++;
            }
        }
        assertTrue(checked > 100, "checked " + checked);
    }

    @Test
    void aesKeyWrapRfc3394Section41() throws Exception {
        byte[] kek = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
        byte[] key = HEX.parseHex("00112233445566778899aabbccddeeff");
        byte[] wrapped = HEX.parseHex("1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5");
        assertArrayEquals(wrapped, crypto.wrap(kek, key));
        assertArrayEquals(key, crypto.unwrap(kek, wrapped));
        wrapped[3] ^= 1;
        assertThrows(InvalidCipherTextException.class, () -> crypto.unwrap(kek, wrapped));
    }

    @Test
    void oscoreDerivationRfc8613AppendixC11() {
        byte[] ms = HEX.parseHex("0102030405060708090a0b0c0d0e0f10");
        byte[] salt = HEX.parseHex("9e7ca92223786340");
        assertEquals("f0910ed7295e6ad4b54fc793154302ff",
                HEX.formatHex(Oscore.key(crypto, ms, salt, new byte[0], null)));
        assertEquals("ffb14e093c94c9cac9471648b4f98710",
                HEX.formatHex(Oscore.key(crypto, ms, salt, new byte[] {1}, null)));
        assertEquals("4622d4dd6d944168eefb54987c", HEX.formatHex(Oscore.commonIv(crypto, ms, salt, null)));
    }

    @Test
    void oscoreNonceRfc8613AppendixC4() {
        // C.4: client sender id h'', PIV 0x14, common IV 4622d4dd6d944168eefb54987c -> nonce 4622d4dd6d944168eefb549868
        byte[] iv = HEX.parseHex("4622d4dd6d944168eefb54987c");
        assertEquals("4622d4dd6d944168eefb549868", HEX.formatHex(Oscore.nonce(new byte[0], new byte[] {0x14}, iv)));
    }
}
