package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** A device (or a subscriber's NotifyTo) answering ever so slowly cannot hold the hub's client past its timeout. */
class SoapHttpClientTest {

    /**
     * Answers any request with a 100-byte body, one byte every 100 ms: each byte well inside a per-read timeout, the
     * whole ten times the client's one-second timeout.
     */
    static Thread trickler(ServerSocket server) {
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                for (int state = 0; state < 4; ) {
                    int c = in.read();
                    if (c < 0) {
                        return;
                    }
                    state = (c == (state % 2 == 0 ? '\r' : '\n')) ? state + 1 : 0;
                }
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 100; i++) {
                    out.write('a');
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // the client gave up: what this test wants
            }
        }, "trickler");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void anAnswerTricklingPastTheTimeoutIsAbandoned() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            trickler(server);
            SoapHttpClient client = new SoapHttpClient(Duration.ofSeconds(1));
            assertThrows(HttpTimeoutException.class, () -> client.post(URI.create("http://127.0.0.1:"
                    + server.getLocalPort() + "/x"), "<a/>".getBytes(StandardCharsets.UTF_8), Set.of()));
        }
    }
}
