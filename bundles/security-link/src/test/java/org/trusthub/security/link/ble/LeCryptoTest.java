package org.trusthub.security.link.ble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * The pairing and address functions against the Bluetooth Core Specification's sample data, Vol 3 Part H Appendix D
 * (D.1 P-256 debug keys and DHKey, D.2 f4, D.3 f5, D.4 f6, D.5 g2, D.7 ah) and Appendix C.1 (legacy c1, s1). All values
 * are in the specification's notation (most significant octet first). The same values, in wire order, are in Zephyr's
 * SMP self test (subsys/bluetooth/host/smp.c: smp_f4_test, smp_f5_test, smp_f6_test, smp_g2_test), which we checked
 * them against.
 */
class LeCryptoTest {

    static final HexFormat HEX = HexFormat.of();

    // D.2-D.5 inputs
    static final byte[] U = hex("20b003d2f297be2c5e2c83a7e9f9a5b9eff49111acf4fddbcc0301480e359de6");
    static final byte[] V = hex("55188b3d32f6bb9a900afcfbeed4e72a59cb9ac2f19d7cfb6b4fdd49f47fc5fd");
    static final byte[] N1 = hex("d5cb8454d177733effffb2ec712baeab");
    static final byte[] N2 = hex("a6e8e7cc25a75f6e216583f7ff3dc4cf");
    static final byte[] DHKEY = hex("ec0234a357c8ad05341010a60a397d9b99796b13b4f866f1868d34f373bfa698");
    static final byte[] A1 = hex("0056123737bfce");
    static final byte[] A2 = hex("00a713702dcfc1");

    static byte[] hex(String s) {
        return HEX.parseHex(s.replace(" ", ""));
    }

    @Test
    void aesCmacMatchesRfc4493Example2() {
        assertEquals("070a16b46b4d4144f79bdd9dd04a287c", HEX.formatHex(LeCrypto.aesCmac(
                hex("2b7e151628aed2a6abf7158809cf4f3c"), hex("6bc1bee22e409f96e93d7e117393172a"))));
    }

    @Test
    void f4MatchesSampleDataD2() {
        assertEquals("f2c916f107a9bd1cf1eda1bea974872d", HEX.formatHex(LeCrypto.f4(U, V, N1, 0)));
    }

    @Test
    void f5MatchesSampleDataD3() {
        LeCrypto.F5 keys = LeCrypto.f5(DHKEY, N1, N2, A1, A2);
        assertEquals("2965f176a1084a02fd3f6a20ce636e20", HEX.formatHex(keys.macKey()));
        assertEquals("69867911 69d7cd23 980522b5 94750a38".replace(" ", ""), HEX.formatHex(keys.ltk()));
    }

    @Test
    void f6MatchesSampleDataD4() {
        byte[] macKey = hex("2965f176a1084a02fd3f6a20ce636e20");
        byte[] r = hex("12a3343bb453bb5408da42d20c2d0fc8");
        byte[] ioCap = hex("010102");
        assertEquals("e3c473989cd0e8c5d26c0b09da958f61",
                HEX.formatHex(LeCrypto.f6(macKey, N1, N2, r, ioCap, A1, A2)));
    }

    @Test
    void g2MatchesSampleDataD5() {
        long g2 = LeCrypto.g2(U, V, N1, N2);
        assertEquals(0x2f9ed5baL, g2);
        assertEquals(0x2f9ed5baL % 1_000_000, g2 % 1_000_000);
    }

    @Test
    void ahMatchesSampleDataD7() {
        assertEquals(0x0dfbaa, LeCrypto.ah(hex("ec0234a357c8ad05341010a60a397d9b"), 0x708194));
    }

    @Test
    void c1AndS1MatchLegacySampleDataC1() {
        byte[] k = new byte[16];
        byte[] c1 = LeCrypto.c1(k, hex("5783D52156AD6F0E6388274EC6702EE0"), hex("07071000000101"),
                hex("05000800000302"), 1, 0, hex("A1A2A3A4A5A6"), hex("B1B2B3B4B5B6"));
        assertEquals("1e1e3fef878988ead2a74dc5bef13b86", HEX.formatHex(c1));
        byte[] s1 = LeCrypto.s1(k, hex("000F0E0D0C0B0A091122334455667788"), hex("010203040506070899AABBCCDDEEFF00"));
        assertEquals("9a1fe1f0e8b0f49b5b4216ae796da062", HEX.formatHex(s1));
    }

    @Test
    void sessionKeyMatchesLeEncryptionSampleData() {
        // Vol 6 Part C 1: LTK, SKDm, SKDs -> SK
        byte[] sk = LeCrypto.sessionKey(hex("4C68384139F574D836BCF34E9DFB01BF"), hex("ACBDCEDFE0F10213"),
                hex("0213243546576879"));
        assertEquals("99ad1b5226a37e3e058e3b8e27c2c666", HEX.formatHex(sk));
    }

    @Test
    void wrongLengthsAreRefusedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LeCrypto.f4(new byte[31], V, N1, 0));
        assertEquals("U must be 32 octets, not 31", e.getMessage());
    }
}
