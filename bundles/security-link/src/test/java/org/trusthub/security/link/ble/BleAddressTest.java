package org.trusthub.security.link.ble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class BleAddressTest {

    static final byte[] IRK = HexFormat.of().parseHex("ec0234a357c8ad05341010a60a397d9b");

    @Test
    void theSampleAddressResolvesWithTheSampleIrk() {
        // Vol 3 Part H D.7: prand 0x708194, hash 0x0dfbaa -> address 70:81:94:0D:FB:AA
        BleAddress rpa = BleAddress.parse("70:81:94:0D:FB:AA", true);
        assertTrue(rpa.isResolvablePrivate());
        assertTrue(rpa.resolvesWith(IRK));
        assertFalse(BleAddress.parse("70:81:94:0D:FB:AB", true).resolvesWith(IRK));
        assertFalse(BleAddress.parse("70:81:94:0D:FB:AA", false).resolvesWith(IRK));
    }

    @Test
    void freshAddressesResolveOnlyWithTheirIrk() {
        SecureRandom random = new SecureRandom();
        BleAddress a = BleAddress.resolvable(IRK, random);
        assertTrue(a.resolvesWith(IRK));
        byte[] other = IRK.clone();
        other[0] ^= 1;
        assertFalse(a.resolvesWith(other));
    }

    @Test
    void malformedTextIsRefused() {
        assertEquals(BleSecurityException.Reason.MALFORMED,
                assertThrows(BleSecurityException.class, () -> BleAddress.parse("70:81:94", true)).reason());
    }
}
