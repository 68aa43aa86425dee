package org.trusthub.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Who may do what: no login, no API; writes need the admin role and the session's CSRF token. */
class AccessTest extends WebTestSupport {

    @Test
    void anAnonymousApiCallGets401AndChangesNothing() throws Exception {
        Client anonymous = new Client();
        assertEquals(401, anonymous.get("/api/things").status());
        assertEquals(401, anonymous.get("/api/security").status());
        Response post = anonymous.send("POST", "/api/things", enrollBody("lamp-1"), false);
        assertEquals(401, post.status());
        assertEquals(List.of(), registry.list());
    }

    @Test
    void theDashboardAndTheOpenApiDocumentNeedNoLogin() throws Exception {
        Client anonymous = new Client();
        Response page = anonymous.get("/");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<title>trusthub</title>"), page.body());
        assertEquals(200, anonymous.get("/api/openapi.json").status());
        assertEquals(404, anonymous.get("/../etc/passwd").status());
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        Response r = new Client().login("ada", "wrong");
        assertEquals(401, r.status());
        assertEquals("password", r.field());
    }

    @Test
    void anAccountWithoutViewerOrAdminRoleIsAnsweredLikeAWrongPassword() throws Exception {
        Response right = new Client().login("nobody", PASSWORDS.get("nobody"));
        Response wrong = new Client().login("nobody", "wrong");
        assertEquals(401, right.status());
        assertEquals(wrong.status(), right.status());
        assertEquals(wrong.body(), right.body());
        assertEquals(wrong.headers().get("www-authenticate"), right.headers().get("www-authenticate"));
    }

    @Test
    void aFailingAccountCheckAnswers503WithoutItsMessage() throws Exception {
        Sessions sessions = new Sessions(java.time.Duration.ofMinutes(30), java.time.Clock.systemUTC());
        WebServer failing = new WebServer(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
                null, component.routes((u, p) -> {
                    throw new IllegalStateException("ldap bind password s3cret refused");
                }, sessions, 5, java.time.Clock.systemUTC()), sessions, new StaticFiles());
        try {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + failing.port()
                            + "/api/login")).header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                    "{\"user\":\"ada\",\"password\":\"x\"}"))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(!r.body().contains("s3cret") && !r.body().contains("IllegalState"), r.body());
        } finally {
            failing.stop();
        }
    }

    @Test
    void aWriteWithoutTheCsrfTokenIsRefusedAndChangesNothing() throws Exception {
        Client ada = admin();
        Response none = ada.send("POST", "/api/things", enrollBody("lamp-1"), false);
        assertEquals(403, none.status());
        assertEquals(WebServer.CSRF_HEADER, none.field());
        String token = ada.csrf;
        ada.csrf = "not-" + token;
        Response wrong = ada.write("POST", "/api/things", enrollBody("lamp-1"));
        assertEquals(403, wrong.status());
        assertEquals(List.of(), registry.list());
        ada.csrf = token;
        assertEquals(201, ada.write("POST", "/api/things", enrollBody("lamp-1")).status());
        assertEquals(1, registry.list().size());
    }

    @Test
    void aViewerReadsButCannotWrite() throws Exception {
        Client vic = viewer();
        assertEquals(200, vic.get("/api/things").status());
        Response r = vic.write("POST", "/api/things", enrollBody("lamp-1"));
        assertEquals(403, r.status());
        assertTrue(r.json().get("error").asText().contains("admin"), r.body());
        assertEquals(List.of(), registry.list());
    }

    @Test
    void loginFailuresAreRateLimitedPerAddress() throws Exception {
        Client c = new Client();
        for (int i = 0; i < 5; i++) {
            assertEquals(401, c.login("ada", "guess-" + i).status());
        }
        Response limited = c.login("ada", PASSWORDS.get("ada"));
        assertEquals(429, limited.status(), limited.body());
        assertTrue(limited.headers().containsKey("retry-after"), limited.headers().toString());
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        Client ada = admin();
        assertEquals(200, ada.write("POST", "/api/logout", Map.of()).status());
        assertEquals(401, ada.get("/api/things").status());
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteStrict() throws Exception {
        Response r = new Client().login("ada", PASSWORDS.get("ada"));
        String cookie = r.headers().get("set-cookie").get(0);
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
    }

    @Test
    void aWriteFromAnotherSitesPageIsRefused() throws Exception {
        Client ada = admin();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(uri("/api/things"))
                .header("Content-Type", "application/json").header(WebServer.CSRF_HEADER, ada.csrf)
                .header("Origin", "http://evil.example")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(enrollBody("lamp-1"))))
                .build();
        java.net.http.HttpResponse<String> r = ada.http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode(), r.body());
        assertEquals("Origin", JSON.readTree(r.body()).get("field").asText());
        assertEquals(List.of(), registry.list());
    }
}
