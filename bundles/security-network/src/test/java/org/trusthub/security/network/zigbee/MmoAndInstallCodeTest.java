package org.trusthub.security.network.zigbee;

import org.trusthub.security.link.ccm.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MmoAndInstallCodeTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private static List<Object> installCodes() throws Exception {
        return Json.arr(Json.obj(Json.resource(MmoAndInstallCodeTest.class, "/testvectors/zigbee.json"))
                .get("install_codes"));
    }

    @Test
    void installCodeLinkKeyMatchesTheVector() throws Exception {
        Map<String, Object> v = Json.obj(installCodes().get(0));
        InstallCode code = InstallCode.parse((String) v.get("install_code") + "C3B5");
        assertEquals(v.get("link_key"), HEX.formatHex(code.linkKey()));
        assertEquals(Integer.parseInt((String) v.get("crc16_x25"), 16),
                InstallCode.crc16x25(Json.hex(v.get("install_code")), 16));
        assertEquals(v.get("link_key"), HEX.formatHex(MmoHash.hash(Json.hex(v.get("bytes_hashed")))));
        assertFalse(code.toString().contains("83FE"), "toString hides the code");
    }

    @Test
    void mmoHashMatchesTheVector() throws Exception {
        Map<String, Object> v = Json.obj(installCodes().get(1));
        assertEquals(v.get("mmo_hash"), HEX.formatHex(MmoHash.hash(Json.hex(v.get("mmo_input")))));
        // The 8-byte install code 1122334455667788 with its CRC 0xF74A is that very input.
        InstallCode code = InstallCode.parse("11:22:33:44:55:66:77:88:4A:F7");
        assertEquals(v.get("mmo_hash"), HEX.formatHex(code.linkKey()));
    }

    /**
     * ZigBee specification Annex C: the AES-MMO hash of the one-byte message C0 (C.5) and the keyed hash with key
     * 40..4F of the message C0 (C.6.1, the construction of the key-transport and key-load keys).
     */
    @Test
    void zigbeeSpecificationAnnexCHashAndKeyedHash() {
        assertEquals("AE3A102A28D43EE0D4A09E22788B206C", HEX.formatHex(MmoHash.hash(new byte[] {(byte) 0xC0})));
        byte[] key = HexFormat.of().parseHex("404142434445464748494A4B4C4D4E4F");
        assertEquals("4512807BF94CB3400F0E2C25FB76E999", HEX.formatHex(MmoHash.hmac(key, new byte[] {(byte) 0xC0})));
    }

    @Test
    void defaultTrustCenterLinkKeyIsTheAsciiText() throws Exception {
        Map<String, Object> v = Json.obj(Json.obj(Json.resource(getClass(), "/testvectors/zigbee.json"))
                .get("default_tc_link_key"));
        assertEquals(v.get("hex"), HEX.formatHex(((String) v.get("ascii")).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Test
    void mmoPaddingCoversLongMessages() {
        // 8192 bytes is 2^16 bits: the padding switches to a 32-bit length; the hash must still be 16 bytes and
        // differ from a one-byte-shorter message.
        assertEquals(16, MmoHash.hash(new byte[8192]).length);
        assertFalse(HEX.formatHex(MmoHash.hash(new byte[8192])).equals(HEX.formatHex(MmoHash.hash(new byte[8191]))));
        assertEquals(16, MmoHash.hash(new byte[0]).length);
    }

    @Test
    void keyTransportAndKeyLoadKeysDifferFromTheLinkKeyAndEachOther() {
        byte[] link = HexFormat.of().parseHex("66B6900981E1EE3CA4206B6B861C02BB");
        String transport = HEX.formatHex(KeyId.KEY_TRANSPORT_KEY.fromLinkKey(link));
        String load = HEX.formatHex(KeyId.KEY_LOAD_KEY.fromLinkKey(link));
        assertEquals(32, transport.length());
        assertFalse(transport.equals(load));
        assertFalse(transport.equals(HEX.formatHex(link)));
        assertEquals(transport, HEX.formatHex(MmoHash.hmac(link, new byte[] {0})));
    }

    @Test
    void wrongInstallCodesAreRefusedWithoutEchoingThem() {
        IllegalArgumentException crc = assertThrows(IllegalArgumentException.class,
                () -> InstallCode.parse("83FED3407A939723A5C639B26916D505C3B6"));
        assertTrue(crc.getMessage().contains("CRC"));
        assertFalse(crc.getMessage().contains("83FE"));
        assertThrows(IllegalArgumentException.class, () -> InstallCode.parse("83FED3407A93"));
        assertThrows(IllegalArgumentException.class, () -> InstallCode.parse("not hex at all"));
        assertThrows(IllegalArgumentException.class, () -> InstallCode.parse(null));
    }
}
