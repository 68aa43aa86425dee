package org.trusthub.api.thing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ThingIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"lamp-1", "zigbee:00124b0001abcdef", "a", "sensor.kitchen_2", "0"})
    void acceptsWellFormedIds(String text) {
        assertEquals(text, ThingId.of(text).value());
        assertTrue(ThingId.isValid(text));
    }

    @Test
    void emptyIdIsRefusedNamingTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThingId.of(""));
        assertEquals("malformed thing id: it is empty", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ThingId.of(null));
    }

    @Test
    void overlongIdIsRefusedWithItsLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThingId.of("a".repeat(65)));
        assertTrue(e.getMessage().contains("65 characters"), e.getMessage());
        assertEquals(64, ThingId.of("a".repeat(64)).value().length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Lamp", "-lamp", "lamp 1", "lamp/1", "lämp", ".hidden", "a\nb"})
    void malformedIdsAreRefused(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThingId.of(text));
        assertTrue(e.getMessage().startsWith("malformed thing id"), e.getMessage());
        assertFalse(ThingId.isValid(text));
    }

    @Test
    void controlCharactersAreEscapedInTheErrorSoTheyCannotForgeLogLines() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ThingId.of("a\nINFO forged"));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("\\u000a"), e.getMessage());
    }

    @Test
    void equalityAndOrderFollowTheText() {
        ThingId parsed = ThingId.of("b");
        ThingId parsedAgain = ThingId.of("b");
        assertNotSame(parsed, parsedAgain);
        assertEquals(parsed, parsedAgain);
        assertEquals(parsed.hashCode(), parsedAgain.hashCode());
        assertNotEquals(parsed, ThingId.of("c"));
        assertTrue(ThingId.of("a").compareTo(ThingId.of("b")) < 0);
    }
}
