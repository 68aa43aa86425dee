package org.trusthub.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The three failure budgets: per address, per user name, for the whole server. */
class LoginGuardTest {

    final AtomicLong now = new AtomicLong();
    final LoginGuard guard = new LoginGuard(5, 20, Duration.ofMinutes(1), now::get);

    void fail(String address, String user) {
        assertEquals(0, guard.reserve(address, user), address + " " + user);
        guard.failed(address, user);
    }

    @Test
    void manyAddressesMeetTheServersBudget() {
        for (int i = 0; i < 20; i++) {
            fail("2001:db8::" + Integer.toHexString(i), "user" + i);
        }
        assertTrue(guard.reserve("2001:db8::ffff", "someone-new") > 0);
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertEquals(0, guard.reserve("2001:db8::ffff", "someone-new"));
    }

    @Test
    void addressChurnDoesNotResetAUserNamesBudget() {
        for (int i = 0; i < 5; i++) {
            fail("2001:db8::" + i, "ada");
        }
        // Push the guessing addresses out of the address table: the user name's budget stays spent.
        for (int i = 0; i < LoginGuard.MAX_TRACKED; i++) {
            assertEquals(0, guard.reserve("2001:db8:1::" + i, "vic"));
            guard.succeeded("2001:db8:1::" + i, "vic");
        }
        assertTrue(guard.reserve("2001:db8:2::1", "ada") > 0);
        assertEquals(0, guard.reserve("2001:db8:2::1", "vic"));
    }

    @Test
    void aSuccessGivesItsReservationBack() {
        for (int i = 0; i < 10; i++) {
            assertEquals(0, guard.reserve("192.0.2.1", "ada"));
            guard.succeeded("192.0.2.1", "ada");
        }
        for (int i = 0; i < 5; i++) {
            fail("192.0.2.1", "ada");
        }
        assertTrue(guard.reserve("192.0.2.1", "ada") > 0);
    }
}
