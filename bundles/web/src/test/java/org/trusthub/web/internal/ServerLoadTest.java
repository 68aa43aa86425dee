package org.trusthub.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.trusthub.testkit.Await;

/**
 * Open dashboards and slow clients do not starve the API: event streams run on their own threads, requests never
 * wait in a queue behind held threads, and a full server says 503 at once.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServerLoadTest extends WebTestSupport {

    /** A plain request with a bound on the wait, so a starved server fails the test instead of hanging it. */
    static int getStatus(Client c, java.net.URI uri) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build();
        return c.http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void theApiAnswersWhileFourEventStreamsAreOpen() throws Exception {
        Client ada = admin();
        List<InputStream> open = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<InputStream> s = ada.http.send(HttpRequest.newBuilder(uri("/api/events")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, s.statusCode());
            open.add(s.body());
        }
        Client vic = viewer();
        assertEquals(200, getStatus(vic, uri("/api/things")));
        for (InputStream s : open) {
            s.close();
        }
    }

    @Test
    void slowHeaderConnectionsDoNotBlockOthers() throws Exception {
        List<Socket> slow = slowHeaders(server, 4);
        Await.until("the slow connections hold request threads", () -> server.busyRequestThreads() >= 4);
        assertEquals(200, getStatus(new Client(), uri("/")));
        for (Socket s : slow) {
            s.close();
        }
    }

    @Test
    void aSaturatedServerAnswers503AtOnce() throws Exception {
        WebServer small = new WebServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, router,
                new Sessions(Duration.ofMinutes(30), java.time.Clock.systemUTC()), new StaticFiles(), java.util.Set.of(), 1);
        try {
            List<Socket> slow = slowHeaders(small, 1);
            Await.until("the slow connection holds the request thread", () -> small.busyRequestThreads() >= 1);
            int status = getStatus(new Client(), java.net.URI.create("http://127.0.0.1:" + small.port() + "/"));
            assertEquals(503, status);
            slow.get(0).close();
        } finally {
            small.stop();
        }
    }

    /** Connections that send the start of a request and then nothing. */
    static List<Socket> slowHeaders(WebServer on, int n) throws Exception {
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), on.port());
            OutputStream out = s.getOutputStream();
            out.write("GET /api/things HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            slow.add(s);
        }
        return slow;
    }
}
