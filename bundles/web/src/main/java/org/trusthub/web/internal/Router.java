package org.trusthub.web.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API's routes: method, path template ({@code /api/things/{id}}), the role needed, and the handler. The OpenAPI
 * document lists exactly these (a test compares them).
 */
final class Router {

    /** Turns a call into the JSON answer (a Map, List, String, Number or Boolean), or throws {@link ApiException}. */
    @FunctionalInterface
    interface Handler {
        Object handle(Call call) throws Exception;
    }

    /**
     * A handler that answers with a stream of its own (Server-Sent Events) instead of one JSON document: it admits
     * the stream on the request thread (or throws {@link ApiException}), the stream then runs on a thread of its own.
     */
    @FunctionalInterface
    interface StreamHandler {
        OpenStream open(com.sun.net.httpserver.HttpExchange exchange, Sessions.Session session) throws Exception;
    }

    /** An admitted stream: run it to the end, or cancel it when it could not be started. */
    interface OpenStream {
        void run();

        void cancel();
    }

    record Route(String method, String template, Role role, int status, Handler handler, StreamHandler stream) {
        boolean isWrite() {
            return !method.equals("GET");
        }
    }

    record Match(Route route, Map<String, String> params) {
    }

    private final List<Route> routes = new ArrayList<>();

    void get(String template, Role role, Handler handler) {
        routes.add(new Route("GET", template, role, 200, handler, null));
    }

    void stream(String template, Role role, StreamHandler handler) {
        routes.add(new Route("GET", template, role, 200, null, handler));
    }

    void post(String template, Role role, int status, Handler handler) {
        routes.add(new Route("POST", template, role, status, handler, null));
    }

    void put(String template, Role role, Handler handler) {
        routes.add(new Route("PUT", template, role, 200, handler, null));
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The route for this method and path; empty when none; 405 when the path has routes for other methods only. */
    Optional<Match> match(String method, String path) {
        boolean pathKnown = false;
        for (Route r : routes) {
            Map<String, String> params = params(r.template(), path);
            if (params != null) {
                if (r.method().equals(method)) {
                    return Optional.of(new Match(r, params));
                }
                pathKnown = true;
            }
        }
        if (pathKnown) {
            throw new ApiException(405, "", method + " is not allowed on " + path);
        }
        return Optional.empty();
    }

    /** The template's parameters filled from the path, or null when it does not match. */
    static Map<String, String> params(String template, String path) {
        String[] t = template.split("/", -1);
        String[] p = path.split("/", -1);
        if (t.length != p.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < t.length; i++) {
            if (t[i].startsWith("{") && t[i].endsWith("}")) {
                if (p[i].isEmpty()) {
                    return null;
                }
                params.put(t[i].substring(1, t[i].length() - 1), p[i]);
            } else if (!t[i].equals(p[i])) {
                return null;
            }
        }
        return params;
    }
}
