package org.trusthub.itests;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** An HTTP client of the hub's REST API with its own cookie jar and, once logged in, the session's CSRF token. */
final class WebClient {

    record Reply(int status, String body) {
        /** The value of a top-level text field of a JSON object body (enough for the tests' checks). */
        String field(String name) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"")
                    .matcher(body);
            return m.find() ? m.group(1) : null;
        }
    }

    private final HubProcess hub;
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    String csrf;

    WebClient(HubProcess hub) {
        this.hub = hub;
    }

    Reply login(String user, String password) throws Exception {
        Reply r = send("POST", "/api/login", "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}", false);
        if (r.status() == 200) {
            csrf = r.field("csrf");
        }
        return r;
    }

    Reply get(String path) throws Exception {
        return send("GET", path, null, false);
    }

    Reply write(String method, String path, String json) throws Exception {
        return send(method, path, json, true);
    }

    Reply send(String method, String path, String json, boolean withCsrf) throws Exception {
        URI uri = hub.uri(path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, json == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (withCsrf && csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    /** The enrolment body of a thing with a 32-byte secret file (hex text). */
    static String enrollSecretFile(String id, String owner) {
        String hex = "8899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677";
        return "{\"id\":\"" + id + "\",\"owner\":\"" + owner + "\",\"credential\":{\"kind\":\"secret-file\","
                + "\"content\":\"" + java.util.Base64.getEncoder().encodeToString(hex.getBytes(
                        java.nio.charset.StandardCharsets.US_ASCII)) + "\"}}";
    }
}
