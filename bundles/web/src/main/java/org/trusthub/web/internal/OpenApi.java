package org.trusthub.web.internal;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The API's OpenAPI 3 document, written by hand in {@code web/openapi.json}; a test keeps it true to the routes. */
final class OpenApi {

    private static volatile JsonNode document;

    private OpenApi() {
    }

    static JsonNode document() {
        JsonNode d = document;
        if (d == null) {
            try {
                d = new ObjectMapper().readTree(StaticFiles.read("/openapi.json"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            document = d;
        }
        return d;
    }
}
