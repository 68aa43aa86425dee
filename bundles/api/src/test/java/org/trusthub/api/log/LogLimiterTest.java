package org.trusthub.api.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class LogLimiterTest {
    final AtomicLong now = new AtomicLong(1_000);
    final LogLimiter limiter = new LogLimiter(Duration.ofSeconds(10), 2, now::get);

    @Test
    void writesAtMostPerWindowAndThenTellsHowManyWereLeftOut() {
        assertEquals(OptionalLong.of(0), limiter.admit("bad hello"));
        assertEquals(OptionalLong.of(0), limiter.admit("bad hello"));
        for (int i = 0; i < 10_000; i++) {
            assertTrue(limiter.admit("bad hello").isEmpty());
        }
        now.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
        assertTrue(limiter.admit("bad hello").isEmpty(), "the window is not over yet");
        now.addAndGet(1);
        assertEquals(OptionalLong.of(10_001), limiter.admit("bad hello"));
        assertEquals(OptionalLong.of(0), limiter.admit("bad hello"));
        assertTrue(limiter.admit("bad hello").isEmpty());
    }

    @Test
    void reasonsAreCountedApart() {
        limiter.admit("a");
        limiter.admit("a");
        assertTrue(limiter.admit("a").isEmpty());
        assertEquals(OptionalLong.of(0), limiter.admit("b"));
    }

    @Test
    void manyReasonsShareOneBucketPastTheBound() {
        for (int i = 0; i < LogLimiter.MAX_REASONS; i++) {
            limiter.admit("r" + i);
        }
        now.addAndGet(Duration.ofSeconds(10).toNanos()); // a new window: the total budget is not what is tested here
        assertEquals(OptionalLong.of(0), limiter.admit("new-1"));
        assertEquals(OptionalLong.of(0), limiter.admit("new-2"));
        assertTrue(limiter.admit("new-3").isEmpty(), "reasons past the bound share one budget");
    }

    /** 1,024 reasons one line each would be 1,024 lines a window; together they get a budget. */
    @Test
    void allReasonsTogetherStayWithinTheirBudget() {
        int written = 0;
        for (int i = 0; i < LogLimiter.MAX_REASONS; i++) {
            written += limiter.admit("r" + i).isPresent() ? 1 : 0;
        }
        assertEquals(2 * LogLimiter.TOTAL_FACTOR, written);
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertEquals(OptionalLong.of(1), limiter.admit("r" + (LogLimiter.MAX_REASONS - 1)),
                "the next line of a reason left out for the budget counts it");
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new LogLimiter(Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> new LogLimiter(Duration.ofSeconds(1), 0));
    }
}
