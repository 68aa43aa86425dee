package org.trusthub.security.app.wss.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class ExpiringReplayCacheTest {

    /** A clock the test moves. */
    private static final class Manual extends Clock {
        Instant now = Instant.parse("2026-11-29T12:00:00Z");

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
    void aSignatureValueIsAcceptedOnceWhileItsMessageCouldStillBeValid() {
        Manual clock = new Manual();
        ExpiringReplayCache signatures = new ExpiringReplayCache("signature", clock, Duration.ofMinutes(7));
        assertTrue(signatures.addIfAbsent("MEUCIQ..sig"));
        assertFalse(signatures.addIfAbsent("MEUCIQ..sig"), "the same signature again is a replay");
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertFalse(signatures.addIfAbsent("MEUCIQ..sig"), "still inside the validity window");
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertTrue(signatures.addIfAbsent("MEUCIQ..sig"), "forgotten once any message carrying it has expired");
    }

    @Test
    void wss4jEntriesKeepAtLeastTheDefaultLifetime() {
        Manual clock = new Manual();
        ExpiringReplayCache nonces = new ExpiringReplayCache("nonce", clock, Duration.ofMinutes(7));
        nonces.add("nonce-1", clock.now.plusSeconds(1));
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        assertTrue(nonces.contains("nonce-1"), "a short expiry from the sender does not shorten the cache");
        assertFalse(nonces.contains("nonce-2"));
    }

    @Test
    void expiredEntriesAreSweptWhenTheCacheGrows() {
        Manual clock = new Manual();
        ExpiringReplayCache cache = new ExpiringReplayCache("timestamp", clock, Duration.ofSeconds(10));
        for (int i = 0; i < 5000; i++) {
            cache.addIfAbsent("old-" + i);
        }
        clock.now = clock.now.plusSeconds(11);
        cache.addIfAbsent("new");
        cache.addIfAbsent("newer");
        assertTrue(cache.size() < 10, "size after sweep: " + cache.size());
    }
}
