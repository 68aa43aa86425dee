package org.trusthub.security.app.wss.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class RefusalLogTest {

    long now = 5_000_000_000L;
    final List<String> lines = new ArrayList<>();
    final RefusalLog log = new RefusalLog(lines::add, () -> now);

    @Test
    void aFloodOfRefusalsLogsOneLinePerReasonAndIntervalAndCountsTheRest() {
        for (int i = 0; i < 100_000; i++) {
            log.refused("wsse:FailedCheck", "the signature does not hold " + i);
            log.refused("wsse:InvalidSecurity", "not signed " + i);
        }
        assertEquals(2, lines.size(), lines.toString());
        now += RefusalLog.INTERVAL_NANOS;
        log.refused("wsse:FailedCheck", "again");
        assertEquals(3, lines.size());
        assertTrue(lines.get(2).contains("99999 more refused"), lines.get(2));
    }

    @Test
    void textFromTheMessageCannotForgeLinesOrFillOne() {
        log.refused("wsse:InvalidSecurity", "element x\nINFO forged line " + "y".repeat(10_000));
        assertEquals(1, lines.size());
        assertTrue(!lines.get(0).contains("\n") && lines.get(0).length() < 400, lines.get(0));
    }
}
