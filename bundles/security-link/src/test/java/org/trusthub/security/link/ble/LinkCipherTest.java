package org.trusthub.security.link.ble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * Link-layer encryption against the Bluetooth Core Specification's LE encryption sample data (Vol 6 Part C 1): LTK
 * 4C68384139F574D836BCF34E9DFB01BF, SKDm ACBDCEDFE0F10213, SKDs 0213243546576879, IVm BADCAB24, IVs DEAFBABE; the
 * four packets of the sample (LL_START_ENC_RSP each way with counter 0, then one 27-octet data PDU each way with
 * counter 1). The expected packets were cross-checked with bluetoe's encryption tests
 * (test_tools_encryption_tests.cpp), which carry the same sample.
 */
class LinkCipherTest {

    static final HexFormat HEX = HexFormat.of();
    static final EncryptionStart SAMPLE = new EncryptionStart(HEX.parseHex("ACBDCEDFE0F10213"),
            HEX.parseHex("BADCAB24"), HEX.parseHex("0213243546576879"), HEX.parseHex("DEAFBABE"));
    static final byte[] LTK = HEX.parseHex("4C68384139F574D836BCF34E9DFB01BF");
    static final byte[] DATA_1 = HEX.parseHex("1700636465666768696a6b6c6d6e6f7071313233343536373839 30".replace(" ", ""));
    static final byte[] DATA_2 = HEX.parseHex("170037363534333231304142434445464748494a4b4c4d4e4f5051");

    @Test
    void ivIsIvmThenIvsLeastSignificantOctetFirst() {
        assertEquals("24abdcbabebaafde", HEX.formatHex(SAMPLE.iv()));
    }

    @Test
    void theFourSamplePacketsEncryptAsTheSpecificationShows() {
        LinkCipher central = LinkCipher.fromLtk(LTK, SAMPLE, LinkCipher.Role.CENTRAL);
        LinkCipher peripheral = LinkCipher.fromLtk(LTK, SAMPLE, LinkCipher.Role.PERIPHERAL);

        DataPdu startRsp1 = central.seal(DataPdu.of(DataPdu.LLID_CONTROL, new byte[] { 0x06 }));
        assertEquals("9fcda7f448", HEX.formatHex(startRsp1.payload()));
        DataPdu startRsp2 = peripheral.seal(DataPdu.of(DataPdu.LLID_CONTROL, new byte[] { 0x06 }));
        assertEquals("a34c13a415", HEX.formatHex(startRsp2.payload()));

        DataPdu data1 = central.seal(DataPdu.of(DataPdu.LLID_START, DATA_1));
        assertEquals("7a70d6641522 6df26b17839a06040559 6bd6564f796b5b9ce6ff32f75a6d33".replace(" ", ""),
                HEX.formatHex(data1.payload()));
        DataPdu data2 = peripheral.seal(DataPdu.of(DataPdu.LLID_START, DATA_2));
        assertEquals("f38881e7bd94c9c369b9a66846dd4786aa8c39ce540d0dae3adcdf89b96088", HEX.formatHex(data2.payload()));

        // and each end opens what the other sealed
        assertArrayEquals(new byte[] { 0x06 }, peripheral.open(startRsp1).payload());
        assertArrayEquals(new byte[] { 0x06 }, central.open(startRsp2).payload());
        assertArrayEquals(DATA_1, peripheral.open(data1).payload());
        assertArrayEquals(DATA_2, central.open(data2).payload());
        assertEquals(2, central.txCounter());
        assertEquals(2, central.rxCounter());
    }

    @Test
    void nonceCarriesCounterAndDirection() {
        byte[] iv = SAMPLE.iv();
        assertEquals("00000000" + "80" + "24abdcbabebaafde", HEX.formatHex(LinkCipher.nonce(0, true, iv)));
        assertEquals("ffffffff" + "7f" + "24abdcbabebaafde",
                HEX.formatHex(LinkCipher.nonce(LinkCipher.MAX_COUNTER, false, iv)));
    }

    @Test
    void aFlippedMicBitIsRefusedAndTheCounterStays() {
        LinkCipher central = LinkCipher.fromLtk(LTK, SAMPLE, LinkCipher.Role.CENTRAL);
        LinkCipher peripheral = LinkCipher.fromLtk(LTK, SAMPLE, LinkCipher.Role.PERIPHERAL);
        byte[] sealed = central.seal(DataPdu.of(DataPdu.LLID_START, DATA_1)).encode();
        sealed[sealed.length - 1] ^= 1;
        BleSecurityException e = assertThrows(BleSecurityException.class,
                () -> peripheral.open(DataPdu.parse(sealed)));
        assertEquals(BleSecurityException.Reason.MIC_FAILURE, e.reason());
        assertEquals(0, peripheral.rxCounter());
    }

    @Test
    void theWrongDirectionFailsTheMic() {
        LinkCipher central = LinkCipher.fromLtk(LTK, SAMPLE, LinkCipher.Role.CENTRAL);
        DataPdu sealed = central.seal(DataPdu.of(DataPdu.LLID_START, DATA_1));
        LinkCipher otherCentral = LinkCipher.fromLtk(LTK, SAMPLE, LinkCipher.Role.CENTRAL);
        assertEquals(BleSecurityException.Reason.MIC_FAILURE,
                assertThrows(BleSecurityException.class, () -> otherCentral.open(sealed)).reason());
    }

    @Test
    void aWrappingCounterIsRefusedBeforeAnythingIsSent() {
        byte[] sk = LeCrypto.sessionKey(LTK, SAMPLE.skdm(), SAMPLE.skds());
        LinkCipher central = new LinkCipher(sk, SAMPLE.iv(), LinkCipher.Role.CENTRAL, LinkCipher.MAX_COUNTER, 0);
        LinkCipher peripheral = new LinkCipher(sk, SAMPLE.iv(), LinkCipher.Role.PERIPHERAL, 0,
                LinkCipher.MAX_COUNTER);
        DataPdu last = central.seal(DataPdu.of(DataPdu.LLID_START, DATA_1));
        assertArrayEquals(DATA_1, peripheral.open(last).payload());
        BleSecurityException e = assertThrows(BleSecurityException.class,
                () -> central.seal(DataPdu.of(DataPdu.LLID_START, DATA_1)));
        assertEquals(BleSecurityException.Reason.COUNTER_EXHAUSTED, e.reason());
        assertEquals(LinkCipher.MAX_COUNTER + 1, central.txCounter());
        assertEquals(BleSecurityException.Reason.COUNTER_EXHAUSTED,
                assertThrows(BleSecurityException.class, () -> peripheral.open(last)).reason());
    }

    @Test
    void emptyPdusStayPlainAndTooShortCiphertextIsMalformed() {
        LinkCipher central = LinkCipher.fromLtk(LTK, SAMPLE, LinkCipher.Role.CENTRAL);
        DataPdu empty = DataPdu.of(DataPdu.LLID_CONTINUATION, new byte[0]);
        assertEquals(empty, central.seal(empty));
        assertEquals(0, central.txCounter());
        assertEquals(BleSecurityException.Reason.MALFORMED, assertThrows(BleSecurityException.class,
                () -> central.open(DataPdu.of(DataPdu.LLID_START, new byte[4]))).reason());
    }

    @Test
    void toStringHidesTheKey() {
        assertEquals("LinkCipher[CENTRAL, tx 0, rx 0, key redacted]",
                LinkCipher.fromLtk(LTK, SAMPLE, LinkCipher.Role.CENTRAL).toString());
    }
}
