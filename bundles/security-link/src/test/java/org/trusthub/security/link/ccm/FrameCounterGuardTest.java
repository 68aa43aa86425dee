package org.trusthub.security.link.ccm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.trusthub.security.link.ccm.FrameCounterGuard.Verdict;

class FrameCounterGuardTest {

    @Test
    void acceptsOnlyIncreasingCountersPerSource() {
        FrameCounterGuard<String> g = new FrameCounterGuard<>();
        assertEquals(Verdict.FRESH, g.check("a", 0));
        assertTrue(g.commit("a", 0));
        assertEquals(Verdict.REPLAYED, g.check("a", 0));
        assertFalse(g.commit("a", 0));
        assertTrue(g.commit("a", 5));
        assertEquals(Verdict.REPLAYED, g.check("a", 3));
        assertEquals(Verdict.FRESH, g.check("b", 3), "sources are independent");
        assertEquals(5, g.lastAccepted("a"));
    }

    @Test
    void checkingDoesNotMoveTheCounter() {
        FrameCounterGuard<String> g = new FrameCounterGuard<>();
        g.commit("a", 10);
        assertEquals(Verdict.FRESH, g.check("a", 1_000_000));
        assertEquals(10, g.lastAccepted("a"));
    }

    @Test
    void wrappedCounterIsRefused() {
        FrameCounterGuard<String> g = new FrameCounterGuard<>();
        assertEquals(Verdict.WRAPPED, g.check("a", 0xFFFFFFFFL));
        assertFalse(g.commit("a", 0xFFFFFFFFL));
        assertEquals(-1, g.lastAccepted("a"));
        assertTrue(g.commit("a", FrameCounterGuard.MAX_COUNTER));
    }
}
