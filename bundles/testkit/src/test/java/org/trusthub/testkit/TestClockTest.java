package org.trusthub.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class TestClockTest {

    private static final Instant START = Instant.parse("2026-12-07T08:00:00Z");

    @Test
    void standsStillUntilMoved() {
        TestClock clock = new TestClock(START);
        assertEquals(START, clock.instant());
        assertEquals(START, clock.instant());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(START.plusSeconds(300), clock.instant());
        clock.set(START.minusSeconds(1));
        assertEquals(START.minusSeconds(1), clock.instant());
    }

    @Test
    void aTickingClockAdvancesAtEachReading() {
        TestClock clock = new TestClock(START, Duration.ofSeconds(1));
        assertEquals(START.plusSeconds(1), clock.instant());
        assertEquals(START.plusSeconds(2), clock.instant());
        assertEquals(START.plusSeconds(2).toEpochMilli() + 1000, clock.millis());
    }

    @Test
    void utcOnly() {
        TestClock clock = new TestClock(START);
        assertEquals(clock, clock.withZone(ZoneOffset.UTC));
        assertThrows(UnsupportedOperationException.class, () -> clock.withZone(ZoneId.of("Europe/Berlin")));
        assertThrows(IllegalArgumentException.class, () -> new TestClock(START, Duration.ofSeconds(-1)));
    }
}
