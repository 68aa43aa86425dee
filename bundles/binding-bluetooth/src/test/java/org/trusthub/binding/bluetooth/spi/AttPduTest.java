package org.trusthub.binding.bluetooth.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.trusthub.security.link.ble.BleSecurityException;

class AttPduTest {

    static String refusal(String hex) {
        BleSecurityException e = assertThrows(BleSecurityException.class,
                () -> AttPdu.parse(HexFormat.of().parseHex(hex)));
        assertEquals(BleSecurityException.Reason.MALFORMED, e.reason());
        return e.getMessage();
    }

    @Test
    void shortAndUnknownPdusAreRefused() {
        assertEquals("malformed ATT PDU: empty PDU", refusal(""));
        assertEquals("malformed ATT PDU: Read Request is 3 octets, got 2", refusal("0a03"));
        assertEquals("malformed ATT PDU: opcode 0x1b needs a handle", refusal("1b03"));
        assertEquals("malformed ATT PDU: handle 0x0000 is invalid", refusal("1b0000ff"));
        assertEquals("malformed ATT PDU: unsupported opcode 0x52", refusal("52030001"));
    }

    @Test
    void temperatureIsSignedHundredths() {
        assertEquals(-4.5, Gatt.temperature(Gatt.temperature(-4.5)));
        assertEquals(21.5, Gatt.temperature(new byte[] { 0x66, 0x08 }));
        assertEquals(BleSecurityException.Reason.MALFORMED,
                assertThrows(BleSecurityException.class, () -> Gatt.temperature(new byte[3])).reason());
    }
}
