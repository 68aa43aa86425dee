package org.trusthub.binding.bluetooth.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.trusthub.security.link.ble.BleSecurityException;

/**
 * Jazzer fuzz test of the ATT parser (regression mode in the normal build over the seeds in
 * src/test/resources/.../AttPduFuzzTestInputs): it refuses with MALFORMED only, and what it accepts encodes back.
 */
class AttPduFuzzTest {

    @FuzzTest
    void attPdu(byte[] input) {
        try {
            assertArrayEquals(input, AttPdu.parse(input).encode());
        } catch (BleSecurityException e) {
            assertEquals(BleSecurityException.Reason.MALFORMED, e.reason());
        }
    }
}
