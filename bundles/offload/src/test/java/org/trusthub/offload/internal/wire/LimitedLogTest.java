package org.trusthub.offload.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** Refusal lines a caller can cause: a share per reason and window, then one line saying how many were left out. */
class LimitedLogTest {
    final List<String> lines = new ArrayList<>();
    final Logger logger = (Logger) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Logger.class},
            (p, m, args) -> {
                if (m.getName().equals("info") || m.getName().equals("warn")) {
                    lines.add(m.getName() + " " + args[0]);
                }
                return m.getReturnType() == boolean.class ? Boolean.TRUE : null;
            });
    Instant now = Instant.parse("2026-12-07T12:00:00Z");
    final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };

    @Test
    void aFloodOfOneReasonLogsItsShareThenSaysHowManyWereLeftOut() {
        LimitedLog log = new LimitedLog(logger, clock, 10, Duration.ofMinutes(1));
        for (int i = 0; i < 10_000; i++) {
            log.info("forged", "refused {}", i);
        }
        log.warn("other", "another reason has its own share");
        assertEquals(11, lines.size());
        now = now.plusSeconds(61);
        log.info("forged", "refused again");
        assertEquals(List.of("info {} more '{}' lines were left out of the log in the last {} s", "info refused again"),
                lines.subList(11, 13));
        assertTrue(lines.get(10).startsWith("warn"));
    }
}
