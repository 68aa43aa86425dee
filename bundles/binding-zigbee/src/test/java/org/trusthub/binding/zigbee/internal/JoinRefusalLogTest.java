package org.trusthub.binding.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class JoinRefusalLogTest {

    @Test
    void oneLinePerReasonPerIntervalThenHowManyWereHeldBack() {
        AtomicLong now = new AtomicLong(1_000);
        JoinRefusalLog log = new JoinRefusalLog(10_000, now::get);
        assertEquals(0, log.admit("refused"));
        assertEquals(-1, log.admit("refused"));
        assertEquals(-1, log.admit("refused"));
        assertEquals(0, log.admit("not-commissioned"), "another reason has its own window");
        now.addAndGet(9_999);
        assertEquals(-1, log.admit("refused"));
        now.addAndGet(1);
        assertEquals(3, log.admit("refused"), "the next line says how many were held back");
        assertEquals(-1, log.admit("refused"));
    }
}
