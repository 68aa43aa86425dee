package org.trusthub.api.keystore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The one decision two windows over one keystore mark take: each refuses what the other took. */
class ReplayMarksGuardTest {
    /** The keystore's mark: advances only upwards, as {@link KeyCounters#advanceReplayMark}. */
    final AtomicLong mark = new AtomicLong(-1);

    boolean accept(ReplayMarks.Guard guard, long counter) {
        return guard.accept(counter, mark::get, c -> {
            if (c <= mark.get()) {
                return false;
            }
            mark.set(c);
            return true;
        });
    }

    @Test
    void aWindowAloneLeavesOutOfOrderNumbersBelowItsOwnMarkToItsWindow() {
        ReplayMarks.Guard only = new ReplayMarks.Guard(mark.get());
        assertTrue(accept(only, 10));
        assertTrue(accept(only, 8), "below the mark it set itself: its window decides");
        assertEquals(10, mark.get());
    }

    @Test
    void whatTheOtherWindowTookIsRefusedAboveAndBelowOnesOwnNewest() {
        ReplayMarks.Guard old = new ReplayMarks.Guard(mark.get());
        ReplayMarks.Guard fresh = new ReplayMarks.Guard(mark.get());
        assertTrue(accept(fresh, 0));
        assertTrue(accept(old, 5));
        assertTrue(fresh.refuses(5, mark.get()), "told before the frame is verified");
        assertFalse(accept(fresh, 5), "the mark did not advance: the other took it");
        assertTrue(accept(fresh, 6));
        assertFalse(accept(fresh, 5));
        assertFalse(accept(fresh, 3), "below a mark another moved: refused as after a restart");
        assertEquals(5, fresh.floor());
        assertFalse(accept(old, 6), "and the other way round");
        assertFalse(fresh.refuses(7, mark.get()));
    }
}
