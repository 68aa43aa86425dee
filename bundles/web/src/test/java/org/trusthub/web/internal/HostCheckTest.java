package org.trusthub.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/**
 * DNS rebinding: a page of another site that reaches the server under its own name is refused before anything is
 * looked at, login included; the server's address, localhost on loopback and configured names pass.
 */
class HostCheckTest extends WebTestSupport {

    /** The status line's code of one request sent as raw bytes (the JDK client will not send a chosen Host). */
    static int status(int port, String request) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return Integer.parseInt(line.split(" ")[1]);
        }
    }

    static String get(String host) {
        return "GET /api/openapi.json HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    @Test
    void aLoginUnderAReboundNameIsRefusedUnchecked() throws Exception {
        AtomicBoolean checked = new AtomicBoolean();
        Sessions sessions = new Sessions(Duration.ofMinutes(30), Clock.systemUTC());
        WebServer guarded = new WebServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null,
                component.routes((u, p) -> {
                    checked.set(true);
                    return Optional.of(Set.of("admin"));
                }, sessions, 5, Clock.systemUTC()), sessions, new StaticFiles());
        try {
            String body = "{\"user\":\"ada\",\"password\":\"x\"}";
            String host = "attacker.example:" + guarded.port();
            int s = status(guarded.port(), "POST /api/login HTTP/1.1\r\nHost: " + host + "\r\nOrigin: http://" + host
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body);
            assertEquals(421, s);
            assertFalse(checked.get());
        } finally {
            guarded.stop();
        }
    }

    @Test
    void onlyTheAddressLocalhostAndConfiguredNamesAreAnswered() throws Exception {
        int port = server.port();
        assertEquals(200, status(port, get("127.0.0.1:" + port)));
        assertEquals(200, status(port, get("localhost:" + port)));
        assertEquals(200, status(port, get("LOCALHOST")));
        assertEquals(421, status(port, get("rebound.example:" + port)));
        assertEquals(421, status(port, get("127.0.0.1.rebound.example")));
        assertEquals(421, status(port, get("localhost:" + port + "@evil")));
        assertEquals(421, status(port, "GET / HTTP/1.0\r\n\r\n"));

        Sessions sessions = new Sessions(Duration.ofMinutes(30), Clock.systemUTC());
        WebServer named = new WebServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, router,
                sessions, new StaticFiles(), Set.of("hub.example.net"), WebServer.REQUEST_THREADS);
        try {
            assertEquals(200, status(named.port(), get("hub.example.net:" + named.port())));
            assertEquals(421, status(named.port(), get("other.example.net")));
        } finally {
            named.stop();
        }
    }

    @Test
    void aBadHostNameSettingIsRefusedNamingIt() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Settings.of(HttpsTest.config("127.0.0.1", 8088, false, "evil.example/x")));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("hostNames"), e.getMessage());
        assertEquals(Set.of("hub.lan", "hub.example.net"), Settings.of(HttpsTest.config("127.0.0.1", 8088, false,
                " Hub.LAN , hub.example.net")).hostNames());
    }
}
