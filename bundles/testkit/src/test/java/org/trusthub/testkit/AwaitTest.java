package org.trusthub.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class AwaitTest {

    private static final Duration SHORT = Duration.ofMillis(50);

    @Test
    void returnsOnceTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();
        Await.until("the third poll", () -> polls.incrementAndGet() == 3);
        assertEquals(3, polls.get());
    }

    @Test
    void returnsTheFirstAcceptedValue() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        assertEquals(4, Await.until("a value over 3", Duration.ofSeconds(30), polls::incrementAndGet, v -> v > 3));
        assertEquals("x", Await.nonNull("a value", () -> polls.incrementAndGet() > 5 ? "x" : null));
    }

    @Test
    void aTimeoutNamesWhatWasAwaitedAndTheLastValueSeen() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> Await.until("the lamp to report on", SHORT, () -> "off", "on"::equals));
        assertEquals("gave up after 50 ms awaiting the lamp to report on; last value seen: off", e.getMessage());

        AssertionError b = assertThrows(AssertionError.class, () -> Await.until("never", SHORT, () -> false));
        assertEquals("gave up after 50 ms awaiting never; last value seen: false", b.getMessage());
    }

    @Test
    void retriedFailuresAreRetriedAndTheLastIsTheTimeoutsCause() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        assertEquals("ready", Await.until("the command", Duration.ofSeconds(30), () -> {
            if (polls.incrementAndGet() < 3) {
                throw new AssertionError("Command not found");
            }
            return "ready";
        }, v -> true, e -> e.getMessage().contains("not found")));

        IOException cause = new IOException("connection refused");
        AssertionError e = assertThrows(AssertionError.class, () -> Await.until("the server", SHORT, () -> {
            throw cause;
        }, v -> true, IOException.class::isInstance));
        assertEquals("gave up after 50 ms awaiting the server; last failure: java.io.IOException: connection refused",
                e.getMessage());
        assertSame(cause, e.getCause());
    }

    @Test
    void otherFailuresAreThrownAtOnce() {
        AtomicInteger polls = new AtomicInteger();
        IllegalStateException broken = new IllegalStateException("broken");
        assertSame(broken, assertThrows(IllegalStateException.class, () -> Await.until("anything",
                Duration.ofSeconds(30), () -> {
                    polls.incrementAndGet();
                    throw broken;
                }, v -> true, IOException.class::isInstance)));
        assertEquals(1, polls.get());
    }

    @Test
    void aLongLastValueIsCut() {
        String big = "y".repeat(5000);
        AssertionError e = assertThrows(AssertionError.class, () -> Await.until("short", SHORT, () -> big,
                v -> false));
        assertTrue(e.getMessage().endsWith("... (5000 characters)"), e.getMessage());
        assertTrue(e.getMessage().length() < 2200, "length " + e.getMessage().length());
    }

    @Test
    void aTimeoutThatIsNotPositiveIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Await.until("x", Duration.ZERO, () -> true));
    }

    @Test
    void anInterruptEndsTheWaitAndKeepsTheFlag() {
        Thread.currentThread().interrupt();
        try {
            AssertionError e = assertThrows(AssertionError.class, () -> Await.until("never", () -> false));
            assertEquals("interrupted while awaiting never", e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
