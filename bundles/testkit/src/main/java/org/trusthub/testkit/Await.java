package org.trusthub.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Waits for something to become true by polling it until a deadline: the one way tests wait, instead of fixed sleeps
 * or loops of their own. Polls soon at first (10 ms), then less often (up to every 200 ms). A timeout fails with an
 * {@link AssertionError} naming what was awaited, how long, and the last value or failure seen.
 *
 * <pre>{@code
 * Await.until("the CoAP binding", () -> !context.getServiceReferences(ProtocolBinding.class, filter).isEmpty());
 * String bonds = Await.until("trusthub:ble-bonds answering", Duration.ofSeconds(60),
 *         () -> shell.run("trusthub:ble-bonds"), out -> out.contains("bond(s)"), AssertionError.class::isInstance);
 * }</pre>
 */
public final class Await {

    /** How long {@link #until(String, BooleanSupplier)} and the other methods without a timeout wait. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final long FIRST_PAUSE_MILLIS = 10;
    private static final long MAX_PAUSE_MILLIS = 200;

    /** What is polled; may throw, see {@link #until(String, Duration, Probe, Predicate, Predicate)}. */
    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    private Await() {
    }

    /** Waits up to {@link #DEFAULT_TIMEOUT} for {@code condition}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT_TIMEOUT, condition);
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @throws AssertionError when it does not within {@code timeout} (or the thread is interrupted)
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        try {
            until(what, timeout, condition::getAsBoolean, Boolean.TRUE::equals, e -> false);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("unreachable: a BooleanSupplier throws no checked exception", e);
        }
    }

    /** Waits up to {@link #DEFAULT_TIMEOUT} for {@code probe} to give a value other than null, and returns it. */
    public static <T> T nonNull(String what, Probe<T> probe) throws Exception {
        return until(what, DEFAULT_TIMEOUT, probe, Objects::nonNull, e -> false);
    }

    /** Waits until {@code probe} gives a value {@code done} accepts, and returns it; the probe's failures fail. */
    public static <T> T until(String what, Duration timeout, Probe<T> probe, Predicate<? super T> done)
            throws Exception {
        return until(what, timeout, probe, done, e -> false);
    }

    /**
     * Polls {@code probe} until it gives a value {@code done} accepts, and returns that value.
     *
     * @param what     what is awaited, for the failure message ("the CoAP binding to come up")
     * @param retryOn  which failures of the probe mean "not yet" (polled again; the last one is the timeout's cause);
     *                 any other failure is thrown at once
     * @throws AssertionError when no value is accepted within {@code timeout}, naming the last value or failure seen
     * @throws Exception      a failure of the probe that {@code retryOn} does not accept
     */
    public static <T> T until(String what, Duration timeout, Probe<T> probe, Predicate<? super T> done,
            Predicate<? super Throwable> retryOn) throws Exception {
        Objects.requireNonNull(what, "what");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = FIRST_PAUSE_MILLIS;
        T last = null;
        Throwable lastFailure = null;
        while (true) {
            try {
                last = probe.get();
                lastFailure = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (Exception | AssertionError e) {
                if (!retryOn.test(e)) {
                    throw e;
                }
                lastFailure = e;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw timedOut(what, timeout, last, lastFailure);
            }
            try {
                Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                AssertionError interrupted = new AssertionError("interrupted while awaiting " + what);
                interrupted.addSuppressed(e);
                throw interrupted;
            }
            pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
        }
    }

    private static AssertionError timedOut(String what, Duration timeout, Object last, Throwable lastFailure) {
        String seen = lastFailure != null ? "last failure: " + lastFailure : "last value seen: " + describe(last);
        return new AssertionError("gave up after " + describe(timeout) + " awaiting " + what + "; " + seen,
                lastFailure);
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Long values (a whole console output) are cut: the message is read in a test report. */
    private static String describe(Object value) {
        String text = String.valueOf(value);
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "... (" + text.length() + " characters)";
    }
}
