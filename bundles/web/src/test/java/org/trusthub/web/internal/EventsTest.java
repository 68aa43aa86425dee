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
}
