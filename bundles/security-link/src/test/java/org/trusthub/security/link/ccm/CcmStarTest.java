package org.trusthub.security.link.ccm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.SICBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CcmStarTest {

    @Test
    void annexCVectorsProtectAndOpen() throws Exception {
        List<Object> vectors = Json.arr(Json.obj(Json.resource(getClass(), "/testvectors/ieee802154-ccm-star.json"))
                .get("vectors"));
        assertEquals(2, vectors.size());
        for (Object o : vectors) {
            Map<String, Object> v = Json.obj(o);
            byte[] key = Json.hex(v.get("key"));
            byte[] nonce = Json.hex(v.get("nonce"));
            byte[] header = Json.hex(v.get("header"));
            byte[] plain = Json.hex(v.get("plaintext"));
            byte[] output = Json.hex(v.get("output"));
            int mic = ((Long) v.get("mic_length")).intValue();
            // Level 2 (C.2.1) authenticates only; level 6 (C.2.3) also encrypts: the nonce's last byte is the level.
            boolean encrypt = (nonce[12] & 0x04) != 0;
            CcmStar ccm = new CcmStar(key);
            byte[] body = ccm.protect(nonce, mic, encrypt, header, plain);
            byte[] expectedBody = Arrays.copyOfRange(output, header.length, output.length);
            assertEquals(HexFormat.of().formatHex(expectedBody), HexFormat.of().formatHex(body), (String) v.get("name"));
            assertArrayEquals(plain, ccm.unprotect(nonce, mic, encrypt, header, expectedBody));
        }
    }

    @Test
    void aTamperedBitAnywhereFailsTheMic() throws Exception {
        CcmStar ccm = new CcmStar(new byte[16]);
        byte[] nonce = new byte[13];
        byte[] header = {1, 2, 3};
        byte[] body = ccm.protect(nonce, 8, true, header, new byte[] {9, 9, 9, 9});
        for (int i = 0; i < body.length * 8; i++) {
            byte[] t = body.clone();
            t[i / 8] ^= 1 << (i % 8);
            assertThrows(MicFailureException.class, () -> ccm.unprotect(nonce, 8, true, header, t));
        }
        byte[] otherHeader = {1, 2, 4};
        assertThrows(MicFailureException.class, () -> ccm.unprotect(nonce, 8, true, otherHeader, body));
        byte[] otherNonce = nonce.clone();
        otherNonce[12] = 1;
        assertThrows(MicFailureException.class, () -> ccm.unprotect(otherNonce, 8, true, header, body));
    }

    /** Every MIC length with encryption, against Bouncy Castle's independent AES-CCM (RFC 3610). */
    @ParameterizedTest
    @ValueSource(ints = {4, 8, 16})
    void encryptingLevelsMatchBouncyCastleCcm(int mic) throws Exception {
        Random random = new Random(mic);
        for (int round = 0; round < 50; round++) {
            byte[] key = bytes(random, 16);
            byte[] nonce = bytes(random, 13);
            byte[] a = bytes(random, random.nextInt(40));
            byte[] m = bytes(random, random.nextInt(120));
            byte[] ours = new CcmStar(key).protect(nonce, mic, true, a, m);
            assertArrayEquals(bouncyCastleCcm(key, nonce, mic, a, m), ours);
            assertArrayEquals(m, new CcmStar(key).unprotect(nonce, mic, true, a, ours));
        }
    }

    /** Authentication-only levels put the payload into the authenticated data and send it in the clear. */
    @ParameterizedTest
    @ValueSource(ints = {4, 8, 16})
    void micOnlyLevelsMatchBouncyCastleCcmOverHeaderAndPayload(int mic) throws Exception {
        Random random = new Random(100 + mic);
        for (int round = 0; round < 50; round++) {
            byte[] key = bytes(random, 16);
            byte[] nonce = bytes(random, 13);
            byte[] a = bytes(random, random.nextInt(40));
            byte[] m = bytes(random, 1 + random.nextInt(100));
            byte[] ours = new CcmStar(key).protect(nonce, mic, false, a, m);
            assertArrayEquals(m, Arrays.copyOf(ours, m.length), "payload travels in the clear");
            byte[] all = concat(a, m);
            assertArrayEquals(bouncyCastleCcm(key, nonce, mic, all, new byte[0]),
                    Arrays.copyOfRange(ours, m.length, ours.length));
            assertArrayEquals(m, new CcmStar(key).unprotect(nonce, mic, false, a, ours));
        }
    }

    /** Level 4 (encryption, no MIC): CTR mode from counter block A1, checked against Bouncy Castle's SIC mode. */
    @Test
    void encryptionOnlyLevelIsCounterModeFromA1() throws Exception {
        Random random = new Random(4);
        byte[] key = bytes(random, 16);
        byte[] nonce = bytes(random, 13);
        byte[] m = bytes(random, 77);
        byte[] ours = new CcmStar(key).protect(nonce, 0, true, new byte[] {1}, m);
        byte[] a1 = new byte[16];
        a1[0] = 0x01;
        System.arraycopy(nonce, 0, a1, 1, 13);
        a1[15] = 1;
        SICBlockCipher sic = new SICBlockCipher(AESEngine.newInstance());
        sic.init(true, new ParametersWithIV(new KeyParameter(key), a1));
        byte[] expected = new byte[m.length];
        sic.processBytes(m, 0, m.length, expected, 0);
        assertArrayEquals(expected, ours);
        assertFalse(Arrays.equals(m, ours));
        assertArrayEquals(m, new CcmStar(key).unprotect(nonce, 0, true, new byte[] {1}, ours));
    }

    @Test
    void badArgumentsAreRefusedClearly() {
        assertThrows(IllegalArgumentException.class, () -> new CcmStar(new byte[15]));
        CcmStar ccm = new CcmStar(new byte[16]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ccm.protect(new byte[12], 8, true, new byte[0], new byte[0]));
        assertTrue(e.getMessage().contains("nonce"));
        assertThrows(IllegalArgumentException.class, () -> ccm.protect(new byte[13], 6, true, new byte[0], new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> ccm.unprotect(new byte[13], 8, true, new byte[0], new byte[7]));
        ccm.destroy();
        assertTrue(ccm.isDestroyed());
        assertThrows(IllegalStateException.class, () -> ccm.protect(new byte[13], 8, true, new byte[0], new byte[0]));
        assertFalse(ccm.toString().contains("00000000"));
    }

    private static byte[] bouncyCastleCcm(byte[] key, byte[] nonce, int mic, byte[] a, byte[] m) throws Exception {
        org.bouncycastle.crypto.modes.CCMModeCipher bc = CCMBlockCipher.newInstance(AESEngine.newInstance());
        bc.init(true, new AEADParameters(new KeyParameter(key), mic * 8, nonce, a));
        byte[] out = new byte[bc.getOutputSize(m.length)];
        int n = bc.processBytes(m, 0, m.length, out, 0);
        bc.doFinal(out, n);
        return out;
    }

    static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static byte[] concat(byte[] x, byte[] y) {
        byte[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }
}
