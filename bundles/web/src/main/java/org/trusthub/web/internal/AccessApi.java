package org.trusthub.web.internal;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;

/**
 * Login, logout and the session: a Karaf JAAS account with role viewer or admin opens a session (an HttpOnly,
 * SameSite=Strict cookie) and gets its CSRF token, which every write must carry.
 */
final class AccessApi {

    private static final Logger LOG = LoggerFactory.getLogger(AccessApi.class);

    private final Accounts accounts;
    private final Sessions sessions;
    private final LoginGuard guard;
    private final LogLimiter logLimiter = new LogLimiter(java.time.Duration.ofMinutes(1), 5);

    AccessApi(Accounts accounts, Sessions sessions, LoginGuard guard) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.guard = guard;
    }

    void routes(Router r) {
        r.post("/api/login", null, 200, this::login);
        r.post("/api/logout", Role.VIEWER, 200, this::logout);
        r.get("/api/session", Role.VIEWER, c -> session(c.session));
    }

    private Map<String, Object> login(Call c) {
        String address = c.remoteAddress();
        String user = c.text("user");
        String password = c.text("password");
        if (user.isBlank() || user.length() > 64) {
            throw ApiException.bad("user", "must be 1 to 64 characters");
        }
        // Reserved before the (slow) password check, so parallel guesses are counted before any of them is checked.
        long wait = guard.reserve(address, user);
        if (wait > 0) {
            guard.refused(address, user);
            c.exchange.getResponseHeaders().set("Retry-After", Long.toString(wait));
            throw new ApiException(429, "", "too many failed logins: try again in " + wait + " s");
        }
        char[] secret = password.toCharArray();
        Optional<Set<String>> roles;
        try {
            roles = accounts.authenticate(user, secret);
        } catch (RuntimeException e) {
            // Anyone can trigger this: one short line, rate-limited, and the attempt stays counted.
            logLimiter.admit("account check failed").ifPresent(left -> LOG.warn(
                    "web login of '{}' from {}: the JAAS check failed ({}; {} lines left out)",
                    LoginGuard.printable(user), address, e.getClass().getName(), left));
            throw new ApiException(503, "", "the account check failed; try again later");
        } finally {
            Arrays.fill(secret, '\0');
        }
        // An account without a role of the dashboard is answered like a wrong password, so the answer never
        // confirms a password.
        Role role = roles.map(Role::of).orElse(null);
        if (role == null) {
            guard.failed(address, user);
            throw new ApiException(401, "password", "wrong user name or password");
        }
        guard.succeeded(address, user);
        Sessions.Session s = sessions.open(user, role);
        c.exchange.getResponseHeaders().add("Set-Cookie", WebServer.COOKIE + "=" + s.id
                + "; Path=/; HttpOnly; SameSite=Strict" + (c.secure ? "; Secure" : ""));
        LOG.info("web login of {} ({}) from {}", LoginGuard.printable(user), role, address);
        return session(s);
    }

    private Map<String, Object> logout(Call c) {
        sessions.close(c.session);
        c.exchange.getResponseHeaders().add("Set-Cookie", WebServer.COOKIE
                + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (c.secure ? "; Secure" : ""));
        return Views.obj("user", c.session.user, "loggedOut", true);
    }

    private Map<String, Object> session(Sessions.Session s) {
        return Views.obj("user", s.user, "role", s.role.name().toLowerCase(java.util.Locale.ROOT), "mayChange",
                s.role.covers(Role.ADMIN), "csrf", s.csrf, "idleMinutes", sessions.idle().toMinutes());
    }
}
