package org.trusthub.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.IllegalTransitionException;
import org.trusthub.api.thing.UnknownThingException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * The HTTP(S) server: the dashboard's files at {@code /}, the API at {@code /api}. Every API call but login needs a
 * session cookie (else 401) with a role that covers the route (else 403); every write also needs the session's CSRF
 * token in {@code X-CSRF-Token} and a JSON body (else 403/415). A refused call reaches no handler, so it changes
 * nothing.
 */
final class WebServer {

    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    static final String COOKIE = "trusthub_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final int MAX_BODY = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Requests handled at once; past it a request is answered 503 by the small overflow pool. */
    static final int REQUEST_THREADS = 32;
    static final int OVERFLOW_THREADS = 2;
    /**
     * Seconds a client has to send a whole request (line, headers, body) before the JDK server closes the
     * connection: the JDK server reads requests on the executor's threads, so a client that sends its headers slowly
     * holds one. There is no response time limit: event streams are responses that last.
     */
    static final String MAX_REQUEST_SECONDS = "30";
    private static final String MAX_REQ_TIME = "sun.net.httpserver.maxReqTime";

    static {
        // Read once, when the JDK server's configuration class loads: set before the first server is created.
        if (System.getProperty(MAX_REQ_TIME) == null) {
            System.setProperty(MAX_REQ_TIME, MAX_REQUEST_SECONDS);
        }
    }

    private final Router router;
    private final Sessions sessions;
    private final StaticFiles files;
    private final boolean secure;
    /** Host names besides the address itself that requests may name (lower case). */
    private final java.util.Set<String> hostNames;
    private final LogLimiter logLimiter = new LogLimiter(java.time.Duration.ofMinutes(1), 5);
    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final ThreadPoolExecutor overflow;
    /** Event streams run here, never on the request threads, so open dashboards cannot starve the API. */
    private final ThreadPoolExecutor streams;
    /** Marks the overflow pool's threads: a request that reaches one is answered 503 unread. */
    private static final ThreadLocal<Boolean> BUSY = ThreadLocal.withInitial(() -> false);

    WebServer(InetSocketAddress address, SSLContext tls, Router router, Sessions sessions, StaticFiles files)
            throws IOException {
        this(address, tls, router, sessions, files, java.util.Set.of(), REQUEST_THREADS);
    }

    WebServer(InetSocketAddress address, SSLContext tls, Router router, Sessions sessions, StaticFiles files,
            java.util.Set<String> hostNames, int requestThreads) throws IOException {
        this.hostNames = java.util.Set.copyOf(hostNames);
        this.router = router;
        this.sessions = sessions;
        this.files = files;
        this.secure = tls != null;
        if (tls != null) {
            HttpsServer https = HttpsServer.create(address, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        } else {
            server = HttpServer.create(address, 64);
        }
        overflow = pool("trusthub-web-busy-", OVERFLOW_THREADS, true);
        // No queue: a request either gets a thread now or goes to the overflow pool, which answers 503 at once.
        // When that is busy too the connection is dropped unread (the request time limit closes it).
        overflow.setRejectedExecutionHandler(new ThreadPoolExecutor.DiscardPolicy());
        executor = pool("trusthub-web-", requestThreads, false);
        executor.setRejectedExecutionHandler((r, e) -> {
            if (!overflow.isShutdown()) {
                overflow.execute(r);
            }
        });
        streams = pool("trusthub-web-events-", EventFeed.MAX_STREAMS, false);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    private static ThreadPoolExecutor pool(String name, int threads, boolean busy) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(() -> {
                        BUSY.set(busy);
                        r.run();
                    }, name + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Request threads busy now (reading or answering a request). */
    int busyRequestThreads() {
        return executor.getActiveCount();
    }

    boolean isSecure() {
        return secure;
    }

    void stop() {
        server.stop(0);
        executor.shutdownNow();
        overflow.shutdownNow();
        streams.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        boolean handedOff = false;
        try {
            headers(ex);
            String path = ex.getRequestURI().getPath();
            if (!hostAllowed(ex)) {
                error(ex, 421, "Host", "this server does not answer for that host name; use its address"
                        + (hostNames.isEmpty() ? "" : " or one of its hostNames"));
            } else if (BUSY.get()) {
                ex.getResponseHeaders().set("Retry-After", "5");
                error(ex, 503, "", "the hub is busy: " + REQUEST_THREADS + " requests are being handled; try again");
            } else if (path.equals("/api") || path.startsWith("/api/")) {
                handedOff = api(ex, path);
            } else {
                files.serve(ex, path);
            }
        } catch (IOException | RuntimeException e) {
            // The client went away, or answering failed half-way: nothing more to send.
            logLimiter.admit("exchange failed").ifPresent(left -> LOG.debug("web exchange failed: {} ({} left out)",
                    e.toString(), left));
        } finally {
            if (!handedOff) {
                ex.close();
            }
        }
    }

    private void headers(HttpExchange ex) {
        var h = ex.getResponseHeaders();
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                + "base-uri 'none'; form-action 'self'");
        if (secure) {
            h.set("Strict-Transport-Security", "max-age=31536000");
        }
    }

    /** Answers an API call; true when an event stream took the exchange over (it closes it when it ends). */
    private boolean api(HttpExchange ex, String path) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        String method = ex.getRequestMethod();
        try {
            Optional<Router.Match> match = router.match(method, path);
            if (match.isEmpty()) {
                throw ApiException.notFound("no API resource " + path);
            }
            Router.Route route = match.get().route();
            Sessions.Session session = null;
            if (route.role() != null) {
                session = sessions.find(cookie(ex)).orElseThrow(() -> new ApiException(401, "",
                        "log in first (POST /api/login)"));
                if (!session.role.covers(route.role())) {
                    throw new ApiException(403, "", "the account " + session.user + " may only read (JAAS role "
                            + Role.JAAS_VIEWER + "); changes need the role " + Role.JAAS_ADMIN);
                }
            }
            if (route.isWrite()) {
                sameOrigin(ex);
                if (session != null && !session.csrfMatches(ex.getRequestHeaders().getFirst(CSRF_HEADER))) {
                    throw new ApiException(403, CSRF_HEADER, "the " + CSRF_HEADER
                            + " header must carry this session's CSRF token (GET /api/session)");
                }
            }
            if (route.stream() != null) {
                Router.OpenStream stream = route.stream().open(ex, session);
                try {
                    streams.execute(() -> {
                        try (ex) {
                            stream.run();
                        }
                    });
                } catch (RejectedExecutionException e) {
                    stream.cancel();
                    throw new ApiException(503, "", "too many event streams open (" + EventFeed.MAX_STREAMS + ")");
                }
                return true;
            }
            JsonNode body = route.isWrite() ? body(ex) : null;
            Object answer = route.handler().handle(new Call(match.get().params(), body, session, ex, secure));
            send(ex, route.status(), answer);
        } catch (ApiException e) {
            error(ex, e.status(), e.field(), e.getMessage());
        } catch (UnknownThingException e) {
            error(ex, 404, "id", e.getMessage());
        } catch (DuplicateThingException e) {
            error(ex, 409, "id", e.getMessage());
        } catch (IllegalTransitionException e) {
            error(ex, 409, "transition", e.getMessage());
        } catch (IllegalArgumentException e) {
            error(ex, 400, "", e.getMessage());
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            // Callers may be anonymous: one short line, rate-limited; the stack trace only at debug level.
            logLimiter.admit("call failed").ifPresent(left -> LOG.warn("web: {} {} failed: {} ({} lines left out)",
                    method, LoginGuard.printable(path), e.getClass().getName(), left));
            LOG.debug("web: {} {} failed", method, LoginGuard.printable(path), e);
            error(ex, 500, "", "the hub could not do this: " + e.getClass().getSimpleName());
        }
        return false;
    }

    /**
     * Whether the request names this server in Host: its own address (as the connection reached it), localhost on
     * loopback, or a configured host name. Checked before anything else: after DNS rebinding a page of another site
     * reaches this server under that site's name, with Origin and Host alike, so Origin alone proves nothing.
     */
    private boolean hostAllowed(HttpExchange ex) {
        java.util.List<String> hosts = ex.getRequestHeaders().get("Host");
        if (hosts == null || hosts.size() != 1) {
            return false;
        }
        String host = hosts.get(0).strip().toLowerCase(java.util.Locale.ROOT);
        String name;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            if (end < 0) {
                return false;
            }
            name = host.substring(0, end + 1);
            String rest = host.substring(end + 1);
            if (!rest.isEmpty() && !rest.matches(":[0-9]{1,5}")) {
                return false;
            }
        } else {
            int colon = host.indexOf(':');
            name = colon < 0 ? host : host.substring(0, colon);
            if (colon >= 0 && !host.substring(colon).matches(":[0-9]{1,5}")) {
                return false;
            }
        }
        java.net.InetAddress local = ex.getLocalAddress().getAddress();
        if (local.isLoopbackAddress() && name.equals("localhost")) {
            return true;
        }
        if (hostNames.contains(name)) {
            return true;
        }
        // Only literals are parsed, so no name lookup happens here.
        if (name.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || name.matches("\\[[0-9a-f:.]+\\]")) {
            try {
                java.net.InetAddress named = java.net.InetAddress.getByName(name.startsWith("[")
                        ? name.substring(1, name.length() - 1) : name);
                return named.equals(local) || local.isLoopbackAddress() && named.isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * A browser names the page a write comes from in Origin: one from another site is refused even before the CSRF
     * token is looked at (login included, which has no token yet). Clients that send no Origin (scripts) pass.
     */
    private static void sameOrigin(HttpExchange ex) {
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin == null) {
            return;
        }
        String host = ex.getRequestHeaders().getFirst("Host");
        String originHost;
        try {
            java.net.URI o = java.net.URI.create(origin);
            originHost = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
        } catch (IllegalArgumentException e) {
            originHost = null;
        }
        if (host == null || originHost == null || !host.equalsIgnoreCase(originHost)) {
            throw new ApiException(403, "Origin", "a write from another site's page is refused");
        }
    }

    private static JsonNode body(HttpExchange ex) throws IOException {
        byte[] raw;
        try (InputStream in = ex.getRequestBody()) {
            raw = in.readNBytes(MAX_BODY + 1);
        }
        if (raw.length > MAX_BODY) {
            throw new ApiException(413, "", "the request body is over " + MAX_BODY + " bytes");
        }
        if (raw.length == 0) {
            return JSON.createObjectNode();
        }
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "Content-Type", "the request body must be application/json");
        }
        try {
            JsonNode n = JSON.readTree(raw);
            if (n == null || !n.isObject()) {
                throw new ApiException(400, "", "the request body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "", "the request body is not JSON: " + e.getOriginalMessage());
        }
    }

    static String cookie(HttpExchange ex) {
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                String p = part.trim();
                if (p.startsWith(COOKIE + "=")) {
                    return p.substring(COOKIE.length() + 1);
                }
            }
        }
        return null;
    }

    static void send(HttpExchange ex, int status, Object answer) throws IOException {
        byte[] json = JSON.writeValueAsBytes(answer);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, json.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(json);
        }
    }

    static void error(HttpExchange ex, int status, String field, String message) throws IOException {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("status", status);
        e.put("field", field);
        e.put("error", message == null ? "" : message);
        if (status == 401) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Session realm=\"trusthub\"");
        }
        send(ex, status, e);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
