package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.NetworkInterface;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.Test;

/**
 * An interface list on which no enabled address family has an address (an IPv6-only stack on an interface whose
 * link-local address has not appeared yet) is refused when the transport starts, naming the interfaces, rather than
 * starting with no socket and failing later where nobody can tell why.
 */
class UdpTransportStartTest {

    @Test
    void noAddressOfAnEnabledFamilyIsRefusedAtStartNamingTheInterfaces() throws Exception {
        NetworkInterface lo = NetworkInterface.networkInterfaces().filter(n -> {
            try {
                return n.isLoopback();
            } catch (java.net.SocketException e) {
                return false;
            }
        }).findFirst().orElseThrow();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            UdpTransport udp = new UdpTransport(0, List.of(lo), false, false, scheduler, (d, n, f, m) -> { });
            IOException e = assertThrows(IOException.class, udp::start);
            assertTrue(e.getMessage().contains(lo.getName()) && e.getMessage().contains("nothing to listen on"),
                    e.getMessage());
        } finally {
            scheduler.shutdownNow();
        }
    }
}
