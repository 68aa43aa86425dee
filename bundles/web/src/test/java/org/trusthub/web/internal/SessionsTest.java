package org.trusthub.web.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.trusthub.testkit.TestClock;

/** A session ends after its idle time; only requests extend it, not an open event stream's checks. */
class SessionsTest {

    final TestClock clock = new TestClock(Instant.parse("2026-12-07T18:00:00Z"));
    final Sessions sessions = new Sessions(Duration.ofMinutes(30), clock);

    @Test
    void aRequestExtendsTheSessionAndIdleTimeEndsIt() {
        Sessions.Session s = sessions.open("ada", Role.ADMIN);
        assertNotEquals(s.id, s.csrf);
        clock.advance(Duration.ofMinutes(20));
        assertTrue(sessions.find(s.id).isPresent());
        clock.advance(Duration.ofMinutes(20));
        assertTrue(sessions.find(s.id).isPresent());
        clock.advance(Duration.ofMinutes(31));
        assertFalse(sessions.find(s.id).isPresent());
    }

    @Test
    void anOpenStreamsCheckDoesNotKeepTheSessionAlive() {
        Sessions.Session s = sessions.open("ada", Role.ADMIN);
        clock.advance(Duration.ofMinutes(20));
        assertTrue(sessions.isOpen(s.id));
        clock.advance(Duration.ofMinutes(11));
        assertFalse(sessions.isOpen(s.id));
        assertFalse(sessions.find(s.id).isPresent());
    }

    @Test
    void oneAccountLoggingInOftenEndsOnlyItsOwnOldestSessions() {
        Sessions.Session ada = sessions.open("ada", Role.ADMIN);
        Sessions.Session firstVic = sessions.open("vic", Role.VIEWER);
        Sessions.Session lastVic = firstVic;
        for (int i = 0; i < Sessions.MAX_SESSIONS + 44; i++) {
            clock.advance(Duration.ofMillis(1));
            lastVic = sessions.open("vic", Role.VIEWER);
        }
        assertTrue(sessions.find(ada.id).isPresent());
        assertTrue(sessions.find(lastVic.id).isPresent());
        assertFalse(sessions.find(firstVic.id).isPresent());
    }
}
