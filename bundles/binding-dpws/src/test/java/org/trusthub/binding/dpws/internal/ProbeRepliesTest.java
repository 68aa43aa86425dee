package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.thing.ThingId;

/**
 * Probe answers that neither amplify nor break: with 100 hosted things a wildcard Probe finds every one, each reply
 * fits a SOAP-over-UDP datagram (one ProbeMatches per thing), the hub's own client collects the split answer, and
 * a flood of Probes from one source gets a bounded number of replies.
 */
class ProbeRepliesTest {

    static final DpwsVersion V = DpwsVersion.DPWS_2009;
    static final Pattern ADDRESS = Pattern.compile("Address>(urn:uuid:[0-9a-f-]{36})<");
    static final Pattern MESSAGE_ID = Pattern.compile("MessageID>([^<]+)<");

    DpwsStack host;
    DpwsStack client;

    DpwsStack host(int things) throws Exception {
        return host(things, Policies.plain());
    }

    DpwsStack host(int things, MessageSecurity security) throws Exception {
        List<ThingId> ids = IntStream.range(0, things).mapToObj(i -> ThingId.of(String.format("thing-%03d", i)))
                .toList();
        DpwsStack s = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, false, true, "hub-h",
                Duration.ofSeconds(5)), new ThingSource() {
                    @Override
                    public List<ThingId> hosted() {
                        return ids;
                    }

                    @Override
                    public Optional<String> state(ThingId thing) {
                        return Optional.of("OPERATIONAL");
                    }
                }, security);
        s.start();
        return s;
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (host != null) {
            host.close();
        }
    }

    static String probe() {
        return probe("urn:uuid:" + UUID.randomUUID());
    }

    static String probe(String messageId) {
        return "<s:Envelope xmlns:s='" + DpwsVersion.SOAP + "' xmlns:a='" + V.wsa + "' xmlns:d='" + V.wsd
                + "'><s:Header><a:Action>" + V.wsdAction("Probe") + "</a:Action><a:MessageID>"
                + messageId + "</a:MessageID><a:To>" + V.discoveryTo + "</a:To></s:Header><s:Body>"
                + "<d:Probe/></s:Body></s:Envelope>";
    }

    /** Sends the probes from one socket and returns every datagram that comes back until the host falls silent. */
    List<byte[]> probeFrom(DatagramSocket socket, int probes) throws Exception {
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), host.discoveryPort());
        for (int i = 0; i < probes; i++) {
            byte[] b = probe().getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(b, b.length, to));
        }
        List<byte[]> replies = new ArrayList<>();
        // SOAP-over-UDP repeats each reply within UDP_UPPER_DELAY; a longer silence means the host is done.
        socket.setSoTimeout(2 * UdpTransport.UDP_UPPER_DELAY + 500);
        byte[] buf = new byte[65536];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return replies;
            }
            replies.add(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        }
    }

    static Set<String> all(Pattern p, List<byte[]> datagrams) {
        Set<String> out = new TreeSet<>();
        for (byte[] d : datagrams) {
            Matcher m = p.matcher(new String(d, StandardCharsets.UTF_8));
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    Set<String> hostedAddresses() {
        return host.host().hosted().values().stream().map(DeviceHost.Hosted::address)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    Set<String> missing(Set<String> found) {
        Set<String> m = hostedAddresses();
        m.removeAll(found);
        return m;
    }

    @Test
    void aWildcardProbeFindsAllOfAHundredThingsInDatagramsThatFit() throws Exception {
        host = host(100);
        List<byte[]> replies;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setReceiveBufferSize(1 << 20);
            replies = probeFrom(socket, 1);
        }
        for (byte[] r : replies) {
            assertTrue(r.length <= Xml.MAX_UDP, "a reply of " + r.length + " bytes does not fit a datagram");
        }
        assertEquals(Set.of(), missing(all(ADDRESS, replies)), "the wildcard probe did not find these");
    }

    @Test
    void theHubsClientCollectsTheSplitReplies() throws Exception {
        host = host(100);
        client = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, true, false, "hub-c",
                Duration.ofSeconds(5)), null, Policies.plain());
        client.start();
        List<DiscoveryMessage.Endpoint> found = client.client().probe(List.of(), new InetSocketAddress(
                InetAddress.getLoopbackAddress(), host.discoveryPort()), Duration.ofSeconds(3));
        assertEquals(Set.of(), missing(found.stream().map(DiscoveryMessage.Endpoint::address)
                .collect(Collectors.toSet())), "the client's probe did not find these");
        assertEquals(100, client.client().devices().size());
    }

    @Test
    void aProbeFloodFromOneSourceGetsBoundedReplies() throws Exception {
        host = host(3);
        host.host().limits(new HostLimits(10, List.of()));
        List<byte[]> replies;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            replies = probeFrom(socket, 50);
        }
        // 10 replies a minute, 3 per answered Probe (the budget may go into debt by one answer): 4 Probes answered.
        Set<String> distinct = all(MESSAGE_ID, replies);
        assertFalse(distinct.isEmpty(), "the first probe was not answered");
        assertTrue(distinct.size() <= 12, distinct.size() + " replies to a flood of 50 probes");
        assertEquals(3, all(ADDRESS, replies).size());
    }

    @Test
    void theBudgetIsPerSourceChargedPerReplyAndRefills() throws Exception {
        AtomicLong now = new AtomicLong(0);
        SourceBudget b = new SourceBudget(6, now::get);
        InetAddress one = InetAddress.getByName("192.0.2.1");
        InetAddress two = InetAddress.getByName("192.0.2.2");
        assertTrue(b.charge(one, 4));
        assertTrue(b.charge(one, 4), "a source with budget left gets a whole answer");
        assertFalse(b.charge(one, 1), "a source in debt gets nothing");
        assertTrue(b.charge(two, 1), "another source has its own budget");
        now.addAndGet(Duration.ofSeconds(20).toNanos()); // 2 tokens back: from -2 to 0, still nothing
        assertFalse(b.charge(one, 1));
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertTrue(b.charge(one, 1));
        assertThrows(IllegalArgumentException.class, () -> new SourceBudget(0));
    }

    @Test
    void aTableFullOfSpoofedDebtorsStillAnswersNewSourcesAndKeepsRecentDebts() throws Exception {
        AtomicLong now = new AtomicLong(0);
        SourceBudget b = new SourceBudget(1, now::get);
        InetAddress victim = InetAddress.getByName("192.0.2.7");
        assertTrue(b.charge(victim, 5));
        // A flood from as many spoofed sources as the table holds, each driven into debt.
        for (int i = 0; i < SourceBudget.MAX_SOURCES - 1; i++) {
            assertTrue(b.charge(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}), 5));
        }
        assertFalse(b.charge(victim, 1), "the victim's debt was forgotten while the table had room");
        InetAddress fresh = InetAddress.getByName("192.0.2.9");
        assertTrue(b.charge(fresh, 1), "a table full of spoofed debtors locked a new source out of discovery");
        assertFalse(b.charge(victim, 1), "the most recent debtor gave way instead of the least recent one");
    }

    @Test
    void probeRepliesAreSignedAndSentOffTheThreadThatReadTheProbe() throws Exception {
        Set<Thread> signers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.CountDownLatch signed = new java.util.concurrent.CountDownLatch(100);
        SecuritySeamTest.MarkerSecurity recording = new SecuritySeamTest.MarkerSecurity("good") {
            @Override
            public void signDiscovery(org.w3c.dom.Document envelope) {
                // The host's own Hellos are signed by whoever starts it; only the answers matter here.
                if (envelope.getDocumentElement().getTextContent().contains(V.wsdAction("ProbeMatches"))) {
                    signers.add(Thread.currentThread());
                    signed.countDown();
                }
            }
        };
        host = host(100, Policies.with(() -> recording, Policies.signed()));
        byte[] b = probe().getBytes(StandardCharsets.UTF_8);
        // The reading thread hands the answer over: 100 signatures (RSA/ECDSA each) are not its work.
        host.onDatagram(b, b.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), false);
        assertTrue(signed.await(1, java.util.concurrent.TimeUnit.MINUTES), "not every reply was signed");
        assertFalse(signers.contains(Thread.currentThread()), "replies were signed on the thread that read the Probe");
    }

    @Test
    void repliesWaitingToBeSentAreBounded() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicLong sent = new AtomicLong();
        try (DiscoveryReplies q = new DiscoveryReplies((m, to) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sent.incrementAndGet();
        }, 10)) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
            List<java.util.function.Supplier<SoapMessage>> six = java.util.Collections.nCopies(6, () -> null);
            assertTrue(q.offer(six, to, 0));
            assertFalse(q.offer(six, to, 0), "an answer that overflows the queue was taken");
            assertTrue(q.offer(six.subList(0, 4), to, 0), "an answer that fits was refused");
            assertEquals(10, q.pending());
            release.countDown();
        }
        // An answer larger than the bound still goes out when nothing else waits, so any number of things is found.
        try (DiscoveryReplies q = new DiscoveryReplies((m, to) -> { }, 10)) {
            assertTrue(q.offer(java.util.Collections.nCopies(50, () -> null),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), 0));
        }
    }

    @Test
    void aProbeWhoseRepliesCouldNotFitIsNotAnsweredAtAll() throws Exception {
        List<String> signedFor = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch normalSigned = new java.util.concurrent.CountDownLatch(1);
        String normal = "urn:uuid:" + UUID.randomUUID();
        SecuritySeamTest.MarkerSecurity recording = new SecuritySeamTest.MarkerSecurity("good") {
            @Override
            public void signDiscovery(org.w3c.dom.Document envelope) {
                String text = envelope.getDocumentElement().getTextContent();
                if (text.contains(V.wsdAction("ProbeMatches"))) {
                    signedFor.add(text);
                    if (text.contains(normal)) {
                        normalSigned.countDown();
                    }
                }
            }
        };
        host = host(1, Policies.with(() -> recording, Policies.signed()));
        InetSocketAddress from = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        // RelatesTo repeats the MessageID: 3000 characters leave no room for a ProbeMatch in 4096 bytes.
        byte[] b = probe("urn:x:" + "a".repeat(3000)).getBytes(StandardCharsets.UTF_8);
        host.onDatagram(b, b.length, from, false);
        b = probe(normal).getBytes(StandardCharsets.UTF_8);
        host.onDatagram(b, b.length, from, false);
        // The replies go out in order: once the normal Probe's reply is signed, the long one's would have been too.
        assertTrue(normalSigned.await(1, java.util.concurrent.TimeUnit.MINUTES), "the normal Probe was not answered");
        assertEquals(1, signedFor.size(), "a reply that cannot be sent was built and signed");
    }

    @Test
    void aProbeFromAMulticastBroadcastOrWildcardSourceIsNotAnswered() throws Exception {
        List<String> signedFor = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch normalSigned = new java.util.concurrent.CountDownLatch(1);
        String normal = "urn:uuid:" + UUID.randomUUID();
        SecuritySeamTest.MarkerSecurity recording = new SecuritySeamTest.MarkerSecurity("good") {
            @Override
            public void signDiscovery(org.w3c.dom.Document envelope) {
                String text = envelope.getDocumentElement().getTextContent();
                if (text.contains(V.wsdAction("ProbeMatches"))) {
                    signedFor.add(text);
                    if (text.contains(normal)) {
                        normalSigned.countDown();
                    }
                }
            }
        };
        host = host(1, Policies.with(() -> recording, Policies.signed()));
        // Spoofed sources whose replies would reach every host on the link, or nobody.
        for (InetSocketAddress spoofed : List.of(new InetSocketAddress("239.255.255.250", 3702),
                new InetSocketAddress("255.255.255.255", 3702), new InetSocketAddress("0.0.0.0", 3702),
                new InetSocketAddress("ff02::1", 3702), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            byte[] b = probe().getBytes(StandardCharsets.UTF_8);
            // Unicast, so an answer would be queued at once, ahead of the normal Probe's.
            host.onDatagram(b, b.length, spoofed, false);
        }
        byte[] b = probe(normal).getBytes(StandardCharsets.UTF_8);
        host.onDatagram(b, b.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), false);
        assertTrue(normalSigned.await(1, java.util.concurrent.TimeUnit.MINUTES), "the normal Probe was not answered");
        assertEquals(1, signedFor.size(), "a Probe from a multicast, broadcast or wildcard source was answered");
    }
}
