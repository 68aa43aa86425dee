package org.trusthub.security.wss.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.trusthub.security.wss.internal.ReplayWindow.Outcome;

class ReplayWindowTest {

    /** A clock the test moves. */
    static final class Manual extends Clock {
        volatile Instant now = Instant.parse("2026-11-29T12:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aMessageIsAcceptedOnceWhileItCouldStillBeAcceptedAndForgottenAfter() {
        Manual clock = new Manual();
        ReplayWindow window = new ReplayWindow(clock, 10);
        Instant until = clock.now.plus(Duration.ofMinutes(5));
        assertEquals(Outcome.FRESH, window.record("hub-a", clock.now, until, List.of("ts-1")));
        assertEquals(Outcome.REPLAYED, window.record("hub-a", clock.now, until, List.of("ts-1")));
        clock.now = until;
        assertEquals(Outcome.REPLAYED, window.record("hub-a", clock.now, until, List.of("ts-1")), "still acceptable at until");
        clock.now = until.plusMillis(1);
        assertEquals(0, window.size(), "gone once its message would be refused as stale");
        assertEquals(0, window.owners());
    }

    @Test
    void theSameIdentifierFromAnotherSenderIsAnotherMessage() {
        Manual clock = new Manual();
        ReplayWindow window = new ReplayWindow(clock, 10);
        Instant until = clock.now.plusSeconds(60);
        assertEquals(Outcome.FRESH, window.record("hub-a", clock.now, until, List.of("ts-1")));
        assertEquals(Outcome.FRESH, window.record("hub-b", clock.now, until, List.of("ts-1")));
    }

    @Test
    void aMessageIsRecordedWhollyOrNotAtAll() {
        Manual clock = new Manual();
        ReplayWindow window = new ReplayWindow(clock, 10);
        Instant until = clock.now.plusSeconds(60);
        assertEquals(Outcome.FRESH, window.record("lamp-1", clock.now, until, List.of("ts-1", "nonce-1")));
        // A fresh Timestamp around a used UsernameToken nonce is a replay, and the fresh Timestamp is not kept.
        assertEquals(Outcome.REPLAYED, window.record("lamp-1", clock.now, until, List.of("ts-2", "nonce-1")));
        assertEquals(Outcome.FRESH, window.record("lamp-1", clock.now, until, List.of("ts-2", "nonce-2")));
        assertEquals(4, window.size());
    }

    @Test
    void aSenderFloodingItsOwnShareBlocksOnlyItself() {
        Manual clock = new Manual();
        ReplayWindow window = new ReplayWindow(clock, 100_000);
        Instant until = clock.now.plusSeconds(300);
        for (int i = 0; i < 100_000; i++) {
            assertEquals(Outcome.FRESH, window.record("flooder", clock.now, until, List.of("ts-" + i)));
        }
        assertEquals(Outcome.OWNER_FULL, window.record("flooder", clock.now, until, List.of("ts-next")));
        assertEquals(Outcome.FRESH, window.record("hub-a", clock.now, until, List.of("ts-0")), "another sender is not blocked");
        assertEquals(Outcome.REPLAYED, window.record("hub-a", clock.now, until, List.of("ts-0")));
        clock.now = until.plusMillis(1);
        assertEquals(Outcome.FRESH, window.record("flooder", clock.now, clock.now.plusSeconds(300), List.of("ts-next")),
                "room again once its messages left the window");
        assertEquals(1, window.size());
        assertEquals(1, window.owners());
    }

    @Test
    void entriesLeaveInTheOrderTheyExpireWhateverOrderTheyCameIn() {
        Manual clock = new Manual();
        ReplayWindow window = new ReplayWindow(clock, 10);
        Instant start = clock.now;
        window.record("a", clock.now, start.plusSeconds(30), List.of("late"));
        window.record("a", clock.now, start.plusSeconds(10), List.of("early"));
        window.record("b", clock.now, start.plusSeconds(20), List.of("middle"));
        clock.now = start.plusSeconds(11);
        assertEquals(2, window.size());
        assertEquals(Outcome.FRESH, window.record("a", clock.now, start.plusSeconds(40), List.of("early")));
        assertEquals(Outcome.REPLAYED, window.record("a", clock.now, start.plusSeconds(40), List.of("late")));
        clock.now = start.plusSeconds(21);
        assertEquals(1, window.owners(), "b left with its last entry");
    }

    @Test
    void aMessageCreatedBeforeTheWindowWasMadeIsRefused() {
        Manual clock = new Manual();
        clock.now = clock.now.plusNanos(400_000);
        ReplayWindow window = new ReplayWindow(clock, 10);
        Instant until = clock.now.plusSeconds(300);
        // A restarted component's window does not know what its predecessor accepted in the last 300 s.
        assertEquals(Outcome.BEFORE_START, window.record("hub-a", clock.now.minusSeconds(1), until, List.of("ts-1")));
        assertEquals(0, window.size());
        assertEquals(Outcome.FRESH, window.record("hub-a", clock.now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                until, List.of("ts-1")), "Created is written in milliseconds: the same millisecond is not older");
    }

    @Test
    void aMessageIsNotTakenOnceTheEndOfItsAcceptanceHasPassed() {
        Manual clock = new Manual();
        ReplayWindow window = new ReplayWindow(clock, 10);
        Instant until = clock.now.plusSeconds(60);
        clock.now = until;
        assertEquals(Outcome.FRESH, window.record("hub-a", until.minusSeconds(60), until, List.of("ts-1")));
        // The replay's freshness was checked at until; it reaches the window a nanosecond later, when the first
        // entry is gone. It must not be taken as new.
        clock.now = until.plusNanos(1);
        assertEquals(Outcome.STALE, window.record("hub-a", until.minusSeconds(60), until, List.of("ts-1")));
        assertEquals(0, window.size());
    }

    @Test
    void aShareOfNothingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(new Manual(), 0));
    }
}
