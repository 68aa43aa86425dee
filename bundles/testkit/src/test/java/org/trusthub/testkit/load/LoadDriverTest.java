package org.trusthub.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.trusthub.testkit.Await;

class LoadDriverTest {

    /** A hub holding one value per thing in memory; it can go away and come back, and forget what it held. */
    static final class FakeHubChannel implements LoadChannel {
        final AtomicLong stored = new AtomicLong();
        final AtomicLong sends = new AtomicLong();
        volatile boolean away;
        volatile boolean refusesWrites;
        volatile boolean acceptsReplays;
        volatile long recorded;

        @Override
        public String protocol() {
            return "fake";
        }

        @Override
        public String thing() {
            return "thing-1";
        }

        @Override
        public boolean send(long sequence) {
            sends.incrementAndGet();
            if (away || refusesWrites) {
                return false;
            }
            stored.set(sequence);
            recorded = sequence;
            return true;
        }

        @Override
        public long held() {
            if (away) {
                throw new IllegalStateException("away");
            }
            return stored.get();
        }

        @Override
        public Boolean replay() {
            return recorded == 0 ? null : acceptsReplays;
        }
    }

    @Test
    void countsAcknowledgedMessagesTheHubNoLongerHoldsAsLost() throws Exception {
        FakeHubChannel hub = new FakeHubChannel();
        try (LoadDriver driver = new LoadDriver(Duration.ZERO).add(hub)) {
            driver.start();
            Await.until("some traffic", () -> driver.total().acknowledged() >= 20);
            driver.check();
            assertEquals(0, driver.total().lost());

            // A swap loses the last three acknowledged messages; the hub takes no writes until the read-back.
            LoadDriver.Swap swap = driver.begin("forget");
            hub.away = true;
            long unanswered = driver.total().unanswered();
            Await.until("a message unanswered", () -> driver.total().unanswered() > unanswered);
            hub.stored.addAndGet(-3);
            driver.end(swap);
            hub.refusesWrites = true;
            hub.away = false;
            driver.check();
            assertEquals(3, driver.total().lost(), driver.report());
            assertTrue(driver.report().contains("fake"), driver.report());
        }
    }

    @Test
    void aLossFoundByTwoChecksCountsOnce() throws Exception {
        FakeHubChannel hub = new FakeHubChannel();
        try (LoadDriver driver = new LoadDriver(Duration.ZERO).add(hub)) {
            driver.start();
            Await.until("some traffic", () -> driver.total().acknowledged() >= 20);
            hub.refusesWrites = true;
            long unanswered = driver.total().unanswered();
            Await.until("a message unanswered", () -> driver.total().unanswered() > unanswered);
            driver.check();
            // verified held at that check, lost after it: still lost, once
            hub.stored.addAndGet(-2);
            driver.check();
            driver.check();
            assertEquals(2, driver.total().lost(), driver.report());
        }
    }

    @Test
    void heldValuesNeverCountTwice() throws Exception {
        FakeHubChannel hub = new FakeHubChannel();
        try (LoadDriver driver = new LoadDriver(Duration.ZERO).add(hub)) {
            driver.start();
            Await.until("some traffic", () -> driver.total().acknowledged() >= 10);
            driver.check();
            driver.check();
            assertEquals(0, driver.total().lost(), driver.report());
            assertEquals(List.of("fake"), List.copyOf(driver.tallies().keySet()));
        }
    }

    @Test
    void aGapSpansTheMessagesThatWentUnanswered() throws Exception {
        FakeHubChannel hub = new FakeHubChannel();
        try (LoadDriver driver = new LoadDriver(Duration.ZERO).add(hub)) {
            driver.start();
            Await.until("some traffic", () -> driver.total().acknowledged() >= 10);
            LoadDriver.Swap swap = driver.begin("away");
            hub.away = true;
            long unansweredBefore = driver.total().unanswered();
            Await.until("two unanswered messages", () -> driver.total().unanswered() >= unansweredBefore + 2);
            LoadDriver.Swap ended = driver.end(swap);
            assertFalse(driver.answeredSince(ended));
            assertEquals(1, driver.silentSince(ended).size());
            assertThrows(IllegalStateException.class, () -> driver.gaps(ended));
            hub.away = false;
            Await.until("traffic again", () -> driver.answeredSince(ended));

            LoadDriver.Gap gap = driver.gaps(ended).get(0);
            assertEquals("away", gap.swap());
            assertTrue(gap.unanswered() >= 2, gap.toString());
            // two retries 50 ms apart at least: the gap covers them, and the swap's own duration
            assertTrue(gap.gap().compareTo(Duration.ofNanos(ended.endedNanos() - ended.beganNanos())) >= 0,
                    gap.toString());
            assertTrue(gap.gap().compareTo(gap.toFirstSuccess()) >= 0, gap.toString());
        }
    }

    @Test
    void replaysAreCountedAsTheHubAnsweredThem() throws Exception {
        FakeHubChannel hub = new FakeHubChannel();
        try (LoadDriver driver = new LoadDriver(Duration.ZERO).add(hub)) {
            driver.start();
            Await.until("some traffic", () -> driver.total().acknowledged() >= 3);
            driver.check();
            hub.acceptsReplays = true;
            driver.check();
            LoadDriver.Tally t = driver.total();
            assertEquals(1, t.replaysRefused(), driver.report());
            assertEquals(1, t.replaysAccepted(), driver.report());
        }
    }

    @Test
    void channelsAreAddedBeforeTheStartOnly() {
        try (LoadDriver driver = new LoadDriver(Duration.ZERO)) {
            assertThrows(IllegalStateException.class, driver::start);
            driver.add(new FakeHubChannel()).start();
            assertThrows(IllegalStateException.class, () -> driver.add(new FakeHubChannel()));
            assertThrows(IllegalArgumentException.class, () -> driver.end(driver.end(driver.begin("x"))));
        }
        assertThrows(IllegalArgumentException.class, () -> new LoadDriver(Duration.ofMillis(-1)));
    }
}
