package org.trusthub.api.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProtectionTest {

    @Test
    void aStrongerLevelSatisfiesAWeakerOneButHopByHopNeverSatisfiesEndToEnd() {
        Protection hopConf = Protection.confidentiality();
        Protection e2eIntegrity = Protection.integrity().endToEnd();
        assertTrue(hopConf.satisfies(Protection.integrity()));
        assertTrue(hopConf.satisfies(Protection.NONE));
        assertFalse(Protection.integrity().satisfies(hopConf));
        assertFalse(hopConf.satisfies(e2eIntegrity));
        assertTrue(Protection.confidentiality().endToEnd().satisfies(e2eIntegrity));
        assertFalse(Protection.NONE.satisfies(Protection.integrity()));
        assertTrue(Protection.NONE.satisfies(Protection.NONE));
    }

    @Test
    void parseReadsWhatToStringWrites() {
        for (Protection p : new Protection[] {Protection.NONE, Protection.integrity(), Protection.confidentiality(),
                Protection.integrity().endToEnd(), Protection.confidentiality().endToEnd()}) {
            assertEquals(p, Protection.parse(p.toString()));
        }
        assertEquals(Protection.confidentiality(), Protection.parse(" Confidentiality/hop-by-hop "));
    }

    @Test
    void badTextNamesWhatIsWrongAndEchoesNoControlCharacters() {
        IllegalArgumentException level = assertThrows(IllegalArgumentException.class,
                () -> Protection.parse("secret\u001b[31m"));
        assertTrue(level.getMessage().contains("unknown protection level"), level.getMessage());
        assertFalse(level.getMessage().contains("\u001b"), level.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Protection.parse("integrity/sideways"))
                .getMessage().contains("reach"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Protection.parse("none/end-to-end"))
                .getMessage().contains("none"));
        assertThrows(IllegalArgumentException.class, () -> Protection.parse(" "));
    }
}
