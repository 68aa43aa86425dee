package org.trusthub.web.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.model.ModelEvents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

/**
 * The hub's events as the API shows them: lifecycle transitions, key changes and model changes, each a small JSON
 * object of whitelisted fields (never key material: the events carry none). Keeps the recent ones for the events
 * view (a thing's lifecycle history is the registry's journal) and streams new ones to Server-Sent Events clients.
 */
final class EventFeed {

    static final int RECENT = 500;
    static final int MAX_STREAMS = 16;
    /** Streams one account may hold, so one viewer cannot take every stream from the admins. */
    static final int MAX_STREAMS_PER_USER = 4;
    static final int STREAM_QUEUE = 1000;
    static final long KEEPALIVE_SECONDS = 15;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Object> END = Map.of();
    /** Event properties copied into the JSON, with the name they get there. */
    private static final Map<String, String> FIELDS = fields();

    private final ArrayDeque<Map<String, Object>> recent = new ArrayDeque<>();
    private final List<BlockingQueue<Map<String, Object>>> streams = new CopyOnWriteArrayList<>();
    /** The account each open stream belongs to, until its stream has ended. */
    private final Map<BlockingQueue<Map<String, Object>>, String> owners = new java.util.concurrent.ConcurrentHashMap<>();
    private long seq;

    private static Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(TrustHubEvents.THING, "thing");
        f.put(TrustHubEvents.FROM_STATE, "from");
        f.put(TrustHubEvents.TO_STATE, "to");
        f.put(TrustHubEvents.TRANSITION, "transition");
        f.put(TrustHubEvents.OWNER, "owner");
        f.put(TrustHubEvents.LAYER, "layer");
        f.put(TrustHubEvents.GENERATION, "generation");
        f.put(ModelEvents.PROPERTY, "property");
        f.put(ModelEvents.VALUE, "value");
        f.put(ModelEvents.UNIT, "unit");
        f.put(ModelEvents.QUALITY, "quality");
        f.put(ModelEvents.BINDING, "binding");
        f.put(ModelEvents.SIMULATED, "simulated");
        f.put(ModelEvents.AVAILABLE, "available");
        return f;
    }

    /** Takes one EventAdmin event (topic and properties). */
    void post(String topic, java.util.function.Function<String, Object> property) {
        Map<String, Object> e = new LinkedHashMap<>();
        String kind = topic.startsWith(TrustHubEvents.LIFECYCLE_TOPIC_PREFIX) ? "lifecycle"
                : topic.startsWith(TrustHubEvents.KEYSTORE_TOPIC_PREFIX) ? "keys"
                        : topic.startsWith(ModelEvents.TOPIC_PREFIX) ? "model" : null;
        if (kind == null) {
            return;
        }
        e.put("kind", kind);
        e.put("type", topic.substring(topic.lastIndexOf('/') + 1));
        Object ts = property.apply(TrustHubEvents.TIMESTAMP);
        e.put("time", Instant.ofEpochMilli(ts instanceof Number n ? n.longValue() : System.currentTimeMillis())
                .toString());
        FIELDS.forEach((from, to) -> {
            Object v = property.apply(from);
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                e.put(to, v);
            }
        });
        synchronized (this) {
            e.put("seq", ++seq);
            recent.addLast(e);
            if (recent.size() > RECENT) {
                recent.removeFirst();
            }
        }
        for (BlockingQueue<Map<String, Object>> q : streams) {
            if (!q.offer(e)) {
                // A client that does not read: its stream ends rather than the hub buffering for it.
                streams.remove(q);
                q.clear();
                q.offer(END);
            }
        }
    }

    synchronized List<Map<String, Object>> recent() {
        return new ArrayList<>(recent);
    }

    /**
     * Admits a stream of events to one client (503 when too many are open); it runs, on the caller's thread of
     * choice, until the client goes away, the feed closes or {@code alive} says the session ended. The recent events
     * go first, so the client starts with the same history as {@link #recent()}.
     */
    Router.OpenStream open(HttpExchange ex, String user, java.util.function.BooleanSupplier alive) {
        BlockingQueue<Map<String, Object>> q = new LinkedBlockingQueue<>(STREAM_QUEUE);
        List<Map<String, Object>> backlog;
        synchronized (this) {
            if (streams.size() >= MAX_STREAMS) {
                throw new ApiException(503, "", "too many event streams open (" + MAX_STREAMS + ")");
            }
            if (owners.values().stream().filter(user::equals).count() >= MAX_STREAMS_PER_USER) {
                throw new ApiException(429, "", "this account has " + MAX_STREAMS_PER_USER
                        + " event streams open already; close a dashboard tab");
            }
            backlog = new ArrayList<>(recent);
            streams.add(q);
            owners.put(q, user);
        }
        return new Router.OpenStream() {
            @Override
            public void run() {
                try {
                    pump(ex, q, backlog, alive);
                } catch (IOException e) {
                    // The client went away.
                } finally {
                    streams.remove(q);
                    owners.remove(q);
                }
            }

            @Override
            public void cancel() {
                streams.remove(q);
                owners.remove(q);
            }
        };
    }

    private static void pump(HttpExchange ex, BlockingQueue<Map<String, Object>> q,
            List<Map<String, Object>> backlog, java.util.function.BooleanSupplier alive) throws IOException {
        try {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write("retry: 3000\n\n".getBytes(StandardCharsets.UTF_8));
            for (Map<String, Object> e : backlog) {
                if (!alive.getAsBoolean()) {
                    return;
                }
                write(out, e);
            }
            out.flush();
            while (alive.getAsBoolean()) {
                Map<String, Object> e = q.poll(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
                // The session may have ended while this waited: nothing more goes out then.
                if (e == END || !alive.getAsBoolean()) {
                    break;
                }
                if (e == null) {
                    out.write(": keepalive\n\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    write(out, e);
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(OutputStream out, Map<String, Object> e) throws IOException {
        try {
            String data = JSON.writeValueAsString(e);
            out.write(("id: " + e.get("seq") + "\nevent: " + e.get("kind") + "\ndata: " + data + "\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException x) {
            throw new IOException(x);
        }
    }

    /** Ends every stream (the server stops). */
    void close() {
        for (BlockingQueue<Map<String, Object>> q : streams) {
            q.clear();
            q.offer(END);
        }
        streams.clear();
    }

    /** The topics the component subscribes to. */
    static final Set<String> TOPICS = Set.of(TrustHubEvents.LIFECYCLE_ALL, TrustHubEvents.KEYSTORE_ALL,
            ModelEvents.ALL);
}
