package org.trusthub.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** The OpenAPI document lists exactly the routes the server has, with their roles; docs/ holds the same document. */
class OpenApiTest extends WebTestSupport {

    @Test
    void theDocumentListsExactlyTheRoutes() {
        TreeSet<String> routes = new TreeSet<>();
        for (Router.Route r : router.routes()) {
            routes.add(r.method() + " " + r.template() + " " + (r.role() == null ? "-" : r.role().name()
                    .toLowerCase(Locale.ROOT)));
        }
        TreeSet<String> documented = new TreeSet<>();
        JsonNode paths = OpenApi.document().get("paths");
        for (Iterator<Map.Entry<String, JsonNode>> p = paths.fields(); p.hasNext();) {
            Map.Entry<String, JsonNode> path = p.next();
            for (Iterator<Map.Entry<String, JsonNode>> o = path.getValue().fields(); o.hasNext();) {
                Map.Entry<String, JsonNode> op = o.next();
                JsonNode role = op.getValue().get("x-role");
                documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey() + " "
                        + (role == null || role.isNull() ? "-" : role.asText()));
            }
        }
        assertEquals(routes, documented);
    }

    @Test
    void theServedDocumentIsTheOneInDocs() throws Exception {
        Path docs = Path.of(System.getProperty("user.dir")).resolve("../../docs/openapi.json").normalize();
        assertEquals(JSON.readTree(Files.readAllBytes(docs)), OpenApi.document(),
                "docs/openapi.json differs from bundles/web/src/main/resources/web/openapi.json: copy it");
    }
}
