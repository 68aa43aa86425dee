package org.trusthub.security.wss.sct;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

import org.trusthub.api.thing.ThingId;

/**
 * What a receiver learned from a security context token: who holds its proof key, for which thing it was issued,
 * until when, and the proof key itself. {@link #toString()} never shows the key.
 */
public final class SecurityContext {

    private final String identifier;
    private final ThingId subject;
    private final ThingId audience;
    private final Instant expires;
    private final byte[] key;

    /**
     * @param identifier the token's {@code wsc:Identifier}
     * @param subject    the thing the token was issued to (the requester that signs with the key)
     * @param audience   the thing (service) the token is for
     * @param expires    end of the token's lifetime
     * @param key        the proof key (HMAC-SHA256 key, 16 to 64 bytes); copied
     */
    public SecurityContext(String identifier, ThingId subject, ThingId audience, Instant expires, byte[] key) {
        this.identifier = Objects.requireNonNull(identifier, "identifier");
        this.subject = Objects.requireNonNull(subject, "subject");
        this.audience = Objects.requireNonNull(audience, "audience");
        this.expires = Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(key, "key");
        if (key.length < 16 || key.length > 64) {
            throw new IllegalArgumentException("a proof key has 16 to 64 bytes");
        }
        this.key = key.clone();
    }

    public String identifier() {
        return identifier;
    }

    public ThingId subject() {
        return subject;
    }

    public ThingId audience() {
        return audience;
    }

    public Instant expires() {
        return expires;
    }

    /** A copy of the proof key; the caller wipes it after use. */
    public byte[] key() {
        return key.clone();
    }

    /** Wipes the key held by this object. */
    public void destroy() {
        Arrays.fill(key, (byte) 0);
    }

    @Override
    public String toString() {
        return "SecurityContext[subject=" + subject + ", audience=" + audience + ", expires=" + expires + "]";
    }
}
