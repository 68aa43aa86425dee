package org.trusthub.binding.bluetooth.internal;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Numeric comparisons waiting for the operator (LE Secure Connections pairing with an agent that can show a number
 * and take a yes). The pairing waits until the operator types the six digits the device shows: equal numbers confirm
 * it, a different number, a rejection or the end of the wait refuse it. The hub never prints the number itself, so a
 * confirmation is a comparison with the device's display and not a copy of the hub's own output.
 */
@Component(service = PairingConfirmations.class)
public final class PairingConfirmations {

    private static final Logger LOG = LoggerFactory.getLogger(PairingConfirmations.class);

    /** How a numeric comparison ended. */
    public enum Outcome {
        CONFIRMED, WRONG_NUMBER, REJECTED, TIMED_OUT, INTERRUPTED,
        /** The pairing ended without the operator (BlueZ cancelled it, or the hub stopped waiting for it). */
        CANCELLED
    }

    /** A comparison waiting for the operator: the address the hub is pairing with, and how long it still waits. */
    public record Pending(String address, long secondsLeft) {
    }

    private static final class Request {
        final String address;
        final long passkey;
        final long deadlineNanos;
        final CompletableFuture<Outcome> answer = new CompletableFuture<>();

        Request(String address, long passkey, long deadlineNanos) {
            this.address = address;
            this.passkey = passkey;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final Map<String, Request> pending = new ConcurrentHashMap<>();

    /**
     * Waits for the operator's answer to the comparison of {@code passkey} for the device at {@code address}; a
     * second request for the same address refuses the first.
     */
    public Outcome await(String address, long passkey, Duration timeout) {
        String key = key(address);
        Request request = new Request(key, passkey, System.nanoTime() + timeout.toNanos());
        Request before = pending.put(key, request);
        if (before != null) {
            before.answer.complete(Outcome.REJECTED);
        }
        LOG.info("Bluetooth LE pairing with {}: numeric comparison waiting for the operator (up to {} s):"
                + " trusthub:ble-pairing-confirm {} <the number the device shows>, or trusthub:ble-pairing-reject {}",
                key, timeout.toSeconds(), key, key);
        Outcome outcome;
        try {
            outcome = request.answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            outcome = Outcome.TIMED_OUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = Outcome.INTERRUPTED;
        } catch (ExecutionException e) {
            outcome = Outcome.REJECTED;
        } finally {
            pending.remove(key, request);
        }
        LOG.info("Bluetooth LE pairing with {}: numeric comparison {}", key, outcome);
        return outcome;
    }

    /** The comparisons waiting now, by address. */
    public List<Pending> pending() {
        long now = System.nanoTime();
        return pending.values().stream()
                .map(r -> new Pending(r.address, Math.max(0, TimeUnit.NANOSECONDS.toSeconds(r.deadlineNanos - now))))
                .sorted(Comparator.comparing(Pending::address)).toList();
    }

    /**
     * The operator's answer: the six digits the device at {@code address} shows. Equal to the hub's number: the
     * pairing goes on; different: it is refused. A malformed number is refused before anything changes.
     */
    public Outcome confirm(String address, String digits) {
        String typed = digits == null ? "" : digits.trim();
        if (!typed.matches("[0-9]{6}")) {
            throw new IllegalArgumentException("the number must be the six digits the device shows");
        }
        Request request = waiting(address);
        Outcome outcome = request.passkey == Long.parseLong(typed) ? Outcome.CONFIRMED : Outcome.WRONG_NUMBER;
        request.answer.complete(outcome);
        return outcome;
    }

    /** The operator refuses the pairing. */
    public void reject(String address) {
        waiting(address).answer.complete(Outcome.REJECTED);
    }

    /**
     * Ends the comparison for {@code address}, if one waits, without the operator: the pairing it belongs to is over,
     * and a confirmation typed now must not complete a bond the hub no longer waits for.
     */
    public void cancel(String address) {
        Request request = address == null ? null : pending.get(key(address));
        if (request != null) {
            request.answer.complete(Outcome.CANCELLED);
        }
    }

    private Request waiting(String address) {
        Request request = address == null ? null : pending.get(key(address));
        if (request == null) {
            throw new IllegalStateException("no pairing with " + address + " is waiting for a confirmation"
                    + " (see trusthub:ble-pairing-pending)");
        }
        return request;
    }

    private static String key(String address) {
        return address.trim().toUpperCase(Locale.ROOT);
    }
}
