package org.trusthub.security.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The rule syntax: what reads, its canonical form, and a refusal naming the field for what does not. */
class RuleTest {

    @Test
    void everyVerbReadsAndWritesBackTheSame() {
        for (String r : List.of("protect * coap in confidentiality", "protect lamp-1 zigbee in confidentiality/end-to-end",
                "protect @kitchen * both integrity", "protect lamp-1 dpws out none", "read * lamp-1 level on",
                "write @kitchen lamp-1 *", "token keypad-1 lock-1 read unlock", "token * * *", "pair lamp-1 sensor-1")) {
            assertEquals(r, Rule.parse(r).toString());
        }
    }

    @Test
    void canonicalFormHasSingleSpacesSortedWordsAndLowerCaseProtection() {
        assertEquals("read a b level on", Rule.parse("  read\ta   b on level ").toString());
        assertEquals("protect * coap in confidentiality/end-to-end",
                Rule.parse("protect * coap in Confidentiality/End-To-End").toString());
        assertEquals(Rule.parse("token a b y x"), Rule.parse("token a b x y"));
    }

    private static String refusal(String rule) {
        return assertThrows(IllegalArgumentException.class, () -> Rule.parse(rule)).getMessage();
    }

    @Test
    void badRulesNameTheField() {
        assertTrue(refusal("allow a b").startsWith("field 1 (verb): 'allow'"), refusal("allow a b"));
        assertTrue(refusal("protect * Mqtt in none").startsWith("field 3 (protocol): 'Mqtt' is not a protocol name"));
        assertTrue(refusal("protect * co@p in none").startsWith("field 3 (protocol): 'co@p' is not a protocol name"));
        assertTrue(refusal("protect * coap sideways none").startsWith("field 4 (direction)"));
        assertTrue(refusal("protect * coap in secret").startsWith("field 5 (protection): unknown protection level"));
        assertTrue(refusal("protect * coap in none/end-to-end").startsWith("field 5 (protection)"));
        assertTrue(refusal("protect Lamp coap in none").startsWith("field 2 (subject): 'Lamp' is not a thing id"));
        assertTrue(refusal("read @Kitchen b *").startsWith("field 2 (caller): '@Kitchen' is not a group name"));
        assertTrue(refusal("write a -b *").startsWith("field 3 (target)"));
        assertTrue(refusal("read a b On").startsWith("field 4 (property): 'On'"));
        assertTrue(refusal("read a b on Level").startsWith("field 5 (property)"));
        assertTrue(refusal("read a b on *").contains("write it alone"));
        assertTrue(refusal("token a b x;y").startsWith("field 4 (scope)"));
        assertTrue(refusal("pair a").startsWith("2 fields, exactly 3 wanted: write pair THING PEER"));
        assertTrue(refusal("pair a b c").startsWith("4 fields, exactly 3"));
        assertTrue(refusal("protect * coap in").startsWith("4 fields, exactly 5"));
        assertTrue(refusal("read a b").startsWith("3 fields, at least 4"));
        assertTrue(refusal("token a b").startsWith("3 fields, at least 4"));
        assertEquals("the rule is empty", refusal("  "));
    }

    @Test
    void controlCharactersAreRefusedAndNeverEchoed() {
        String m = refusal("pair a\u001b[31m b");
        assertTrue(m.startsWith("field 2: character 2 is not printable ASCII (U+001B)"), m);
        assertFalse(m.chars().anyMatch(c -> c < 0x20 || c == 0x7f));
        assertTrue(refusal("pair a b\u0085").contains("U+0085"));
        assertTrue(refusal("pair lamp\u00e9 b").contains("not printable ASCII"));
    }
}
