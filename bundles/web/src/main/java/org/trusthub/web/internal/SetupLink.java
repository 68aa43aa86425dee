package org.trusthub.web.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The one-time link that lets the operator at the hub's console create the first admin account: a random token,
 * good once and for {@link #LIFETIME}. Only its SHA-256 is kept; the token itself goes to the console and nowhere
 * else.
 */
final class SetupLink {

    static final Duration LIFETIME = Duration.ofMinutes(15);
    static final int TOKEN_BYTES = 32;

    private final Clock clock;
    private final SecureRandom random;
    private byte[] digest;
    private Instant expires;

    SetupLink(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    /** A new token (any earlier one no longer works). */
    synchronized String issue() {
        byte[] raw = new byte[TOKEN_BYTES];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        digest = sha256(token);
        expires = clock.instant().plus(LIFETIME);
        return token;
    }

    /** Whether the token is the one issued, unused and unexpired; changes nothing. */
    synchronized boolean valid(String token) {
        if (digest == null || token == null) {
            return false;
        }
        if (!clock.instant().isBefore(expires)) {
            revoke();
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(token));
    }

    /** Uses the token up: true once for the issued token while it is valid, false ever after. */
    synchronized boolean redeem(String token) {
        if (!valid(token)) {
            return false;
        }
        revoke();
        return true;
    }

    /** No token works any more (an admin exists by other means, or the server stops). */
    synchronized void revoke() {
        digest = null;
        expires = null;
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
