package org.trusthub.binding.dpws.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;

/**
 * The smallest HTTP/1.1 server SOAP needs: POST with a Content-Length or chunked body, one exchange per
 * connection. Bodies over the DPWS limit are refused before they are read to the end. Written here because the
 * JDK's com.sun.net.httpserver is not exported by Karaf's system bundle.
 *
 * <p>Every resource a client can hold is bounded ({@link Limits}): connections in total and per source address
 * (global IPv6 sources by /64; over either, a connection is reset at once, so it holds no descriptor; when all
 * slots are taken, a source holding more than its fair part gives up its oldest unfinished request to a source
 * holding fewer), one worker per admitted connection and
 * no unbounded queue, an absolute deadline for the whole request (TLS handshake, headers, body) and again for
 * writing the answer, header and trailer bytes together under one limit. A failing {@code accept()} (out of file
 * descriptors) backs off instead of spinning. The bytes of a request and a response are {@link HttpCodec}'s.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    static final long FIRST_BACKOFF_MILLIS = 50;
    static final long MAX_BACKOFF_MILLIS = 2000;

    /**
     * @param maxConnections          connections served at once (each holds a worker thread and a descriptor)
     * @param maxConnectionsPerSource connections one source address may hold at once
     * @param requestTimeout          absolute deadline for receiving a whole request, and for sending the answer
     */
    public record Limits(int maxConnections, int maxConnectionsPerSource, Duration requestTimeout) {

        public static final Limits DEFAULT = new Limits(64, 8, Duration.ofSeconds(10));

        public Limits {
            if (maxConnections < 1 || maxConnections > 4096) {
                throw new IllegalArgumentException("maxConnections must be 1 to 4096, not " + maxConnections);
            }
            if (maxConnectionsPerSource < 1 || maxConnectionsPerSource > maxConnections) {
                throw new IllegalArgumentException("maxConnectionsPerSource must be 1 to maxConnections ("
                        + maxConnections + "), not " + maxConnectionsPerSource);
            }
            if (requestTimeout == null || requestTimeout.toMillis() < 100 || requestTimeout.toSeconds() > 300) {
                throw new IllegalArgumentException("requestTimeout must be 0.1 s to 300 s, not " + requestTimeout);
            }
        }
    }

    public record Response(int status, byte[] body) {
    }

    public interface Handler {
        /** Handles a POSTed SOAP body; a null response means 202 Accepted with no body (one-way message). */
        Response post(String path, byte[] body, InetSocketAddress peer, InetSocketAddress local);
    }

    /** How the accept loop waits after a failure; tests record the waits instead of sleeping. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final ServerSocket server;
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor deadlines;
    private final Handler handler;
    private final Limits limits;
    private final Sleeper sleeper;
    private final Thread acceptor;
    private volatile boolean closed;
    private final Map<InetAddress, Integer> perSource = new HashMap<>();
    /** An admitted connection; guarded by the server's lock. */
    private static final class Connection {
        final Socket socket;
        final InetAddress source;
        boolean counted = true;
        volatile boolean receiving = true;

        Connection(Socket socket, InetAddress source) {
            this.socket = socket;
            this.source = source;
        }
    }

    // Every admitted connection until its worker is done, oldest first: close() resets them, since neither
    // interrupting a worker nor the (then cancelled) deadlines would end a read or write blocked on one.
    private final Map<Socket, Connection> live = new java.util.LinkedHashMap<>();
    private int open;
    // Anyone can open connections, fail a handshake or send a request that fails: each reason once a minute.
    private final LogLimiter logs = new LogLimiter(Duration.ofMinutes(1), 1);

    private final java.util.function.Supplier<Tls> tls;

    public HttpServer(InetAddress bind, int port, Limits limits, Handler handler) throws IOException {
        this(bind, port, limits, handler, null);
    }

    /**
     * With a non-null {@code tls} every connection is HTTPS: the supplier gives the current contexts, and while it
     * gives null (https configured, no TLS provider registered) connections are closed unserved rather than
     * answered in the clear.
     */
    public HttpServer(InetAddress bind, int port, Limits limits, Handler handler,
            java.util.function.Supplier<Tls> tls) throws IOException {
        this(bound(bind, port), limits, handler, tls, Thread::sleep);
    }

    HttpServer(ServerSocket server, Limits limits, Handler handler, java.util.function.Supplier<Tls> tls,
            Sleeper sleeper) {
        this.tls = tls;
        this.server = server;
        this.limits = limits;
        this.sleeper = sleeper;
        // Admission already caps connections at maxConnections, so the queue never holds more than that.
        this.workers = new ThreadPoolExecutor(limits.maxConnections(), limits.maxConnections(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.maxConnections()), r -> {
                    Thread t = new Thread(r, "dpws-http");
                    t.setDaemon(true);
                    return t;
                });
        this.workers.allowCoreThreadTimeOut(true);
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dpws-http-deadline");
            t.setDaemon(true);
            return t;
        });
        this.deadlines.setRemoveOnCancelPolicy(true);
        this.handler = handler;
        this.acceptor = new Thread(this::accept, "dpws-http-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    private static ServerSocket bound(InetAddress bind, int port) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(bind, port), 50);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public Limits limits() {
        return limits;
    }

    /** Connections being served now. */
    synchronized int openConnections() {
        return open;
    }

    private void accept() {
        long backoff = 0;
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
                backoff = 0;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // Typically EMFILE: retrying at once would spin and log without end while nothing can be accepted.
                OptionalLong due = logs.admit("accept failed");
                if (due.isPresent()) {
                    LOG.warn("DPWS HTTP: accept failed ({} time(s) since the last report), backing off: {}",
                            due.getAsLong() + 1, e.toString());
                }
                backoff = backoff == 0 ? FIRST_BACKOFF_MILLIS : Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                try {
                    sleeper.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            InetAddress source = sourceOf(s.getInetAddress());
            Connection c = admit(s, source);
            if (c == null) {
                reset(s);
                continue;
            }
            try {
                workers.execute(() -> {
                    try {
                        serve(c);
                    } finally {
                        release(c);
                    }
                });
            } catch (RejectedExecutionException e) {
                release(c);
                reset(s);
            }
        }
    }

    /**
     * The source a connection counts against. An IPv6 host usually holds a whole /64 and can pick a new address
     * per connection, so global IPv6 sources count by their /64. Link-local and loopback addresses share one
     * prefix across every host on the link, so they count one by one.
     */
    static InetAddress sourceOf(InetAddress a) {
        if (!(a instanceof java.net.Inet6Address) || a.isLinkLocalAddress() || a.isLoopbackAddress()) {
            return a;
        }
        byte[] prefix = java.util.Arrays.copyOf(a.getAddress(), 16);
        java.util.Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    /**
     * Admits a connection within the limits, or returns null. When every slot is taken, a source holding at least
     * two more connections than this one gives up its oldest that is still sending its request: many sources
     * holding idle connections cannot keep a new source out until their deadlines pass.
     */
    private synchronized Connection admit(Socket s, InetAddress source) {
        int mine = perSource.getOrDefault(source, 0);
        Connection evict = null;
        if (mine < limits.maxConnectionsPerSource() && open >= limits.maxConnections()) {
            evict = evictable(mine);
        }
        if (mine >= limits.maxConnectionsPerSource() || (open >= limits.maxConnections() && evict == null)) {
            OptionalLong due = logs.admit("over the limit");
            if (due.isPresent()) {
                LOG.info("DPWS HTTP: refused {} connection(s) over the limit since the last report (now {} from {}, "
                        + "{} in all; limits {} per source, {} in all)", due.getAsLong() + 1, mine, source, open,
                        limits.maxConnectionsPerSource(), limits.maxConnections());
            }
            return null;
        }
        if (evict != null) {
            uncount(evict);
            reset(evict.socket);
        }
        perSource.put(source, mine + 1);
        open++;
        Connection c = new Connection(s, source);
        live.put(s, c);
        return c;
    }

    private Connection evictable(int mine) {
        InetAddress top = null;
        int most = mine + 1;
        for (Map.Entry<InetAddress, Integer> e : perSource.entrySet()) {
            if (e.getValue() > most) {
                top = e.getKey();
                most = e.getValue();
            }
        }
        if (top == null) {
            return null;
        }
        for (Connection c : live.values()) {
            if (c.counted && c.receiving && c.source.equals(top)) {
                return c;
            }
        }
        return null;
    }

    private void uncount(Connection c) {
        if (c.counted) {
            c.counted = false;
            open--;
            perSource.computeIfPresent(c.source, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    private synchronized void release(Connection c) {
        uncount(c);
        live.remove(c.socket);
    }

    // An RST frees the descriptor now; a normal close would keep the socket in FIN_WAIT/TIME_WAIT.
    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException e) {
            // closing anyway
        }
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Closes the socket when the deadline passes, which ends any read or write blocked on it. */
    private Future<?> deadline(Socket plain) {
        try {
            return deadlines.schedule(() -> reset(plain), limits.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The server is closing: nothing more is served.
            reset(plain);
            return CompletableFuture.completedFuture(null);
        }
    }

    private void serve(Connection c) {
        Socket plain = c.socket;
        Future<?> receiving = deadline(plain);
        final Socket s = tls == null ? plain : handshake(plain);
        if (s == null) {
            receiving.cancel(false);
            return;
        }
        long until = System.nanoTime() + limits.requestTimeout().toNanos();
        try (s) {
            s.setSoTimeout((int) limits.requestTimeout().toMillis());
            InputStream in = new BufferedInputStream(new DeadlineInput(s, s.getInputStream(), until));
            OutputStream out = s.getOutputStream();
            Response r;
            try {
                HttpCodec.Request req = HttpCodec.read(in);
                c.receiving = false;
                receiving.cancel(false);
                r = handler.post(req.path(), req.body(), (InetSocketAddress) s.getRemoteSocketAddress(),
                        (InetSocketAddress) s.getLocalSocketAddress());
            } catch (HttpCodec.HttpError e) {
                receiving.cancel(false);
                LOG.debug("DPWS HTTP: refused a request from {}: {}", s.getRemoteSocketAddress(), e.getMessage());
                r = new Response(e.status, e.getMessage().getBytes(StandardCharsets.UTF_8));
                Future<?> sending = deadline(plain);
                try {
                    HttpCodec.write(out, r, "text/plain; charset=utf-8");
                    // Past the request's deadline reader: the discarding has its own, shorter bound.
                    lingeringClose(s, s.getInputStream());
                } finally {
                    sending.cancel(false);
                }
                return;
            }
            Future<?> sending = deadline(plain);
            try {
                if (r == null) {
                    HttpCodec.write(out, new Response(202, new byte[0]), null);
                } else {
                    HttpCodec.write(out, r, "application/soap+xml; charset=utf-8");
                }
            } finally {
                sending.cancel(false);
            }
        } catch (SocketException e) {
            LOG.debug("DPWS HTTP: connection dropped: {}", e.toString());
        } catch (IOException e) {
            LOG.debug("DPWS HTTP: exchange failed: {}", e.toString());
        } catch (RuntimeException e) {
            // A request may be able to cause this again and again: reported at most once a minute.
            OptionalLong due = logs.admit("failed");
            if (due.isPresent()) {
                long held = due.getAsLong();
                LOG.warn("DPWS HTTP: exchange failed: {} ({} more since the last report)", e.toString(), held);
            }
        } finally {
            receiving.cancel(false);
        }
    }

    // Anyone can make a handshake fail: reported at most once a minute.
    private Socket handshakeFailed(Socket plain, String why) {
        OptionalLong due = logs.admit("handshake");
        if (due.isPresent()) {
            long held = due.getAsLong();
            LOG.info("DPWS HTTPS: refused a connection from {} (and {} more since the last report): {}",
                    plain.getRemoteSocketAddress(), held, why);
        }
        try {
            plain.close();
        } catch (IOException e) {
            // closing anyway
        }
        return null;
    }

    private Socket handshake(Socket plain) {
        Tls t = tls.get();
        if (t == null) {
            return handshakeFailed(plain, "https is configured but no TLS provider (TlsContexts) is registered");
        }
        try {
            plain.setSoTimeout((int) limits.requestTimeout().toMillis());
            javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) t.serverContext().getSocketFactory()
                    .createSocket(plain, null, true);
            s.setSSLParameters(t.serverParameters());
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            return handshakeFailed(plain, "TLS handshake failed: " + e.getMessage());
        }
    }

    // The refused body may still be on its way: closing at once would reset the connection and the client would
    // see a broken pipe instead of the answer. Discard a bounded amount for a short while, then close.
    private static void lingeringClose(Socket s, InputStream in) {
        try {
            s.shutdownOutput();
            s.setSoTimeout(1000);
            byte[] sink = new byte[8192];
            long left = 1 << 20;
            int n;
            while (left > 0 && (n = in.read(sink)) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the DPWS HTTP server: {}", e.toString());
        }
        workers.shutdownNow();
        deadlines.shutdownNow();
        // After shutdownNow, a connection the acceptor still hands over is refused and reset by it.
        List<Socket> serving;
        synchronized (this) {
            serving = List.copyOf(live.keySet());
        }
        serving.forEach(HttpServer::reset);
    }
}
