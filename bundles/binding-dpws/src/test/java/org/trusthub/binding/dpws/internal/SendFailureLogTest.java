package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A destination the host cannot send to (an interface without an IPv6 multicast route: "Network is unreachable" on
 * every copy of every message) is reported once, not once per retransmission, and sending elsewhere goes on.
 */
class SendFailureLogTest {

    @Test
    void aFailingDestinationIsReportedOnceAndOtherSendsGoOn() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        UdpTransport udp = new UdpTransport(0, List.of(), true, false, scheduler, (d, n, f, m) -> { });
        PrintStream stderr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        // slf4j-simple writes to System.err: keep a copy of what this test makes it say.
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            udp.start();
            byte[] data = "<x/>".getBytes(StandardCharsets.UTF_8);
            // A socket bound to loopback cannot reach a non-loopback address (the kernel refuses, EINVAL): a
            // destination that fails on every send, as ff02::c does on an interface without an IPv6 route.
            InetSocketAddress unreachable = new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 3702);
            for (int i = 0; i < 20; i++) {
                udp.unicast(data, unreachable, 0);
            }
            // The retransmissions are scheduled; let them all run before counting.
            scheduler.submit(() -> { }).get();
            scheduler.schedule(() -> { }, UdpTransport.UDP_UPPER_DELAY * 2L, TimeUnit.MILLISECONDS).get();

            peer.setSoTimeout(5000);
            udp.unicast(data, (InetSocketAddress) peer.getLocalSocketAddress(), 0);
            DatagramPacket p = new DatagramPacket(new byte[64], 64);
            peer.receive(p);
            assertEquals("<x/>", new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8),
                    "sending to a reachable peer stopped");
        } finally {
            System.setErr(stderr);
            udp.close();
            scheduler.shutdownNow();
        }
        String text = logs.toString(StandardCharsets.UTF_8);
        long warnings = text.lines().filter(l -> l.contains("WARN") && l.contains("cannot send to")).count();
        assertEquals(1, warnings, text);
        assertTrue(text.contains("sending to unicast IPv4 peers works again"), text);
    }
}
