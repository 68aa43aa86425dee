package org.trusthub.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Events as Server-Sent Events: a lifecycle change reaches an open stream; without a login there is no stream. */
class EventsTest extends WebTestSupport {

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aTransitionReachesAnOpenEventStream() throws Exception {
        Client ada = admin();
        HttpResponse<java.io.InputStream> stream = ada.http.send(HttpRequest.newBuilder(uri("/api/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        assertTrue(stream.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        assertEquals(201, ada.write("POST", "/api/things", enrollBody("lamp-1")).status());
        assertEquals(200, ada.write("POST", "/api/things/lamp-1/transitions", Map.of("transition", "BOOTSTRAP"))
                .status());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("data: ") && line.contains("\"BOOTSTRAP\"")) {
                    var e = JSON.readTree(line.substring(6));
                    assertEquals("lifecycle", e.get("kind").asText());
                    assertEquals("lamp-1", e.get("thing").asText());
                    assertEquals("BOOTSTRAPPING", e.get("to").asText());
                    return;
                }
            }
        }
        throw new AssertionError("the stream ended before the BOOTSTRAP event");
    }

    @Test
    void noStreamWithoutALogin() throws Exception {
        assertEquals(401, new Client().get("/api/events").status());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void afterLogoutTheStreamSendsNothingMore() throws Exception {
        Client ada = admin();
        HttpResponse<java.io.InputStream> stream = ada.http.send(HttpRequest.newBuilder(uri("/api/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        assertEquals(200, ada.write("POST", "/api/logout", Map.of()).status());
        component.events.post(org.trusthub.api.event.TrustHubEvents.LIFECYCLE_TOPIC_PREFIX + "TRANSITION",
                name -> org.trusthub.api.event.TrustHubEvents.THING.equals(name) ? "after-logout" : null);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                assertTrue(!line.contains("after-logout"), line);
            }
        }
    }

    @Test
    void oneAccountCannotHoldEveryStream() throws Exception {
        Client vic = viewer();
        java.util.List<java.io.InputStream> open = new java.util.ArrayList<>();
        for (int i = 0; i < EventFeed.MAX_STREAMS_PER_USER; i++) {
            HttpResponse<java.io.InputStream> s = vic.http.send(HttpRequest.newBuilder(uri("/api/events")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, s.statusCode());
            open.add(s.body());
        }
        assertEquals(429, vic.get("/api/events").status());
        HttpResponse<java.io.InputStream> adas = admin().http.send(HttpRequest.newBuilder(uri("/api/events"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, adas.statusCode());
        adas.body().close();
        for (java.io.InputStream s : open) {
            s.close();
        }
    }
}
