package org.trusthub.keystore.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** HKDF-SHA256 against RFC 5869 Appendix A (test cases 1 to 3) and Project Wycheproof's HKDF-SHA256 vectors. */
class HkdfTest {

    private static final HexFormat HEX = HexFormat.of();

    private static byte[] range(int from, int toExclusive) {
        byte[] b = new byte[toExclusive - from];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    private static byte[] repeat(int value, int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void rfc5869TestCase1() {
        byte[] prk = Hkdf.extract(range(0x00, 0x0d), repeat(0x0b, 22));
        assertEquals("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", HEX.formatHex(prk));
        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
                HEX.formatHex(Hkdf.expand(prk, range(0xf0, 0xfa), 42)));
    }

    @Test
    void rfc5869TestCase2() {
        byte[] prk = Hkdf.extract(range(0x60, 0xb0), range(0x00, 0x50));
        assertEquals("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244", HEX.formatHex(prk));
        assertEquals("b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                + "cc30c58179ec3e87c14c01d5c1f3434f1d87", HEX.formatHex(Hkdf.expand(prk, range(0xb0, 0x100), 82)));
    }

    @Test
    void rfc5869TestCase3EmptySaltAndInfo() {
        byte[] prk = Hkdf.extract(new byte[0], repeat(0x0b, 22));
        assertEquals("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04", HEX.formatHex(prk));
        assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
                HEX.formatHex(Hkdf.expand(prk, new byte[0], 42)));
    }

    @Test
    void refusesOutputsLongerThan255Blocks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Hkdf.expand(new byte[32], new byte[0], 8161));
        assertEquals("HKDF-SHA256 output length 8161 is out of range 0 to 8160", e.getMessage());
        assertEquals(8160, Hkdf.expand(new byte[32], new byte[0], 8160).length);
    }

    @TestFactory
    Stream<DynamicTest> wycheproofHkdfSha256() {
        Map<String, Object> file = Json.resource("/wycheproof/hkdf_sha256_test.json");
        assertEquals("HKDF-SHA-256", file.get("algorithm"));
        List<DynamicTest> tests = new ArrayList<>();
        for (Map<String, Object> group : Json.list(file.get("testGroups"))) {
            for (Map<String, Object> t : Json.list(group.get("tests"))) {
                String name = "tcId " + t.get("tcId") + " " + t.get("comment") + " (" + t.get("result") + ")";
                tests.add(DynamicTest.dynamicTest(name, () -> check(t)));
            }
        }
        assertEquals(Json.integer(file.get("numberOfTests")), tests.size());
        return tests.stream();
    }

    private static void check(Map<String, Object> t) {
        byte[] ikm = Json.hex(t.get("ikm"));
        byte[] salt = Json.hex(t.get("salt"));
        byte[] info = Json.hex(t.get("info"));
        int size = Json.integer(t.get("size"));
        switch ((String) t.get("result")) {
            case "valid" -> assertArrayEquals(Json.hex(t.get("okm")), Hkdf.derive(salt, ikm, info, size));
            case "invalid" -> assertThrows(IllegalArgumentException.class, () -> Hkdf.derive(salt, ikm, info, size));
            default -> throw new AssertionError("unexpected result " + t.get("result"));
        }
    }
}
