package org.trusthub.web.internal;

import java.net.CookieManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.testkit.TestClock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The web server on the hub's real registry and keystore in a temporary directory, on an ephemeral loopback port,
 * with two accounts: {@code ada} (admin) and {@code vic} (viewer), and the registry's events going to the feed.
 */
class WebTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> PASSWORDS = Map.of("ada", "ada-pw-1", "vic", "vic-pw-1", "nobody", "no-pw-1");
    static final Map<String, Set<String>> ROLES = Map.of("ada", Set.of("admin", "viewer", "group"), "vic",
            Set.of("viewer"), "nobody", Set.of("group"));

    @TempDir
    Path dir;
    FileThingKeyStore keystore;
    ThingRegistryCore registry;
    WebComponent component;
    /** The accounts the first start sees: none has the admin role until a test adds one. */
    final FakeAccountAdmin admins = new FakeAccountAdmin();
    final TestClock setupClock = new TestClock(Instant.parse("2026-12-07T21:00:00Z"));
    Router router;
    WebServer server;

    @BeforeEach
    void start() throws Exception {
        component = new WebComponent();
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore,
                (topic, properties) -> component.events.post(topic, properties::get), Clock.systemUTC());
        component.setRegistry(registry);
        component.setKeyStore(keystore);
        component.accountAdmin = admins;
        component.setupLink = new SetupLink(setupClock, new java.security.SecureRandom());
        Accounts accounts = (user, password) -> {
            if (admins.created.containsKey(user)) {
                return admins.created.get(user).equals(new String(password)) ? Optional.of(Set.of("admin"))
                        : Optional.empty();
            }
            return PASSWORDS.containsKey(user) && PASSWORDS.get(user).equals(new String(password))
                    ? Optional.of(ROLES.get(user)) : Optional.empty();
        };
        Sessions sessions = new Sessions(Duration.ofMinutes(30), Clock.systemUTC());
        router = component.routes(accounts, sessions, 5, Clock.systemUTC());
        server = new WebServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, router, sessions,
                new StaticFiles());
    }

    @AfterEach
    void stop() {
        component.events.close();
        server.stop();
        registry.close();
        keystore.close();
    }

    /** Accounts made through the setup link, in memory. */
    static final class FakeAccountAdmin implements AccountAdmin {
        final Map<String, String> created = new java.util.concurrent.ConcurrentHashMap<>();
        volatile boolean adminElsewhere;
        final java.util.Set<String> viewers = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public boolean exists(String user) {
            return viewers.contains(user) || created.containsKey(user);
        }

        @Override
        public boolean anyAdmin() {
            return adminElsewhere || !created.isEmpty();
        }

        @Override
        public void createAdmin(String user, char[] password) {
            created.put(user, new String(password));
        }
    }

    /** A browser-like client: its own cookie jar, and the CSRF token once logged in. */
    final class Client {
        final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String csrf;

        Response login(String user, String password) throws Exception {
            Response r = send("POST", "/api/login", Map.of("user", user, "password", password), false);
            if (r.status() == 200) {
                csrf = r.json().get("csrf").asText();
            }
            return r;
        }

        Response get(String path) throws Exception {
            return send("GET", path, null, false);
        }

        /** A write with the session's CSRF token. */
        Response write(String method, String path, Object body) throws Exception {
            return send(method, path, body, true);
        }

        Response send(String method, String path, Object body, boolean withCsrf) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method, body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            if (withCsrf && csrf != null) {
                b.header(WebServer.CSRF_HEADER, csrf);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().map());
        }
    }

    record Response(int status, String body, Map<String, java.util.List<String>> headers) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }

        String field() throws Exception {
            return json().get("field").asText();
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    Client admin() throws Exception {
        Client c = new Client();
        c.login("ada", PASSWORDS.get("ada"));
        return c;
    }

    Client viewer() throws Exception {
        Client c = new Client();
        c.login("vic", PASSWORDS.get("vic"));
        return c;
    }

    /** The body of an enrolment with a secret file holding 32 bytes as hex text. */
    static Map<String, Object> enrollBody(String id) {
        String hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        return Map.of("id", id, "owner", "alice", "credential", Map.of("kind", "secret-file", "content",
                java.util.Base64.getEncoder().encodeToString(hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
    }
}
