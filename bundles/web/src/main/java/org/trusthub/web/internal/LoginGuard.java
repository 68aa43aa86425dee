package org.trusthub.web.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;

/**
 * Slows password guessing with three budgets of failed logins per minute: one per client address, one per user name
 * and one for the whole server (the per-address one alone is defeated by many addresses, or by pushing an address
 * out of the table). Each attempt reserves a failure in all three before the password is checked, so parallel
 * guesses cannot all pass the check before the first failure is counted; a successful login gives its reservation
 * back. Past a budget, logins it covers are refused unchecked until its minute is over. Failures are logged,
 * rate-limited, with the address and the user name made printable (both come from the unauthenticated caller).
 */
final class LoginGuard {

    private static final Logger LOG = LoggerFactory.getLogger(LoginGuard.class);
    /** Addresses and user names tracked at once each; the least recently failing ones are forgotten first. */
    static final int MAX_TRACKED = 4096;

    /** Failures counted in one window of time. */
    private static final class Window {
        long start;
        int count;

        Window(long start) {
            this.start = start;
        }
    }

    private final int perAddress;
    private final int total;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final LogLimiter logLimiter;
    private final Map<String, Window> addresses = table();
    private final Map<String, Window> users = table();
    private final Window all;

    /**
     * @param perAddress failures per window from one address, and for one user name
     * @param total failures per window for the whole server
     */
    LoginGuard(int perAddress, int total, Duration window, LongSupplier nanoTime) {
        this.perAddress = perAddress;
        this.total = total;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
        this.logLimiter = new LogLimiter(window, 5, nanoTime);
        this.all = new Window(nanoTime.getAsLong());
    }

    private static Map<String, Window> table() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > MAX_TRACKED;
            }
        };
    }

    /**
     * Reserves one failed login for this address and user name: 0 when the attempt may go ahead (it counts as a
     * failure until {@link #succeeded}), else the seconds until it may be tried again (nothing is reserved then).
     */
    synchronized long reserve(String address, String user) {
        long now = nanoTime.getAsLong();
        Window a = current(addresses, address, now);
        Window u = current(users, user, now);
        roll(all, now);
        long wait = Math.max(wait(a, perAddress, now), Math.max(wait(u, perAddress, now), wait(all, total, now)));
        if (wait > 0) {
            return wait;
        }
        a.count++;
        u.count++;
        all.count++;
        return 0;
    }

    /** The attempt reserved for this address and user name succeeded: its reservation is given back. */
    synchronized void succeeded(String address, String user) {
        long now = nanoTime.getAsLong();
        release(addresses.get(address), now);
        release(users.get(user), now);
        release(all, now);
    }

    /** The reserved attempt failed (it stays counted): logged, rate-limited. */
    void failed(String address, String user) {
        int count;
        synchronized (this) {
            Window a = addresses.get(address);
            count = a == null ? 0 : a.count;
        }
        logLimiter.admit("login failed").ifPresent(left -> LOG.warn(
                "web login failed for user '{}' from {} ({} failures from there this minute; {} lines left out)",
                printable(user), address, count, left));
    }

    /** Refused while waiting: logged rate-limited too. */
    void refused(String address, String user) {
        logLimiter.admit("login refused").ifPresent(left -> LOG.warn(
                "web login of '{}' from {} refused unchecked: too many failures ({} lines left out)", printable(user),
                address, left));
    }

    private Window current(Map<String, Window> table, String key, long now) {
        Window w = table.computeIfAbsent(key, k -> new Window(now));
        roll(w, now);
        return w;
    }

    private void roll(Window w, long now) {
        if (now - w.start >= windowNanos) {
            w.start = now;
            w.count = 0;
        }
    }

    private long wait(Window w, int limit, long now) {
        if (w.count < limit) {
            return 0;
        }
        long left = windowNanos - (now - w.start);
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }

    private void release(Window w, long now) {
        if (w != null && now - w.start < windowNanos && w.count > 0) {
            w.count--;
        }
    }

    static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(64).forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return b.toString();
    }
}
