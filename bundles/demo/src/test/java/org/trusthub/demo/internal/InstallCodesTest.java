package org.trusthub.demo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** The demo's install codes carry the CRC the hub checks, and each is new. */
class InstallCodesTest {

    @Test
    void theSpecificationsExampleGetsItsCrc() {
        byte[] code = HexFormat.of().parseHex("83FED3407A939723A5C639B26916D505");
        assertEquals("83FED3407A939723A5C639B26916D505C3B5", InstallCodes.withCrc(code));
    }

    @Test
    void freshCodesDifferAndAreWellFormed() {
        SecureRandom random = new SecureRandom();
        String a = InstallCodes.fresh(random);
        String b = InstallCodes.fresh(random);
        assertNotEquals(a, b);
        assertTrue(a.matches("[0-9A-F]{36}"), a);
        byte[] body = HexFormat.of().parseHex(a.substring(0, 32));
        assertEquals(a, InstallCodes.withCrc(body));
    }
}
