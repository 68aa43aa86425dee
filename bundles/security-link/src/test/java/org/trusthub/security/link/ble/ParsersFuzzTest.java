package org.trusthub.security.link.ble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz tests of every BLE frame parser here. In the normal build they run in regression mode over the seeds in
 * src/test/resources/.../ParsersFuzzTestInputs; with JAZZER_FUZZ=1 they fuzz. A parser may only refuse with
 * {@link BleSecurityException} (MALFORMED), and what it accepts must encode back to the same octets.
 */
class ParsersFuzzTest {

    @FuzzTest
    void dataPdu(byte[] input) {
        try {
            assertArrayEquals(input, DataPdu.parse(input).encode());
        } catch (BleSecurityException e) {
            assertEquals(BleSecurityException.Reason.MALFORMED, e.reason());
        }
    }

    @FuzzTest
    void l2capFrame(byte[] input) {
        try {
            assertArrayEquals(input, L2capFrame.parse(input).encode());
        } catch (BleSecurityException e) {
            assertEquals(BleSecurityException.Reason.MALFORMED, e.reason());
        }
    }

    @FuzzTest
    void smpPdu(byte[] input) {
        try {
            SmpPdu pdu = SmpPdu.parse(input);
            assertArrayEquals(input, pdu.encode());
            if (pdu.code() == SmpPdu.Code.PAIRING_PUBLIC_KEY) {
                assertEquals(pdu, SmpPdu.publicKey(pdu.publicKey()));
            }
        } catch (BleSecurityException e) {
            assertEquals(BleSecurityException.Reason.MALFORMED, e.reason());
        }
    }

    @FuzzTest
    void llControlPdu(byte[] input) {
        try {
            assertArrayEquals(input, LlControlPdu.parse(input).encode());
        } catch (BleSecurityException e) {
            assertEquals(BleSecurityException.Reason.MALFORMED, e.reason());
        }
    }

    /** Arbitrary octets offered to an encrypted session: refused (never delivered, never an unexpected exception). */
    @FuzzTest
    void encryptedSessionReceive(FuzzedDataProvider data) {
        LinkSession session = new LinkSession(LinkCipher.fromLtk(LinkCipherTest.LTK, LinkCipherTest.SAMPLE,
                LinkCipher.Role.PERIPHERAL), null);
        byte[] air = data.consumeRemainingAsBytes();
        try {
            DataPdu pdu = session.receive(air);
            // only an empty PDU (never encrypted) can pass without the key
            assertEquals(0, pdu.length());
        } catch (BleSecurityException e) {
            assertEquals(0, session.rxCounter());
        }
    }
}
