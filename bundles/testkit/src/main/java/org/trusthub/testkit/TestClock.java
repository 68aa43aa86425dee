package org.trusthub.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock the test moves: by hand ({@link #set}, {@link #advance}), and optionally by a fixed tick at each reading,
 * so that every reading differs (a journal's timestamps, a history's order). Safe to read from several threads.
 */
public final class TestClock extends Clock {

    private final Duration tick;
    private Instant now;

    /** A clock standing at {@code start} until the test moves it. */
    public TestClock(Instant start) {
        this(start, Duration.ZERO);
    }

    /** A clock that advances by {@code tick} at each reading, the first reading being {@code start + tick}. */
    public TestClock(Instant start, Duration tick) {
        this.now = Objects.requireNonNull(start, "start");
        if (tick.isNegative()) {
            throw new IllegalArgumentException("tick must not be negative, not " + tick);
        }
        this.tick = tick;
    }

    /** Moves the clock to {@code instant} (backwards too, to test what a clock step does). */
    public synchronized void set(Instant instant) {
        now = Objects.requireNonNull(instant, "instant");
    }

    /** Moves the clock forward by {@code duration}. */
    public synchronized void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public synchronized Instant instant() {
        now = now.plus(tick);
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** Always UTC: a test clock in another zone would be a second clock. */
    @Override
    public Clock withZone(ZoneId zone) {
        if (!ZoneOffset.UTC.equals(zone)) {
            throw new UnsupportedOperationException("a TestClock is in UTC only, not " + zone);
        }
        return this;
    }
}
