package org.trusthub.itests;

import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the DPWS integration tests say on the wire (a unicast probe, a SOAP POST) in one place. */
final class DpwsWire {

    private DpwsWire() {
    }

    /** A shell command's output, or null while a configuration change has the binding's commands away. */
    static String tryRun(Shell shell, String command) {
        try {
            return shell.run(command);
        } catch (AssertionError | Exception e) {
            return null;
        }
    }

    /** Sends a discovery message to 127.0.0.1:port and returns the first answer, retrying while the binding restarts. */
    static String udpExchange(String message, int port) throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(1000);
            byte[] data = message.getBytes(StandardCharsets.UTF_8);
            for (int attempt = 0; attempt < 10; attempt++) {
                s.send(new DatagramPacket(data, data.length, new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        port)));
                DatagramPacket p = new DatagramPacket(new byte[8192], 8192);
                try {
                    s.receive(p);
                    return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                } catch (SocketTimeoutException e) {
                    // the binding may still be restarting with the new configuration
                }
            }
            throw new AssertionError("no answer from 127.0.0.1:" + port);
        }
    }

    /** POSTs a SOAP 1.2 body and returns the answer, failing with the URL and the answer on any other status. */
    static String post(String url, String body, int expectedStatus) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/soap+xml; charset=utf-8");
        try (OutputStream out = c.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        int status = c.getResponseCode();
        String answer;
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (status != expectedStatus) {
            throw new AssertionError("POST " + url + ": expected " + expectedStatus + " but was " + status + ": "
                    + answer);
        }
        return answer;
    }

    static String between(String text, String start, String end) {
        Matcher m = Pattern.compile(Pattern.quote(start) + "([^<]*)" + Pattern.quote(end)).matcher(text);
        assertTrue(text, m.find());
        return m.group(1).trim();
    }
}
