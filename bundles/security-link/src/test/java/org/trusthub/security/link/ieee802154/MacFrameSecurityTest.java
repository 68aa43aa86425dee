package org.trusthub.security.link.ieee802154;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.link.ccm.Json;
import org.trusthub.security.link.ieee802154.FrameSecurityException.Reason;

/** Whole MAC frames of IEEE 802.15.4-2006 Annex C parsed, opened and re-secured bit for bit. */
class MacFrameSecurityTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private static Map<String, Object> vector(int i) throws Exception {
        return Json.obj(Json.arr(Json.obj(Json.resource(MacFrameSecurityTest.class,
                "/testvectors/ieee802154-ccm-star.json")).get("vectors")).get(i));
    }

    @Test
    void beaconFrameC21() throws Exception {
        Map<String, Object> v = vector(0);
        byte[] onAir = Json.hex(v.get("output"));
        MacFrame f = MacFrame.parse(onAir);
        assertEquals(MacFrame.Type.BEACON, f.type());
        assertEquals(0x84, f.sequence());
        assertEquals(0x4321, f.srcPan());
        assertEquals(MacAddress.extended(0xACDE480000000001L), f.src());
        AuxSecurityHeader aux = f.aux().orElseThrow();
        assertEquals(SecurityLevel.MIC_64, aux.level());
        assertEquals(KeyIdMode.IMPLICIT, aux.keyIdMode());
        assertEquals(5, aux.frameCounter());
        assertArrayEquals(Json.hex(v.get("nonce")), FrameCodec.nonce(f.src().value(), 5, aux.level()));

        CcmStar key = new CcmStar(Json.hex(v.get("key")));
        MacFrame opened = FrameCodec.unprotect(f, key, f.src().value());
        assertEquals("55CF000051525354", HEX.formatHex(opened.encode()).substring(opened.header().length * 2));
        MacFrame again = FrameCodec.protect(opened, aux, key, f.src().value());
        assertEquals(HEX.formatHex(onAir), HEX.formatHex(again.encode()));
    }

    @Test
    void commandFrameC23() throws Exception {
        Map<String, Object> v = vector(1);
        byte[] onAir = Json.hex(v.get("output"));
        MacFrame f = MacFrame.parse(onAir);
        assertEquals(MacFrame.Type.COMMAND, f.type());
        assertEquals(MacAddress.extended(0xACDE480000000002L), f.dst());
        assertEquals(0xFFFF, f.srcPan());
        assertEquals(SecurityLevel.ENC_MIC_64, f.aux().orElseThrow().level());
        assertArrayEquals(new byte[] {0x01}, f.openPayload(), "the command frame identifier stays in the clear");

        CcmStar key = new CcmStar(Json.hex(v.get("key")));
        MacFrame opened = FrameCodec.unprotect(f, key, f.src().value());
        assertArrayEquals(Json.hex(v.get("plaintext")), opened.privatePayload());
        assertEquals(HEX.formatHex(onAir),
                HEX.formatHex(FrameCodec.protect(opened, f.aux().orElseThrow(), key, f.src().value()).encode()));

        byte[] tampered = onAir.clone();
        tampered[tampered.length - 9] ^= 0x01; // the encrypted payload byte
        FrameSecurityException e = assertThrows(FrameSecurityException.class,
                () -> FrameCodec.unprotect(MacFrame.parse(tampered), key, f.src().value()));
        assertEquals(Reason.MIC_FAILURE, e.reason());
    }

    @ParameterizedTest
    @EnumSource(SecurityLevel.class)
    void everyLevelAndKeyIdModeRoundTrips(SecurityLevel level) throws Exception {
        if (level == SecurityLevel.NONE) {
            return;
        }
        CcmStar key = new CcmStar(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        byte[] payload = "hello, 802.15.4".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MacFrame plain = MacFrame.unsecured(MacFrame.Type.DATA, 7, 0x1234, MacAddress.shortAddress(0x0001), 0x1234,
                MacAddress.extended(0x0011223344556677L), new byte[0], payload);
        for (KeyIdMode mode : KeyIdMode.values()) {
            long source = mode == KeyIdMode.SOURCE4_INDEX ? 0xCAFEBABEL : mode == KeyIdMode.SOURCE8_INDEX ? -2L : 0;
            AuxSecurityHeader aux = new AuxSecurityHeader(level, mode, 42, source, mode == KeyIdMode.IMPLICIT ? 0 : 3);
            byte[] onAir = FrameCodec.protect(plain, aux, key, 0x0011223344556677L).encode();
            MacFrame parsed = MacFrame.parse(onAir);
            assertEquals(aux, parsed.aux().orElseThrow());
            assertEquals(level.encrypted(), !new String(onAir, java.nio.charset.StandardCharsets.ISO_8859_1)
                    .contains("hello"), "payload encrypted only at encrypting levels");
            MacFrame opened = FrameCodec.unprotect(parsed, key, 0x0011223344556677L);
            assertArrayEquals(payload, opened.privatePayload());
            assertArrayEquals(plain.encode(), opened.encode());
        }
    }

    @Test
    void malformedFramesAreRefusedWithTheirReason() {
        assertReason(Reason.MALFORMED, new byte[] {0x01});
        assertReason(Reason.MALFORMED, new byte[126]);
        // data frame, extended source, no destination, truncated source address
        assertReason(Reason.MALFORMED, new byte[] {0x01, (byte) 0xC0, 0x00, 0x34, 0x12, 1, 2});
        // reserved addressing mode 1
        assertReason(Reason.MALFORMED, new byte[] {0x01, 0x04, 0x00, 0, 0, 0, 0});
        // secured 2003 frame
        assertReason(Reason.BAD_AUX_HEADER, new byte[] {0x09, (byte) 0xC0, 0x00, 0x34, 0x12, 1, 2, 3, 4, 5, 6, 7, 8});
        // secured 2006 frame with a truncated auxiliary header
        assertReason(Reason.BAD_AUX_HEADER,
                new byte[] {0x09, (byte) 0xD0, 0x00, 0x34, 0x12, 1, 2, 3, 4, 5, 6, 7, 8, 0x05, 0, 0});
        // reserved bits in the security control field
        assertReason(Reason.BAD_AUX_HEADER,
                new byte[] {0x09, (byte) 0xD0, 0x00, 0x34, 0x12, 1, 2, 3, 4, 5, 6, 7, 8, (byte) 0xE5, 0, 0, 0, 0});
        // key identifier mode 3 without its 9 bytes
        assertReason(Reason.BAD_AUX_HEADER,
                new byte[] {0x09, (byte) 0xD0, 0x00, 0x34, 0x12, 1, 2, 3, 4, 5, 6, 7, 8, 0x1D, 0, 0, 0, 0, 1, 2});
        // MIC-128 frame too short for its MIC
        assertReason(Reason.MALFORMED,
                new byte[] {0x09, (byte) 0xD0, 0x00, 0x34, 0x12, 1, 2, 3, 4, 5, 6, 7, 8, 0x07, 0, 0, 0, 0, 1, 2});
    }

    private static void assertReason(Reason reason, byte[] frame) {
        FrameSecurityException e = assertThrows(FrameSecurityException.class, () -> MacFrame.parse(frame));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().length() > reason.name().length() + 5, "the message says what is wrong");
    }
}
