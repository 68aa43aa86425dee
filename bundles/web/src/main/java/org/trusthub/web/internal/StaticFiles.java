package org.trusthub.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

/** The dashboard's files, from this bundle's {@code web/} folder: a fixed list, nothing else. */
final class StaticFiles {

    static final Map<String, String> FILES = Map.of(
            "/index.html", "text/html; charset=utf-8",
            "/app.js", "text/javascript; charset=utf-8",
            "/app.css", "text/css; charset=utf-8",
            "/favicon.svg", "image/svg+xml");

    void serve(HttpExchange ex, String path) throws IOException {
        String name = path.equals("/") ? "/index.html" : path;
        String type = FILES.get(name);
        if (type == null || !(ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("HEAD"))) {
            WebServer.error(ex, type == null ? 404 : 405, "", type == null ? "no such page" : "only GET");
            return;
        }
        byte[] content = read(name);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(200, head ? -1 : content.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(content);
            }
        }
    }

    static byte[] read(String name) throws IOException {
        try (InputStream in = StaticFiles.class.getResourceAsStream("/web" + name)) {
            if (in == null) {
                throw new IOException("web" + name + " is missing from the bundle");
            }
            return in.readAllBytes();
        }
    }
}
