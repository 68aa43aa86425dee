package org.trusthub.security.wss.internal;

import java.time.Duration;
import java.util.Objects;

import org.trusthub.api.security.Protection;

/**
 * The WSS4J actions that give a required {@link Protection}: integrity (hop by hop or end to end: WS-Security
 * always reaches end to end) is a signed Timestamp and signature, confidentiality adds encryption of the Body, none
 * is no WS-Security header. What a thing's messages carry, both ways: what the hub adds to messages it sends and what it requires
 * of messages it receives. Every non-plain policy adds and requires a signed-or-not Timestamp; a message that carries
 * less than the policy requires is refused (no downgrade).
 *
 * @param sign sign outgoing messages, require signed incoming ones
 * @param encrypt encrypt the Body of outgoing messages, require an encrypted Body on incoming ones
 * @param usernameToken add a UsernameToken with a password digest, require one; the password is derived from the
 *        thing's root credential by the keystore (APPLICATION layer, mechanism {@code ws-security-ut})
 * @param timestampTtl how long a message is valid after its creation
 */
public record WssPolicy(boolean sign, boolean encrypt, boolean usernameToken, Duration timestampTtl) {

    /** No WS-Security at all. */
    public static final WssPolicy PLAIN = new WssPolicy(false, false, false, Duration.ofMinutes(5));
    /** Signed and encrypted, valid for 5 minutes. */
    public static final WssPolicy SIGN_ENCRYPT = new WssPolicy(true, true, false, Duration.ofMinutes(5));

    public WssPolicy {
        Objects.requireNonNull(timestampTtl, "timestampTtl");
        if (timestampTtl.isNegative() || timestampTtl.isZero() || timestampTtl.toSeconds() > 3600) {
            throw new IllegalArgumentException("timestamp validity must be 1 s to 1 h, not " + timestampTtl);
        }
    }

    /** The actions that give {@code required}, with messages valid for {@code ttl}. */
    public static WssPolicy of(Protection required, Duration ttl) {
        return switch (required.level()) {
            case NONE -> new WssPolicy(false, false, false, ttl);
            case INTEGRITY -> new WssPolicy(true, false, false, ttl);
            case CONFIDENTIALITY -> new WssPolicy(true, true, false, ttl);
        };
    }

    /** Whether messages carry no WS-Security header at all. */
    public boolean isPlain() {
        return !sign && !encrypt && !usernameToken;
    }

    /** "signed+encrypted", "signed", "encrypted" or "none" (plus "+username" when a UsernameToken is used). */
    public String label() {
        String base = sign && encrypt ? "signed+encrypted" : sign ? "signed" : encrypt ? "encrypted" : "none";
        return usernameToken ? base + "+username" : base;
    }
}
