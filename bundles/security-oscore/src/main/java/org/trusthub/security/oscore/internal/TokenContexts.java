package org.trusthub.security.oscore.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;

/**
 * Which context protects the response to (or decrypts the response of) an exchange, by its token; cf-oscore adds the
 * token when a request decrypted or is sent and removes it when the response is sent or received. Every operation
 * costs the same however many requests came before, and at most {@code capacity} tokens are kept: a token whose
 * response never comes (a thing that went away while the hub asked it) would otherwise stay for good. Past the
 * capacity the token used longest ago goes; an observation's token is used at every notification, so a live one
 * stays. A token that is gone makes its response fail closed: cf-oscore finds no context and sends or accepts
 * nothing.
 */
final class TokenContexts {
    private static final Logger LOG = LoggerFactory.getLogger(TokenContexts.class);
    private static final LogLimiter EVICTED = new LogLimiter(Duration.ofMinutes(1), 1);
    /** Far more than the exchanges that are in flight at once; about 100 bytes each. */
    static final int DEFAULT_CAPACITY = 65_536;

    private final int capacity;
    private final LinkedHashMap<Token, OSCoreCtx> byToken;

    TokenContexts(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, not " + capacity);
        }
        this.capacity = capacity;
        // Access order: a lookup makes a token the newest, so the eldest is the one used longest ago.
        this.byToken = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Token, OSCoreCtx> eldest) {
                if (size() <= TokenContexts.this.capacity) {
                    return false;
                }
                EVICTED.admit("token evicted").ifPresent(left -> LOG.warn(
                        "OSCORE: more than {} exchanges without a response; the oldest is forgotten and its response "
                                + "will be refused ({} like it not logged before)", TokenContexts.this.capacity, left));
                return true;
            }
        };
    }

    /**
     * Remembers the token's context, unless the token is held by an exchange of another thing (another recipient id):
     * responses are found by token alone, so taking it over would protect that thing's responses with this context.
     *
     * @return the other thing's context when the token is refused, {@code null} when it was remembered
     */
    synchronized OSCoreCtx put(Token token, OSCoreCtx ctx) {
        OSCoreCtx held = byToken.get(token);
        if (held != null && held != ctx && !Arrays.equals(held.getRecipientId(), ctx.getRecipientId())) {
            return held;
        }
        byToken.put(token, ctx);
        return null;
    }

    synchronized OSCoreCtx get(Token token) {
        return byToken.get(token);
    }

    synchronized boolean contains(Token token) {
        return byToken.containsKey(token);
    }

    synchronized void remove(Token token) {
        byToken.remove(token);
    }

    /** Forgets every token of a context that is dropped: its responses must not be protected with it any more. */
    synchronized void removeAll(OSCoreCtx ctx) {
        byToken.values().removeIf(c -> c == ctx);
    }

    synchronized void clear() {
        byToken.clear();
    }

    synchronized int size() {
        return byToken.size();
    }
}
