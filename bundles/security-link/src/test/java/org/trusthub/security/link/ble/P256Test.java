package org.trusthub.security.link.ble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * P-256 ECDH against the specification's debug keys and DHKey (Vol 3 Part H 2.3.5.6.1 and Appendix D.1, the same
 * numbers as the Linux kernel's net/bluetooth/selftest.c and Zephyr's ECC tests).
 */
class P256Test {

    static final HexFormat HEX = HexFormat.of();
    static final byte[] PRIV_A = HEX.parseHex("3f49f6d4a3c55f3874c9b3e3d2103f504aff607beb40b7995899b8a6cd3c1abd");
    static final byte[] PRIV_B = HEX.parseHex("55188b3d32f6bb9a900afcfbeed4e72a59cb9ac2f19d7cfb6b4fdd49f47fc5fd");

    @Test
    void debugKeysGiveTheSampleDhKey() {
        P256.KeyPair a = P256.fromPrivate(PRIV_A);
        P256.KeyPair b = P256.fromPrivate(PRIV_B);
        assertEquals("20b003d2f297be2c5e2c83a7e9f9a5b9eff49111acf4fddbcc0301480e359de6",
                HEX.formatHex(a.publicKey().x()));
        assertEquals("dc809c49652aeb6d63329abf5a52155c766345c28fed3024741c8ed01589d28b",
                HEX.formatHex(a.publicKey().y()));
        assertEquals("1ea1f0f01faf1d9609592284f19e4c0047b58afd8615a69f559077b22faaa190",
                HEX.formatHex(b.publicKey().x()));
        assertEquals("ec0234a357c8ad05341010a60a397d9b99796b13b4f866f1868d34f373bfa698",
                HEX.formatHex(a.dhKey(b.publicKey())));
        assertArrayEquals(a.dhKey(b.publicKey()), b.dhKey(a.publicKey()));
    }

    @Test
    void freshKeysAgree() {
        SecureRandom random = new SecureRandom();
        P256.KeyPair a = P256.generate(random);
        P256.KeyPair b = P256.generate(random);
        assertArrayEquals(a.dhKey(b.publicKey()), b.dhKey(a.publicKey()));
    }

    @Test
    void aPointOffTheCurveIsRefused() {
        P256.KeyPair a = P256.fromPrivate(PRIV_A);
        byte[] y = a.publicKey().y();
        y[31] ^= 1;
        P256.PublicKey bad = new P256.PublicKey(a.publicKey().x(), y);
        BleSecurityException e = assertThrows(BleSecurityException.class, () -> a.dhKey(bad));
        assertEquals(BleSecurityException.Reason.PAIRING_FAILED, e.reason());
    }

    @Test
    void toStringHidesThePrivateKey() {
        String text = P256.fromPrivate(PRIV_A).toString();
        assertEquals(-1, text.indexOf("3f49f6d4"));
    }
}
