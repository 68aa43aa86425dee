package org.trusthub.keystore.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Project Wycheproof AES-GCM vectors with 96-bit IVs, valid and invalid, through the JCA exactly as the store's
 * {@code AesGcmSealer} uses it: {@code AES/GCM/NoPadding}, a {@link GCMParameterSpec} with the 96-bit nonce, the
 * additional data through {@code updateAAD}, ciphertext and tag as one output. (The sealer's cipher is private; the
 * keystore tests also round-trip and tamper with real store files.)
 */
class AesGcmWycheproofTest {

    @TestFactory
    Stream<DynamicTest> wycheproofAesGcm96BitIv() {
        Map<String, Object> file = Json.resource("/wycheproof/aes_gcm_test.json");
        assertEquals("AES-GCM", file.get("algorithm"));
        List<DynamicTest> tests = new ArrayList<>();
        int valid = 0;
        int invalid = 0;
        for (Map<String, Object> group : Json.list(file.get("testGroups"))) {
            if (Json.integer(group.get("ivSize")) != 96) {
                continue;
            }
            int tagBits = Json.integer(group.get("tagSize"));
            for (Map<String, Object> t : Json.list(group.get("tests"))) {
                String result = (String) t.get("result");
                if (result.equals("valid")) {
                    valid++;
                } else {
                    invalid++;
                }
                String name = "tcId " + t.get("tcId") + " " + t.get("comment") + " (" + result + ")";
                tests.add(DynamicTest.dynamicTest(name, () -> check(t, tagBits)));
            }
        }
        assertTrue(valid > 100 && invalid > 50, "expected the 96-bit IV groups, got " + valid + "/" + invalid);
        return tests.stream();
    }

    private static void check(Map<String, Object> t, int tagBits) throws Exception {
        SecretKeySpec key = new SecretKeySpec(Json.hex(t.get("key")), "AES");
        byte[] iv = Json.hex(t.get("iv"));
        byte[] aad = Json.hex(t.get("aad"));
        byte[] msg = Json.hex(t.get("msg"));
        byte[] sealed = concat(Json.hex(t.get("ct")), Json.hex(t.get("tag")));
        String result = (String) t.get("result");

        Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
        dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(tagBits, iv));
        dec.updateAAD(aad);
        if (result.equals("valid")) {
            assertArrayEquals(msg, dec.doFinal(sealed));
            Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
            enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(tagBits, iv));
            enc.updateAAD(aad);
            assertArrayEquals(sealed, enc.doFinal(msg));
        } else {
            assertEquals("invalid", result);
            assertThrows(AEADBadTagException.class, () -> dec.doFinal(sealed));
            // and encryption of the message never yields the forged ciphertext and tag
            Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
            enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(tagBits, iv));
            enc.updateAAD(aad);
            assertFalse(Arrays.equals(sealed, enc.doFinal(msg)));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
