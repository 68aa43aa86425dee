package org.trusthub.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class NonceLedgerTest {

    @Test
    void aValueSeenTwiceInOneScopeIsAReuse() {
        NonceLedger ledger = new NonceLedger();
        assertTrue(ledger.record("t1 hub->thing oscore", 1));
        assertTrue(ledger.record("t1 hub->thing oscore", 2));
        // the same value under another key or direction is no reuse
        assertTrue(ledger.record("t1 thing->hub oscore", 1));
        assertTrue(ledger.record("t2 hub->thing oscore", 1));
        assertFalse(ledger.record("t1 hub->thing oscore", 1));

        assertEquals(List.of("t1 hub->thing oscore 1"), ledger.reuses());
        assertEquals(5, ledger.recorded());
        assertEquals(2, ledger.distinct("t1 hub->thing"));
        assertEquals(4, ledger.distinct(""));
    }
}
