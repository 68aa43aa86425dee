package org.trusthub.binding.dpws.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The smallest HTTP/1.1 server SOAP needs: POST with a Content-Length or chunked body, one exchange per
 * connection. Bodies over the DPWS limit are refused before they are read to the end. Written here because the
 * JDK's com.sun.net.httpserver is not exported by Karaf's system bundle.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final int MAX_HEADER_BYTES = 8192;
    private static final int TIMEOUT_MILLIS = 10_000;

    public record Response(int status, byte[] body) {
    }

    public interface Handler {
        /** Handles a POSTed SOAP body; a null response means 202 Accepted with no body (one-way message). */
        Response post(String path, byte[] body, InetSocketAddress peer, InetSocketAddress local);
    }

    /** A request the server refuses without calling the handler. */
    static final class HttpError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final ServerSocket server;
    private final ExecutorService workers;
    private final Handler handler;
    private final Thread acceptor;
    private volatile boolean closed;

    private final java.util.function.Supplier<Tls> tls;

    public HttpServer(InetAddress bind, int port, int threads, Handler handler) throws IOException {
        this(bind, port, threads, handler, null);
    }

    /**
     * With a non-null {@code tls} every connection is HTTPS: the supplier gives the current contexts, and while it
     * gives null (https configured, no TLS provider registered) connections are closed unserved rather than
     * answered in the clear.
     */
    public HttpServer(InetAddress bind, int port, int threads, Handler handler,
            java.util.function.Supplier<Tls> tls) throws IOException {
        this.tls = tls;
        this.server = new ServerSocket();
        this.server.setReuseAddress(true);
        this.server.bind(new InetSocketAddress(bind, port), 50);
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "dpws-http");
            t.setDaemon(true);
            return t;
        });
        this.handler = handler;
        this.acceptor = new Thread(this::accept, "dpws-http-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                try {
                    workers.execute(() -> serve(s));
                } catch (RejectedExecutionException e) {
                    s.close();
                }
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("DPWS HTTP: accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket plain) {
        final Socket s = tls == null ? plain : handshake(plain);
        if (s == null) {
            return;
        }
        try (s) {
            s.setSoTimeout(TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            Response r;
            try {
                r = exchange(in, (InetSocketAddress) s.getRemoteSocketAddress(),
                        (InetSocketAddress) s.getLocalSocketAddress());
            } catch (HttpError e) {
                LOG.info("DPWS HTTP: refused a request from {}: {}", s.getRemoteSocketAddress(), e.getMessage());
                r = new Response(e.status, e.getMessage().getBytes(StandardCharsets.UTF_8));
                write(out, r, "text/plain; charset=utf-8");
                lingeringClose(s, in);
                return;
            }
            if (r == null) {
                write(out, new Response(202, new byte[0]), null);
            } else {
                write(out, r, "application/soap+xml; charset=utf-8");
            }
        } catch (SocketException e) {
            LOG.debug("DPWS HTTP: connection dropped: {}", e.toString());
        } catch (IOException | RuntimeException e) {
            LOG.warn("DPWS HTTP: exchange failed: {}", e.toString());
        }
    }

    private static Socket handshakeFailed(Socket plain, String why) {
        LOG.info("DPWS HTTPS: refused a connection from {}: {}", plain.getRemoteSocketAddress(), why);
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
            plain.setSoTimeout(TIMEOUT_MILLIS);
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

    private Response exchange(InputStream in, InetSocketAddress peer, InetSocketAddress local) throws IOException, HttpError {
        String requestLine = line(in);
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new HttpError(400, "malformed request line");
        }
        long contentLength = -1;
        boolean chunked = false;
        int headerBytes = requestLine.length();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            headerBytes += h.length();
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new HttpError(431, "request headers exceed " + MAX_HEADER_BYTES + " bytes");
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new HttpError(400, "malformed header line");
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new HttpError(400, "malformed Content-Length");
                }
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        if (!parts[0].equals("POST")) {
            throw new HttpError(405, "only POST carries SOAP messages here");
        }
        byte[] body;
        if (chunked) {
            body = readChunked(in);
        } else if (contentLength < 0) {
            throw new HttpError(411, "Content-Length required");
        } else if (contentLength > Xml.MAX_HTTP) {
            throw new HttpError(413, "envelope of " + contentLength + " bytes exceeds the DPWS limit of "
                    + Xml.MAX_HTTP);
        } else {
            body = in.readNBytes((int) contentLength);
            if (body.length != contentLength) {
                throw new HttpError(400, "body shorter than its Content-Length");
            }
        }
        return handler.post(parts[1], body, peer, local);
    }

    private static byte[] readChunked(InputStream in) throws IOException, HttpError {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in);
            int semi = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new HttpError(400, "malformed chunk size");
            }
            if (size < 0 || body.size() + (long) size > Xml.MAX_HTTP) {
                throw new HttpError(413, "chunked envelope exceeds the DPWS limit of " + Xml.MAX_HTTP);
            }
            if (size == 0) {
                for (String t = line(in); !t.isEmpty(); t = line(in)) {
                    // trailers are ignored
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                throw new HttpError(400, "truncated chunk");
            }
            body.write(chunk);
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException, HttpError {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int len = b.length();
                return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
            }
            if (b.length() >= MAX_HEADER_BYTES) {
                throw new HttpError(431, "header line too long");
            }
            b.append((char) c);
        }
        throw new HttpError(400, "connection closed in the middle of the request");
    }

    private static void write(OutputStream out, Response r, String contentType) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status())).append("\r\n");
        if (contentType != null && r.body().length > 0) {
            h.append("Content-Type: ").append(contentType).append("\r\n");
        }
        h.append("Content-Length: ").append(r.body().length).append("\r\n");
        h.append("Connection: close\r\n\r\n");
        out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(r.body());
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 202 -> "Accepted";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 411 -> "Length Required";
            case 413 -> "Payload Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            default -> "Status";
        };
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
    }
}
