package org.trusthub.binding.dpws.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import org.trusthub.api.thing.ThingId;

/**
 * One SOAP POST over TLS with the hub's client context. Not the JDK HttpClient: it insists on matching the host name
 * against the certificate, while hub and thing certificates name no host. Trust here is the thing the caller means to
 * reach: with a server thing given, the handshake succeeds only when the server presents that thing's enrolled
 * certificate (or a tls anchor's certificate for its enrolled key), never merely some trusted certificate.
 */
final class HttpsPost {

    record Answer(int status, byte[] body) {
    }

    private HttpsPost() {
    }

    /**
     * @param server the thing the caller means to reach, or null when it knows none (then any enrolled thing is
     *        accepted as server)
     */
    static Answer post(Tls tls, URI to, ThingId server, byte[] envelope, Duration timeout) throws IOException {
        return exchange(tls, to, server, envelope, timeout, Xml.MAX_HTTP);
    }

    /** A GET of a document (a referenced WSDL), read no further than one byte past {@code limit}. */
    static Answer get(Tls tls, URI to, ThingId server, Duration timeout, int limit) throws IOException {
        return exchange(tls, to, server, null, timeout, limit);
    }

    // envelope null: GET
    private static Answer exchange(Tls tls, URI to, ThingId server, byte[] envelope, Duration timeout, int limit)
            throws IOException {
        int port = to.getPort() < 0 ? 443 : to.getPort();
        String path = to.getRawPath() == null || to.getRawPath().isEmpty() ? "/" : to.getRawPath();
        if (to.getRawQuery() != null) {
            path += "?" + to.getRawQuery();
        }
        boolean connected = false;
        SSLContext context = server == null ? tls.clientContext() : tls.clientContext(server);
        // The answer must be in within the timeout of the request going out, however slowly it trickles.
        long until = System.nanoTime() + timeout.toNanos();
        try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress(to.getHost(), port), (int) timeout.toMillis());
            connected = true;
            s.setSoTimeout((int) timeout.toMillis());
            s.setSSLParameters(tls.clientParameters());
            s.startHandshake();
            String head = envelope == null
                    ? "GET " + path + " HTTP/1.1\r\nHost: " + to.getRawAuthority() + "\r\nConnection: close\r\n\r\n"
                    : "POST " + path + " HTTP/1.1\r\nHost: " + to.getRawAuthority() + "\r\n"
                    + "Content-Type: application/soap+xml; charset=utf-8\r\nContent-Length: " + envelope.length
                    + "\r\nConnection: close\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            if (envelope != null) {
                out.write(envelope);
            }
            out.flush();
            return read(new BufferedInputStream(new DeadlineInput(s, s.getInputStream(), until)), to, limit);
        } catch (SSLException | SocketException e) {
            if (!connected) {
                throw e;
            }
            // In TLS 1.3 the server checks the client's certificate after the client's side of the handshake is
            // done: its refusal of the hub's certificate arrives as an alert or a reset on a later write or read.
            throw new IOException("TLS handshake with " + Xml.printable(to.getHost()) + ":" + port
                    + " failed (the peer's certificate is not " + (server == null ? "a trusted thing's" : "that of '"
                            + server + "'") + ", or the peer does not trust the hub's): " + e.getMessage(), e);
        }
    }

    private static Answer read(InputStream in, URI to, int limit) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        int status;
        try {
            status = parts.length >= 2 && parts[0].startsWith("HTTP/1.") ? Integer.parseInt(parts[1]) : -1;
        } catch (NumberFormatException e) {
            status = -1;
        }
        if (status < 100) {
            throw new IOException("malformed HTTP status line from " + to);
        }
        long length = -1;
        int headerBytes = 0;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            headerBytes += h.length();
            if (headerBytes > 8192) {
                throw new IOException("response headers from " + to + " exceed 8192 bytes");
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IOException("malformed Content-Length from " + to);
                }
            } else if (name.equals("transfer-encoding") && !value.equalsIgnoreCase("identity")) {
                throw new IOException("HTTPS response from " + to + " uses Transfer-Encoding " + Xml.printable(value)
                        + ", which this client does not read");
            }
        }
        // one byte past the limit, so the caller sees an oversize body as such
        int cap = limit + 1;
        byte[] body = in.readNBytes(length < 0 ? cap : (int) Math.min(length, cap));
        return new Answer(status, body);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int len = b.length();
                return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
            }
            if (b.length() >= 8192) {
                throw new IOException("HTTP header line too long");
            }
            b.append((char) c);
        }
        throw new IOException("connection closed in the middle of the response");
    }
}
