package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.trusthub.testkit.Await;

/**
 * The first start of a hub as shipped (no account at all) with {@code trusthub-web}: the console, and not the log,
 * shows a one-time setup link; it creates the first admin account in Karaf's real JAAS realm (hashed in
 * {@code etc/users.properties}), which then logs in like any account; the link works once.
 */
public class WebSetupIT {

    private static final Pattern LINK = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/#setup=([A-Za-z0-9_-]+)");
    private static final String PASSWORD = "first-admin-" + Long.toHexString(System.nanoTime());

    private static HubProcess hub;

    @BeforeClass
    public static void boot() throws Exception {
        hub = HubProcess.boot("web-setup-it", List.of("trusthub-web"), false);
    }

    @AfterClass
    public static void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    public void theConsoleShowsAOneTimeLinkThatMakesTheFirstAdmin() throws Exception {
        String console = Await.until("the setup link on the console", Duration.ofSeconds(60), hub::consoleOutput,
                out -> LINK.matcher(out).find());
        Matcher m = LINK.matcher(console);
        assertTrue(m.find());
        assertEquals("the link names the server's port", Integer.toString(hub.webPort), m.group(1));
        String token = m.group(2);
        assertFalse("one link only: " + console, m.find());
        String log = hub.karafLog();
        assertTrue(log, log.contains("one-time setup link"));
        assertFalse("the token never reaches karaf.log", log.contains(token));

        String body = "{\"token\":\"" + token + "\",\"user\":\"olga\",\"password\":\"" + PASSWORD + "\"}";
        WebClient.Reply made = new WebClient(hub).send("POST", "/api/setup", body, false);
        assertEquals(made.body(), 201, made.status());
        assertEquals("admin", made.field("role"));

        WebClient olga = new WebClient(hub);
        WebClient.Reply login = olga.login("olga", PASSWORD);
        assertEquals(login.body(), 200, login.status());
        assertEquals("admin", login.field("role"));
        assertEquals(201, olga.write("POST", "/api/things", WebClient.enrollSecretFile("setup-1", "olga")).status());
        assertTrue(olga.get("/api/things/setup-1").body().contains("\"by\":\"web:olga\""));

        WebClient.Reply again = new WebClient(hub).send("POST", "/api/setup",
                body.replace("\"olga\"", "\"mallory\""), false);
        assertEquals(again.body(), 403, again.status());
        assertEquals(401, new WebClient(hub).login("mallory", PASSWORD).status());
        String users = Files.readString(hub.home.resolve("etc/users.properties"), StandardCharsets.UTF_8);
        assertTrue(users, users.lines().anyMatch(l -> l.startsWith("olga") && l.contains("{CRYPT}")));
        assertFalse("no password in the clear", users.contains(PASSWORD));
        assertFalse(hub.karafLog().contains(token));
    }
}
