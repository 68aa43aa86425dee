package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The REST API of the booted distribution (feature trusthub-web), with Karaf's real JAAS realm: no login, no API;
 * a viewer cannot write; a write without the CSRF token is refused; bad input is a 4xx naming the field; the first
 * start tells the operator how to make an account.
 */
public class WebApiIT {

    private static HubProcess hub;

    @BeforeClass
    public static void boot() throws Exception {
        hub = HubProcess.boot("web-api-it", List.of("trusthub-web"));
    }

    @AfterClass
    public static void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    public void anAnonymousCallGets401() throws Exception {
        WebClient anonymous = new WebClient(hub);
        assertEquals(401, anonymous.get("/api/things").status());
        assertEquals(401, anonymous.send("POST", "/api/things", WebClient.enrollSecretFile("anon-1", "eve"), false)
                .status());
    }

    @Test
    public void aKarafAccountLogsInAndAWrongPasswordDoesNot() throws Exception {
        assertEquals(401, new WebClient(hub).login(HubProcess.ADMIN, "not-the-password").status());
        WebClient.Reply ok = new WebClient(hub).login(HubProcess.ADMIN, HubProcess.ADMIN_PASSWORD);
        assertEquals(ok.body(), 200, ok.status());
        assertEquals("admin", ok.field("role"));
    }

    @Test
    public void aViewerCannotWrite() throws Exception {
        WebClient viewer = new WebClient(hub);
        assertEquals(200, viewer.login(HubProcess.VIEWER, HubProcess.VIEWER_PASSWORD).status());
        assertEquals(200, viewer.get("/api/things").status());
        WebClient.Reply r = viewer.write("POST", "/api/things", WebClient.enrollSecretFile("viewer-1", "vic"));
        assertEquals(r.body(), 403, r.status());
        assertEquals(404, viewer.get("/api/things/viewer-1").status());
    }

    @Test
    public void aWriteWithoutTheCsrfTokenIsRefused() throws Exception {
        WebClient admin = new WebClient(hub);
        admin.login(HubProcess.ADMIN, HubProcess.ADMIN_PASSWORD);
        WebClient.Reply r = admin.send("POST", "/api/things", WebClient.enrollSecretFile("csrf-1", "ada"), false);
        assertEquals(r.body(), 403, r.status());
        assertEquals("X-CSRF-Token", r.field("field"));
        assertEquals(404, admin.get("/api/things/csrf-1").status());
    }

    @Test
    public void badInputNamesTheFieldAndChangesNothing() throws Exception {
        WebClient admin = new WebClient(hub);
        admin.login(HubProcess.ADMIN, HubProcess.ADMIN_PASSWORD);
        WebClient.Reply r = admin.write("POST", "/api/things", WebClient.enrollSecretFile("Bad Id", "ada"));
        assertEquals(r.body(), 400, r.status());
        assertEquals("id", r.field("field"));
        WebClient.Reply noOwner = admin.write("POST", "/api/things", WebClient.enrollSecretFile("ok-1", "ada")
                .replace("\"owner\":\"ada\",", ""));
        assertEquals(noOwner.body(), 400, noOwner.status());
        assertEquals("owner", noOwner.field("field"));
        assertEquals(404, admin.get("/api/things/ok-1").status());
    }

    @Test
    public void theFirstStartTellsHowToCreateAnAccount() throws Exception {
        String log = hub.karafLog();
        assertTrue(log, log.contains("there is no default account") && log.contains("jaas:user-add"));
    }

    @Test
    public void withAnAdminAccountNoSetupLinkIsShown() throws Exception {
        String log = hub.karafLog();
        assertTrue(log, log.contains("trusthub dashboard and REST API at"));
        assertTrue(hub.consoleOutput(), !hub.consoleOutput().contains("#setup=") && !log.contains("setup link"));
        assertEquals(403, new WebClient(hub).send("POST", "/api/setup",
                "{\"token\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"user\":\"eve\",\"password\":"
                        + "\"eve-password-1234\"}", false).status());
    }
}
