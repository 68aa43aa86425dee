package org.trusthub.security.link.ble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** Short, long and malformed frames get a MALFORMED refusal that says what is wrong. */
class ParsersTest {

    static final HexFormat HEX = HexFormat.of();

    static String refusal(Runnable r) {
        BleSecurityException e = assertThrows(BleSecurityException.class, r::run);
        assertEquals(BleSecurityException.Reason.MALFORMED, e.reason());
        return e.getMessage();
    }

    @Test
    void dataPduHeaderAndLength() {
        assertEquals("malformed data PDU: a data PDU has a two-octet header; got 1 octets",
                refusal(() -> DataPdu.parse(new byte[] { 0x02 })));
        assertEquals("malformed data PDU: length field says 3 octets, 2 follow",
                refusal(() -> DataPdu.parse(HEX.parseHex("02030102"))));
        assertEquals("malformed data PDU: LLID 0 is reserved", refusal(() -> DataPdu.parse(HEX.parseHex("0000"))));
        assertTrue(refusal(() -> DataPdu.parse(HEX.parseHex("220100"))).contains("Constant Tone Extension"));
        DataPdu pdu = DataPdu.parse(HEX.parseHex("0e03aabbcc"));
        assertEquals(DataPdu.LLID_START, pdu.llid());
        assertTrue(pdu.nesn() && pdu.sn() && !pdu.md());
    }

    @Test
    void l2capLengthAndChannel() {
        assertTrue(refusal(() -> L2capFrame.parse(HEX.parseHex("0100"))).contains("four-octet header"));
        assertEquals("malformed L2CAP frame: length field says 2 octets, 1 follow",
                refusal(() -> L2capFrame.parse(HEX.parseHex("0200060001"))));
        L2capFrame f = L2capFrame.parse(HEX.parseHex("0100060005"));
        assertEquals(L2capFrame.CID_SMP, f.cid());
        assertArrayEquals(new byte[] { 5 }, f.payload());
    }

    @Test
    void smpLengthsAndReservedValues() {
        assertEquals("malformed SMP PDU: unknown command code 0x0", refusal(() -> SmpPdu.parse(new byte[] { 0 })));
        assertEquals("malformed SMP PDU: PAIRING_CONFIRM takes 16 parameter octets, got 15",
                refusal(() -> SmpPdu.parse(withCode(3, 15))));
        assertTrue(refusal(() -> SmpPdu.parse(HEX.parseHex("01050000100707"))).contains("IO capability 0x5"));
        assertTrue(refusal(() -> SmpPdu.parse(HEX.parseHex("01030000060707"))).contains("key size 6"));
        SmpPdu req = SmpPdu.parse(HEX.parseHex("01030009100302"));
        assertEquals(SmpPdu.AUTH_SC | SmpPdu.AUTH_BONDING, req.authReq());
    }

    @Test
    void llControlLengths() {
        assertTrue(refusal(() -> LlControlPdu.parse(new byte[] { 0x03, 1, 2 })).contains("ENC_REQ takes 22"));
        assertTrue(refusal(() -> LlControlPdu.parse(new byte[] { 0x7f })).contains("unsupported opcode 0x7f"));
        LlControlPdu req = LlControlPdu.encReq(new byte[8], 0, HEX.parseHex("ACBDCEDFE0F10213"),
                HEX.parseHex("BADCAB24"));
        LlControlPdu rsp = LlControlPdu.encRsp(HEX.parseHex("0213243546576879"), HEX.parseHex("DEAFBABE"));
        EncryptionStart start = EncryptionStart.of(LlControlPdu.parse(req.encode()), LlControlPdu.parse(rsp.encode()));
        assertEquals("24abdcbabebaafde", HEX.formatHex(start.iv()));
    }

    @Test
    void keysNeverShowInText() {
        SmpPdu pdu = SmpPdu.ofValue(SmpPdu.Code.ENCRYPTION_INFORMATION, HEX.parseHex("4C68384139F574D836BCF34E9DFB01BF"));
        assertEquals("SmpPdu[ENCRYPTION_INFORMATION, parameters redacted]", pdu.toString());
    }

    private static byte[] withCode(int code, int params) {
        byte[] b = new byte[params + 1];
        b[0] = (byte) code;
        return b;
    }
}
