package org.trusthub.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The first start: without an admin account the console (and only the console) shows a one-time link that makes the
 * first admin account; it works once, for 15 minutes, from loopback only; bad input names its field and uses nothing.
 */
class SetupTest extends WebTestSupport {

    private static final String PASSWORD = "correct horse battery";

    /** The link announced on the console, and the token in it. */
    private String announce(List<String> console) {
        assertEquals(SetupApi.Announcement.SHOWN, component.setup.announce(uri("/").toString(), console::add));
        String line = console.stream().filter(l -> l.contains("#setup=")).findFirst().orElseThrow();
        assertTrue(line.strip().startsWith(uri("/").toString() + "#setup="), line);
        return line.substring(line.indexOf("#setup=") + "#setup=".length());
    }

    private Map<String, Object> body(String token, String user, String password) {
        return Map.of("token", token, "user", user, "password", password);
    }

    @Test
    void theLinkMakesTheFirstAdminLogsThemInAndWorksOnce() throws Exception {
        String token = announce(new ArrayList<>());
        assertTrue(token.length() >= 43, "256 random bits: " + token.length());
        Client operator = new Client();
        Response made = operator.send("POST", SetupApi.PATH, body(token, "olga", PASSWORD), false);
        assertEquals(201, made.status(), made.body());
        assertEquals("admin", made.json().get("role").asText());
        assertEquals(PASSWORD, admins.created.get("olga"));
        operator.csrf = made.json().get("csrf").asText();
        assertEquals(201, operator.write("POST", "/api/things", enrollBody("lamp-1")).status(),
                "the new admin is logged in and may change");

        Response again = new Client().send("POST", SetupApi.PATH, body(token, "mallory", PASSWORD), false);
        assertEquals(403, again.status(), again.body());
        assertEquals("token", again.field());
        assertEquals(List.of("olga"), List.copyOf(admins.created.keySet()));
        assertEquals(200, new Client().login("olga", PASSWORD).status(), "the account logs in like any other");
    }

    @Test
    void theLinkExpiresAfterFifteenMinutes() throws Exception {
        String token = announce(new ArrayList<>());
        setupClock.advance(Duration.ofMinutes(15));
        Response r = new Client().send("POST", SetupApi.PATH, body(token, "olga", PASSWORD), false);
        assertEquals(403, r.status(), r.body());
        assertEquals("token", r.field());
        assertTrue(admins.created.isEmpty());
    }

    @Test
    void aWrongTokenOrBadInputNamesTheFieldAndUsesNothingUp() throws Exception {
        String token = announce(new ArrayList<>());
        Client c = new Client();
        assertField(c.send("POST", SetupApi.PATH, body(token + "x", "olga", PASSWORD), false), 403, "token");
        assertField(c.send("POST", SetupApi.PATH, body(token, "olga=admin", PASSWORD), false), 400, "user");
        assertField(c.send("POST", SetupApi.PATH, body(token, "olga", "short-pw"), false), 400, "password");
        assertField(c.send("POST", SetupApi.PATH, body(token, "olga", "a,b,c,d,e,f,g,h"), false), 400, "password");
        assertField(c.send("POST", SetupApi.PATH, Map.of("token", token, "user", "olga"), false), 400, "password");
        assertTrue(admins.created.isEmpty());
        assertEquals(201, c.send("POST", SetupApi.PATH, body(token, "olga", PASSWORD), false).status(),
                "the link still works after refused attempts");
    }

    @Test
    void withAnAdminAccountThereIsNoLinkAndALinkIsRefusedOnceOneExists() throws Exception {
        admins.adminElsewhere = true;
        List<String> console = new ArrayList<>();
        assertEquals(SetupApi.Announcement.ADMIN_EXISTS, component.setup.announce(uri("/").toString(), console::add));
        assertEquals(List.of(), console);

        admins.adminElsewhere = false;
        String token = announce(new ArrayList<>());
        admins.adminElsewhere = true; // made in the console meanwhile
        assertField(new Client().send("POST", SetupApi.PATH, body(token, "olga", PASSWORD), false), 409, "user");
        admins.adminElsewhere = false;
        assertField(new Client().send("POST", SetupApi.PATH, body(token, "olga", PASSWORD), false), 403, "token");
        assertTrue(admins.created.isEmpty());
    }

    @Test
    void theLinkNeverTakesOverAnExistingAccount() throws Exception {
        admins.viewers.add("viktor");
        String token = announce(new ArrayList<>());
        assertField(new Client().send("POST", SetupApi.PATH, body(token, "viktor", PASSWORD), false), 409, "user");
        assertTrue(admins.created.isEmpty(), "viktor's password and role stay as they were");
        assertEquals(201, new Client().send("POST", SetupApi.PATH, body(token, "olga", PASSWORD), false).status(),
                "the link is not used up by the refusal");
    }

    @Test
    void theTokenGoesToTheConsoleAndNeverToTheLog() {
        PrintStream err = System.err;
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        String token;
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        try {
            token = announce(new ArrayList<>());
        } finally {
            System.setErr(err);
        }
        String log = logged.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("one-time setup link"), "the log says a link was shown: " + log);
        assertFalse(log.contains(token), log);
    }

    @Test
    void onlyLoopbackClientsMayUseTheLink() {
        assertTrue(SetupApi.loopback("127.0.0.1"));
        assertTrue(SetupApi.loopback("0:0:0:0:0:0:0:1"));
        assertFalse(SetupApi.loopback("192.168.1.20"));
        assertFalse(SetupApi.loopback("fe80:0:0:0:0:0:0:1"));
        assertFalse(SetupApi.loopback(""));
        assertFalse(SetupApi.loopback("localhost"), "a name is never looked up");
    }

    private static void assertField(Response r, int status, String field) throws Exception {
        assertEquals(status, r.status(), r.body());
        assertEquals(field, r.field(), r.body());
    }
}
