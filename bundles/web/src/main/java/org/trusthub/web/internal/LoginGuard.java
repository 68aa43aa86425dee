package org.trusthub.web.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;

/**
 * Slows password guessing: each client address gets a number of failed logins per minute; past it, logins from that
 * address are refused unchecked until the minute is over. Failures are logged, rate-limited, with the address and the
 * user name made printable (both come from the unauthenticated caller).
 */
final class LoginGuard {

    private static final Logger LOG = LoggerFactory.getLogger(LoginGuard.class);
    /** Addresses tracked at once; the least recently failing ones are forgotten first. */
    static final int MAX_ADDRESSES = 4096;

    private final int perWindow;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final LogLimiter logLimiter;
    private final Map<String, long[]> failures = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    LoginGuard(int perWindow, Duration window, LongSupplier nanoTime) {
        this.perWindow = perWindow;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
        this.logLimiter = new LogLimiter(window, 5, nanoTime);
    }

    /** Seconds the address has to wait before it may try again, 0 when it may try now. */
    synchronized long waitSeconds(String address) {
        long[] f = failures.get(address);
        if (f == null) {
            return 0;
        }
        long elapsed = nanoTime.getAsLong() - f[0];
        if (elapsed >= windowNanos) {
            failures.remove(address);
            return 0;
        }
        return f[1] >= perWindow ? Math.max(1, (windowNanos - elapsed + 999_999_999L) / 1_000_000_000L) : 0;
    }

    synchronized void failed(String address, String user) {
        long now = nanoTime.getAsLong();
        long[] f = failures.get(address);
        if (f == null || now - f[0] >= windowNanos) {
            f = new long[] { now, 0 };
            failures.put(address, f);
        }
        f[1]++;
        long count = f[1];
        logLimiter.admit("login failed").ifPresent(left -> LOG.warn(
                "web login failed for user '{}' from {} ({} failures from there this minute; {} lines left out)",
                printable(user), address, count, left));
    }

    synchronized void succeeded(String address) {
        failures.remove(address);
    }

    /** Refused while waiting: logged rate-limited too. */
    void refused(String address) {
        logLimiter.admit("login refused").ifPresent(left -> LOG.warn(
                "web login from {} refused unchecked: too many failures ({} lines left out)", address, left));
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
