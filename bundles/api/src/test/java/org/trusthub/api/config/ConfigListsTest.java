package org.trusthub.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ConfigListsTest {

    @Test
    void separatedEntriesInOneValueAreTheShippedSyntax() {
        assertEquals(List.of("eth0", "wlan0"), ConfigLists.entries(new String[] {" eth0 , wlan0,"}, ','));
        assertEquals(List.of("lamp-1: sign encrypt", "legacy-2: plain"),
                ConfigLists.entries(new String[] {"lamp-1: sign encrypt; legacy-2: plain"}, ';'));
        assertEquals(List.of(), ConfigLists.entries(new String[] {""}, ','));
        assertEquals(List.of(), ConfigLists.entries(null, ','));
    }

    @Test
    void arrayElementsAndTheLiteralTypedListTextAreReadAlike() {
        // a typed .cfg delivers an array; a .cfg with one untyped value delivers the bracketed text as a String
        List<String> expected = List.of("lamp-1: sign, encrypt", "legacy-2: plain");
        assertEquals(expected, ConfigLists.entries(new String[] {"lamp-1: sign, encrypt", "legacy-2: plain"}, ';'));
        assertEquals(expected,
                ConfigLists.entries(new String[] {"[\"lamp-1: sign, encrypt\", \"legacy-2: plain\"]"}, ';'));
        assertEquals(List.of("a\"b", "c"), ConfigLists.entries(new String[] {"[ \"a\\\"b\" ,\"c\" ]"}, ','));
        assertEquals(List.of(), ConfigLists.entries(new String[] {"[]"}, ','));
    }

    @Test
    void aBracketedValueThatIsNoListIsRefused() {
        for (String bad : List.of("[lamp-1: sign]", "[\"a\" \"b\"]", "[\"a\"", "[\"a\"] x", "[\"a\",]")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConfigLists.entries(new String[] {bad}, ','), bad);
            assertTrue(e.getMessage().contains("not a list of quoted strings"), e.getMessage());
        }
    }

    @Test
    void quotedEntriesWithoutBracketsAreRefusedNotPassedOnWithTheirQuotes() {
        for (String bad : List.of("\"eth0\", \"wlan0\"", "eth0, 'wlan0'", "lamp-1: sign\"")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConfigLists.entries(new String[] {bad}, ','), bad);
            assertTrue(e.getMessage().contains("is quoted"), e.getMessage());
        }
        // inside a bracketed list the quotes are the list's own
        assertEquals(List.of("eth0"), ConfigLists.entries(new String[] {"[\"eth0\"]"}, ','));
    }

    @Test
    void theSeparatorCannotBeEscaped() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLists.entries(new String[] {"lamp-1: sign\\; encrypt"}, ';'));
        assertTrue(e.getMessage().contains("cannot be escaped"), e.getMessage());
    }

    @Test
    void whitespaceAndEmptyEntriesAroundSeparatorsAreDropped() {
        assertEquals(List.of("a", "b"), ConfigLists.entries(new String[] {" ,a ,, \t b , ", null, "  "}, ','));
    }

    @Test
    void aLongRefusedValueIsShownCutShort() {
        String bad = "[" + "x".repeat(200);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLists.entries(new String[] {bad}, ','));
        assertTrue(e.getMessage().length() < 140, e.getMessage());
    }
}
