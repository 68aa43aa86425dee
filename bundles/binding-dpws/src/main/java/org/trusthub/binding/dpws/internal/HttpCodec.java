package org.trusthub.binding.dpws.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The HTTP/1.1 wire format the {@link HttpServer} speaks: reads one request (request line, headers, a Content-Length
 * or chunked body) within the header and DPWS body limits, refusing anything a second parser could read differently,
 * and writes one response. No sockets, threads or deadlines: those are the server's.
 */
final class HttpCodec {

    static final int MAX_HEADER_BYTES = 8192;

    private HttpCodec() {
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

    /** A POST the server read: its path and its body. */
    record Request(String path, byte[] body) {
    }

    static Request read(InputStream in) throws IOException, HttpError {
        String requestLine = line(in);
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new HttpError(400, "malformed request line");
        }
        long contentLength = -1;
        boolean chunked = false;
        int headerBytes = requestLine.length();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            headerBytes += h.length() + 2;
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new HttpError(431, "request headers exceed " + MAX_HEADER_BYTES + " bytes");
            }
            int colon = h.indexOf(':');
            // No whitespace before or inside the name, no obsolete line folding: a name that one parser reads
            // and another skips is how requests are smuggled.
            if (colon <= 0 || !isToken(h, colon)) {
                throw new HttpError(400, "malformed header line");
            }
            String name = h.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                if (contentLength >= 0) {
                    throw new HttpError(400, "more than one Content-Length");
                }
                contentLength = contentLength(value);
            } else if (name.equals("transfer-encoding")) {
                // chunked is the one transfer coding this server decodes; any other would be read as the body.
                if (chunked || !value.equalsIgnoreCase("chunked")) {
                    throw new HttpError(501, "only Transfer-Encoding: chunked is understood");
                }
                chunked = true;
            }
        }
        if (chunked && contentLength >= 0) {
            throw new HttpError(400, "both Content-Length and Transfer-Encoding");
        }
        if (!parts[0].equals("POST")) {
            throw new HttpError(405, "only POST carries SOAP messages here");
        }
        byte[] body;
        if (chunked) {
            body = readChunked(in, headerBytes);
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
        return new Request(parts[1], body);
    }

    private static boolean isToken(String h, int end) {
        for (int i = 0; i < end; i++) {
            char c = h.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Digits only: Long.parseLong would also take a sign. */
    private static long contentLength(String value) throws HttpError {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new HttpError(400, "malformed Content-Length");
        }
        return Long.parseLong(value);
    }

    /** Hex digits only, at most 7 of them (the DPWS limit is far below 0x10000000): no sign, no overflow. */
    private static int chunkSize(String text) throws HttpError {
        if (text.isEmpty() || text.length() > 7 || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new HttpError(400, "malformed chunk size");
        }
        return Integer.parseInt(text, 16);
    }

    /** Trailer lines count against the same limit as the headers, which already used {@code headerBytes}. */
    private static byte[] readChunked(InputStream in, int headerBytes) throws IOException, HttpError {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        // Chunk-size lines (with extensions) are framing, not body: bounded too, so a client sending one byte per
        // chunk with a long extension cannot make the server read far more than the DPWS limit.
        long framing = 0;
        while (true) {
            String sizeLine = line(in);
            framing += sizeLine.length() + 4;
            if (framing > Xml.MAX_HTTP) {
                throw new HttpError(413, "chunk framing exceeds " + Xml.MAX_HTTP + " bytes");
            }
            int semi = sizeLine.indexOf(';');
            int size = chunkSize((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim());
            if (body.size() + (long) size > Xml.MAX_HTTP) {
                throw new HttpError(413, "chunked envelope exceeds the DPWS limit of " + Xml.MAX_HTTP);
            }
            if (size == 0) {
                // Trailers are read past and ignored, within what is left of the header limit.
                int trailerBytes = headerBytes;
                for (String t = line(in); !t.isEmpty(); t = line(in)) {
                    trailerBytes += t.length() + 2;
                    if (trailerBytes > MAX_HEADER_BYTES) {
                        throw new HttpError(431, "request headers and trailers exceed " + MAX_HEADER_BYTES
                                + " bytes");
                    }
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                throw new HttpError(400, "truncated chunk");
            }
            body.write(chunk);
            if (!line(in).isEmpty()) {
                throw new HttpError(400, "chunk data longer than its size");
            }
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

    static void write(OutputStream out, HttpServer.Response r, String contentType) throws IOException {
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
            case 501 -> "Not Implemented";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }
}
