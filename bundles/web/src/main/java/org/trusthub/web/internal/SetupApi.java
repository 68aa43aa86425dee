package org.trusthub.web.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;

/**
 * The first start: while no account holds the admin role, the console shows a one-time link (never the log) with
 * which the operator, at the hub itself (loopback only), creates the first admin account and is logged in. There is
 * no default account and no fixed password.
 */
final class SetupApi {

    static final String PATH = "/api/setup";
    static final int MIN_PASSWORD = 12;
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Logger LOG = LoggerFactory.getLogger(SetupApi.class);

    private final AccountAdmin accounts;
    private final SetupLink link;
    private final Sessions sessions;
    private final LogLimiter logLimiter = new LogLimiter(java.time.Duration.ofMinutes(1), 5);

    SetupApi(AccountAdmin accounts, SetupLink link, Sessions sessions) {
        this.accounts = accounts;
        this.link = link;
        this.sessions = sessions;
    }

    void routes(Router r) {
        r.post(PATH, null, 201, this::setup);
    }

    /** What {@link #announce} found. */
    enum Announcement {
        /** No admin account: a link was issued and shown. */
        SHOWN,
        /** An admin account exists: nothing shown. */
        ADMIN_EXISTS,
        /** The accounts cannot be listed (yet): ask again when the realm comes. */
        UNKNOWN
    }

    /**
     * On a start without an admin account: issues a link and shows it on {@code console} (a person at the hub), with
     * {@code baseUrl} the server's loopback URL. The log only says that a link was shown, never the token.
     */
    Announcement announce(String baseUrl, Consumer<String> console) {
        boolean admin;
        try {
            admin = accounts.anyAdmin();
        } catch (RuntimeException e) {
            LOG.debug("web: cannot list the JAAS accounts yet: {}", e.getMessage());
            return Announcement.UNKNOWN;
        }
        if (admin) {
            return Announcement.ADMIN_EXISTS;
        }
        String token = link.issue();
        console.accept("");
        console.accept("trusthub: no dashboard admin account yet. Open this one-time link on this machine within "
                + SetupLink.LIFETIME.toMinutes() + " minutes to create one:");
        console.accept("    " + baseUrl + "#setup=" + token);
        console.accept("");
        LOG.info("web: no account has the role admin; a one-time setup link (valid {} minutes, from 127.0.0.1 only) "
                + "was shown on the console", SetupLink.LIFETIME.toMinutes());
        return Announcement.SHOWN;
    }

    private Map<String, Object> setup(Call c) {
        if (!loopback(c.remoteAddress())) {
            throw new ApiException(403, "", "the setup link works only on the hub itself (127.0.0.1)");
        }
        String token = c.text("token");
        if (!link.valid(token)) {
            logLimiter.admit("setup refused").ifPresent(left -> LOG.info(
                    "web: a setup request with an unknown, used or expired link was refused ({} lines left out)",
                    left));
            throw new ApiException(403, "token", "this setup link is unknown, used or expired; with an admin account "
                    + "log in, else restart the web bundle for a new link or add an account in the console");
        }
        String user = c.text("user");
        if (!USER.matcher(user).matches()) {
            throw ApiException.bad("user", "must be 1 to 64 of A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }
        String password = c.text("password");
        checkPassword(user, password);
        synchronized (link) {
            boolean admin;
            try {
                admin = accounts.anyAdmin();
            } catch (RuntimeException e) {
                throw ApiException.unavailable("the account realm");
            }
            if (admin) {
                link.revoke();
                throw ApiException.conflict("user", "an admin account exists already: log in with it");
            }
            boolean taken;
            try {
                taken = accounts.exists(user);
            } catch (RuntimeException e) {
                throw ApiException.unavailable("the account realm");
            }
            if (taken) {
                // adding it again would reset that account's password and make it an admin
                throw ApiException.conflict("user", "an account of that name exists already: choose another name");
            }
            if (!link.redeem(token)) {
                throw new ApiException(403, "token", "this setup link is unknown, used or expired");
            }
            char[] secret = password.toCharArray();
            try {
                accounts.createAdmin(user, secret);
            } finally {
                Arrays.fill(secret, '\0');
            }
        }
        LOG.info("web: first admin account {} created through the setup link", user);
        Sessions.Session s = sessions.open(user, Role.ADMIN);
        c.exchange.getResponseHeaders().add("Set-Cookie", WebServer.COOKIE + "=" + s.id
                + "; Path=/; HttpOnly; SameSite=Strict" + (c.secure ? "; Secure" : ""));
        return Views.obj("user", s.user, "role", "admin", "mayChange", true, "csrf", s.csrf, "idleMinutes",
                sessions.idle().toMinutes());
    }

    /** At least {@value #MIN_PASSWORD} characters, printable, no comma, no surrounding space, not the user name. */
    static void checkPassword(String user, String password) {
        if (password.codePointCount(0, password.length()) < MIN_PASSWORD) {
            throw ApiException.bad("password", "must be at least " + MIN_PASSWORD + " characters");
        }
        if (password.length() > 256) {
            throw ApiException.bad("password", "must be at most 256 characters");
        }
        if (password.codePoints().anyMatch(ch -> Character.isISOControl(ch) || ch == ',')) {
            throw ApiException.bad("password", "must not hold control characters or commas");
        }
        if (!password.strip().equals(password)) {
            throw ApiException.bad("password", "must not start or end with a space");
        }
        if (password.equalsIgnoreCase(user)) {
            throw ApiException.bad("password", "must not be the user name");
        }
    }

    /** Whether a client address (as {@link Call#remoteAddress()} gives it) is this machine's loopback. */
    static boolean loopback(String address) {
        try {
            return !address.isEmpty() && address.matches("[0-9.]+|[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?")
                    && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
