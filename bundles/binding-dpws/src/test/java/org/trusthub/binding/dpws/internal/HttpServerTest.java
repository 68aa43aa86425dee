package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trusthub.testkit.Await;

/** What a client of the SOAP endpoint can hold, and for how long: each limit of {@link HttpServer.Limits}. */
class HttpServerTest {

    final AtomicInteger handled = new AtomicInteger();
    final List<Socket> clients = new ArrayList<>();
    HttpServer server;

    HttpServer start(HttpServer.Limits limits) throws IOException {
        server = new HttpServer(InetAddress.getLoopbackAddress(), 0, limits, (path, body, peer, local) -> {
            handled.incrementAndGet();
            return new HttpServer.Response(200, "ok".getBytes(StandardCharsets.US_ASCII));
        });
        return server;
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : clients) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A connection from {@code source} (any 127.0.0.0/8 address), kept until the test ends. */
    Socket connect(String source) throws IOException {
        Socket s = new Socket();
        clients.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5000);
        s.setSoTimeout(5000);
        return s;
    }

    static String post(String body) {
        return "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    /** The status line of the answer to a whole request. */
    static String exchange(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        byte[] answer = s.getInputStream().readAllBytes();
        String text = new String(answer, StandardCharsets.US_ASCII);
        return text.isEmpty() ? "" : text.substring(0, text.indexOf("\r\n"));
    }

    /** Whether a new connection from {@code source} is refused: reset while connecting or right after. */
    boolean refused(String source) {
        try {
            return closedByServer(connect(source));
        } catch (IOException e) {
            return true;
        }
    }

    /** Whether the server closed or reset the connection without answering (never true for one left waiting). */
    static boolean closedByServer(Socket s) {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void aClientTricklingItsHeadersIsCutOffAtTheRequestDeadline() throws Exception {
        start(new HttpServer.Limits(8, 4, Duration.ofSeconds(1)));
        Socket slow = connect("127.0.0.1");
        OutputStream out = slow.getOutputStream();
        out.write("POST /x HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        // One byte every 100 ms keeps each single read well inside any per-read timeout; 100 rounds is 10 s, ten
        // times the deadline. The server must close the connection long before the loop ends by itself.
        boolean cut = false;
        for (int i = 0; i < 100 && !cut; i++) {
            try {
                out.write('a');
                out.flush();
                Thread.sleep(100);
            } catch (IOException e) {
                cut = true;
            }
        }
        assertTrue(cut || closedByServer(slow), "a trickling client kept its connection past the deadline");
        assertEquals(0, handled.get());
        assertEquals("HTTP/1.1 200 OK", exchange(connect("127.0.0.1"), post("<a/>")), "the server still serves");
    }

    @Test
    void trailersCountAgainstTheHeaderLimit() throws Exception {
        start(HttpServer.Limits.DEFAULT);
        StringBuilder request = new StringBuilder("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\n<a/>\r\n0\r\n");
        for (int i = 0; i < 100; i++) {
            request.append("X-Trailer-").append(i).append(": ").append("t".repeat(100)).append("\r\n");
        }
        request.append("\r\n");
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large", exchange(connect("127.0.0.1"),
                request.toString()));
        assertEquals(0, handled.get());

        String small = "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n<a/>\r\n0\r\n"
                + "X-Trailer: t\r\n\r\n";
        assertEquals("HTTP/1.1 200 OK", exchange(connect("127.0.0.1"), small));
    }

    /** Framing that two HTTP parsers could read differently is refused, never guessed at. */
    @Test
    void ambiguousFramingIsRefused() throws Exception {
        start(HttpServer.Limits.DEFAULT);
        String head = "POST /x HTTP/1.1\r\nHost: h\r\n";
        Map<String, String> requests = new LinkedHashMap<>();
        requests.put("Content-Length with chunked", head + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\n<a/>\r\n0\r\n\r\n");
        requests.put("two Content-Lengths", head + "Content-Length: 4\r\nContent-Length: 4\r\n\r\n<a/>");
        requests.put("signed Content-Length", head + "Content-Length: +4\r\n\r\n<a/>");
        requests.put("negative Content-Length", head + "Content-Length: -4\r\n\r\n<a/>");
        requests.put("huge Content-Length", head + "Content-Length: 99999999999999999999999\r\n\r\n<a/>");
        requests.put("space before the colon", head + "Content-Length : 4\r\n\r\n<a/>");
        requests.put("folded Transfer-Encoding", head + "Content-Length: 4\r\n Transfer-Encoding: chunked\r\n\r\n<a/>");
        requests.put("another coding", head + "Transfer-Encoding: gzip, chunked\r\n\r\n4\r\n<a/>\r\n0\r\n\r\n");
        requests.put("chunked twice", head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\n<a/>\r\n0\r\n\r\n");
        String chunked = head + "Transfer-Encoding: chunked\r\n\r\n";
        requests.put("signed chunk size", chunked + "+4\r\n<a/>\r\n0\r\n\r\n");
        requests.put("negative chunk size", chunked + "-1\r\n<a/>\r\n0\r\n\r\n");
        requests.put("overflowing chunk size", chunked + "100000004\r\n<a/>\r\n0\r\n\r\n");
        requests.put("chunk longer than its size", chunked + "2\r\n<a/>\r\n0\r\n\r\n");
        int source = 10;
        for (Map.Entry<String, String> r : requests.entrySet()) {
            // A source each: a refused connection lingers a moment to let its answer arrive, holding its slot.
            String status = exchange(connect("127.0.0." + source++), r.getValue());
            assertTrue(status.matches("HTTP/1.1 (400|413|501) .*"), r.getKey() + " was answered " + status);
        }
        assertEquals(0, handled.get(), "a request with ambiguous framing reached the handler");
    }

    @Test
    void chunkFramingIsBounded() throws Exception {
        start(HttpServer.Limits.DEFAULT);
        // One body byte per chunk, each with a long extension: far more bytes on the wire than the DPWS limit.
        StringBuilder request = new StringBuilder("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
        String extension = ";x=" + "e".repeat(4000);
        for (int i = 0; i < 20; i++) {
            request.append("1").append(extension).append("\r\na\r\n");
        }
        request.append("0\r\n\r\n");
        assertEquals("HTTP/1.1 413 Payload Too Large", exchange(connect("127.0.0.1"), request.toString()));
        assertEquals(0, handled.get());
    }

    @Test
    void oneSourceGetsItsShareAndTheTotalIsCapped() throws Exception {
        start(new HttpServer.Limits(6, 2, Duration.ofSeconds(30)));
        Socket a1 = connect("127.0.0.2");
        Socket a2 = connect("127.0.0.2");
        a1.setSoTimeout(300);
        a2.setSoTimeout(300);
        assertTrue(refused("127.0.0.2"), "a third connection from one source was kept with a share of two");
        assertTrue(!closedByServer(a1) && !closedByServer(a2), "the source's first two connections wait");

        // Four more sources fill the total of six (one each).
        for (String source : List.of("127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6")) {
            connect(source).setSoTimeout(300);
        }
        awaitOpen(6);
        // A seventh source takes the slot of an unfinished request from the source holding the most (127.0.0.2).
        assertEquals("HTTP/1.1 200 OK", exchange(connect("127.0.0.7"), post("<a/>")));
        assertTrue(closedByServer(a1) || closedByServer(a2), "no connection of the source holding two was taken");
        awaitOpen(5);
        connect("127.0.0.7").setSoTimeout(300);
        awaitOpen(6);
        // Now every source holds one: nobody holds more than its part, and the total of six stays.
        assertTrue(refused("127.0.0.8"), "a seventh connection was kept with a total of six");
        assertEquals(6, server.openConnections());
    }

    /** Many sources, each within its share, holding every slot with idle connections do not keep a new one out. */
    @Test
    void idleConnectionsFromManySourcesYieldToANewSource() throws Exception {
        start(new HttpServer.Limits(8, 4, Duration.ofSeconds(30)));
        for (int i = 0; i < 8; i++) {
            connect("127.0.1." + (i / 4 + 1)).setSoTimeout(300);
        }
        awaitOpen(8);
        for (int i = 0; i < 4; i++) {
            assertEquals("HTTP/1.1 200 OK", exchange(connect("127.0.2." + (i + 1)), post("<a/>")),
                    "a new source was kept out by idle connections");
        }
        assertEquals(4, handled.get());
    }

    // The server counts a connection when it accepts it; the client's connect() returns before that.
    void awaitOpen(int n) {
        Await.until(n + " connections open", () -> server.openConnections() == n);
    }

    @Test
    void stoppingTheServerEndsTheConnectionsItServes() throws Exception {
        CountDownLatch answering = new CountDownLatch(1);
        server = new HttpServer(InetAddress.getLoopbackAddress(), 0, new HttpServer.Limits(8, 4,
                Duration.ofSeconds(120)), (path, body, peer, local) -> {
                    answering.countDown();
                    // Far more than the socket buffers hold: the worker blocks writing to a client that never reads.
                    return new HttpServer.Response(200, new byte[32 << 20]);
                });
        Socket idle = connect("127.0.0.2");
        Socket neverReads = connect("127.0.0.3");
        neverReads.getOutputStream().write(post("<a/>").getBytes(StandardCharsets.US_ASCII));
        assertTrue(answering.await(10, TimeUnit.SECONDS));
        awaitOpen(2);

        server.close();
        // Neither waits for its two-minute deadline: the stopped server resets both.
        assertTrue(closedByServer(idle), "an idle connection outlived the server");
        assertThrows(IOException.class, () -> neverReads.getInputStream().readAllBytes(),
                "the answer was still being written after the server stopped");
        awaitOpen(0);
    }

    @Test
    void anIpv6SourceCountsByItsSlash64() throws Exception {
        InetAddress a = HttpServer.sourceOf(InetAddress.getByName("2001:db8:1:2::1"));
        assertEquals(a, HttpServer.sourceOf(InetAddress.getByName("2001:db8:1:2:ffff:ffff:ffff:ffff")));
        assertTrue(!a.equals(HttpServer.sourceOf(InetAddress.getByName("2001:db8:1:3::1"))));
        // Every host on a link shares fe80::/64, and loopback and IPv4 sources are one host each.
        for (String own : List.of("fe80::1", "fe80::2", "::1", "127.0.0.1", "192.0.2.7")) {
            assertEquals(InetAddress.getByName(own), HttpServer.sourceOf(InetAddress.getByName(own)), own);
        }
    }

    @Test
    void aHandlerFailingOnEveryRequestIsReportedOnce() throws Throwable {
        server = new HttpServer(InetAddress.getLoopbackAddress(), 0, HttpServer.Limits.DEFAULT,
                (path, body, peer, local) -> {
                    handled.incrementAndGet();
                    throw new IllegalStateException("bug");
                });
        String text = RefusalLogLimitTest.logged(() -> {
            for (int i = 0; i < 200; i++) {
                assertEquals("", exchange(connect("127.0.3." + (i + 1)), post("<a/>")));
            }
        });
        assertEquals(200, handled.get());
        assertEquals(1, text.lines().filter(l -> l.contains("exchange failed")).count(), text);
    }

    @Test
    void aFailingAcceptBacksOffInsteadOfSpinning() throws Exception {
        List<Long> waits = new CopyOnWriteArrayList<>();
        CountDownLatch eight = new CountDownLatch(1);
        ServerSocket failing = new ServerSocket() {
            @Override
            public Socket accept() throws IOException {
                throw new IOException("Too many open files");
            }
        };
        server = new HttpServer(failing, HttpServer.Limits.DEFAULT, (p, b, peer, local) -> null, null, millis -> {
            waits.add(millis);
            if (waits.size() == 8) {
                eight.countDown();
                throw new InterruptedException("enough");
            }
        });
        assertTrue(eight.await(10, TimeUnit.SECONDS), "the accept loop never waited after a failure");
        assertEquals(List.of(50L, 100L, 200L, 400L, 800L, 1600L, 2000L, 2000L), waits);
    }

    @Test
    void limitsOutsideTheirRangesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new HttpServer.Limits(0, 1, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new HttpServer.Limits(8, 9, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new HttpServer.Limits(8, 2, Duration.ofSeconds(301)));
        assertThrows(IllegalArgumentException.class, () -> new HttpServer.Limits(8, 2, Duration.ZERO));
    }
}
