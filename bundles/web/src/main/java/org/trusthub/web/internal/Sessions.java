package org.trusthub.web.internal;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Login sessions: a random id (the cookie) and a random CSRF token per session, both 256 bits; a session ends after
 * a time without requests or on logout. Sessions live in memory only: a restart logs everyone out.
 */
final class Sessions {

    /** At most this many sessions at once; the oldest-used one makes room. */
    static final int MAX_SESSIONS = 256;
    /** Sessions one account may hold; its own least recently used one makes room, never another account's. */
    static final int MAX_SESSIONS_PER_USER = 8;

    /** One logged-in operator. */
    static final class Session {
        final String id;
        final String user;
        final Role role;
        final String csrf;
        volatile Instant lastUsed;

        Session(String id, String user, Role role, String csrf, Instant now) {
            this.id = id;
            this.user = user;
            this.role = role;
            this.csrf = csrf;
            this.lastUsed = now;
        }

        /** Whether the token is this session's CSRF token (compared in constant time). */
        boolean csrfMatches(String token) {
            return token != null && MessageDigest.isEqual(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    csrf.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Duration idle;
    private final Clock clock;

    Sessions(Duration idle, Clock clock) {
        this.idle = idle;
        this.clock = clock;
    }

    synchronized Session open(String user, Role role) {
        Instant now = clock.instant();
        expire(now);
        java.util.List<Session> own = sessions.values().stream().filter(s -> s.user.equals(user))
                .sorted((a, b) -> a.lastUsed.compareTo(b.lastUsed)).toList();
        for (int i = 0; i <= own.size() - MAX_SESSIONS_PER_USER; i++) {
            sessions.remove(own.get(i).id);
        }
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream().min((a, b) -> a.lastUsed.compareTo(b.lastUsed))
                    .ifPresent(oldest -> sessions.remove(oldest.id));
        }
        Session s = new Session(token(), user, role, token(), now);
        sessions.put(s.id, s);
        return s;
    }

    /** The live session with this id, marked used now. */
    Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        Instant now = clock.instant();
        if (s == null) {
            return Optional.empty();
        }
        if (s.lastUsed.plus(idle).isBefore(now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        s.lastUsed = now;
        return Optional.of(s);
    }

    /**
     * Whether the session is still open, without counting this as a request: an open event stream alone does not
     * keep a session from ending.
     */
    boolean isOpen(String id) {
        Session s = id == null ? null : sessions.get(id);
        return s != null && !s.lastUsed.plus(idle).isBefore(clock.instant());
    }

    void close(Session s) {
        sessions.remove(s.id);
    }

    void closeAll() {
        sessions.clear();
    }

    Duration idle() {
        return idle;
    }

    private void expire(Instant now) {
        for (Iterator<Session> i = sessions.values().iterator(); i.hasNext();) {
            if (i.next().lastUsed.plus(idle).isBefore(now)) {
                i.remove();
            }
        }
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
