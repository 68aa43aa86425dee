package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.thing.ThingId;

/** Each kind of bad input the issue names is refused with a specific reason and acted on nowhere. */
class BadInputTest {

    static final String SOAP = DpwsVersion.SOAP;
    static final DpwsVersion V = DpwsVersion.DPWS_2009;

    DpwsStack stack;

    @BeforeEach
    void start() throws Exception {
        stack = new DpwsStack(DpwsStack.Config.loopback("hub-x"), new ThingSource() {
            @Override
            public List<ThingId> hosted() {
                return List.of(ThingId.of("lamp-1"));
            }

            @Override
            public Optional<String> state(ThingId thing) {
                return Optional.of("OPERATIONAL");
            }
        }, Policies.plain());
        stack.start();
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    static String hello(String address, long instance, long number, String xaddr) {
        return "<s:Envelope xmlns:s='" + SOAP + "' xmlns:a='" + V.wsa + "' xmlns:d='" + V.wsd + "'><s:Header>"
                + "<a:Action>" + V.wsdAction("Hello") + "</a:Action><a:MessageID>urn:uuid:"
                + java.util.UUID.randomUUID() + "</a:MessageID><a:To>" + V.discoveryTo + "</a:To>"
                + "<d:AppSequence InstanceId='" + instance + "' MessageNumber='" + number + "'/></s:Header><s:Body>"
                + "<d:Hello><a:EndpointReference><a:Address>" + address + "</a:Address></a:EndpointReference>"
                + "<d:XAddrs>" + xaddr + "</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:Hello></s:Body>"
                + "</s:Envelope>";
    }

    void datagram(String xml) {
        byte[] b = xml.getBytes(StandardCharsets.UTF_8);
        stack.onDatagram(b, b.length, new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 3702), true);
    }

    @Test
    void externalEntityIsRefusedBeforeAnyFetch() {
        String xxe = "<?xml version='1.0'?><!DOCTYPE e [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                + "<s:Envelope xmlns:s='" + SOAP + "'><s:Header/><s:Body>&x;</s:Body></s:Envelope>";
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Xml.parse(xxe.getBytes(StandardCharsets.UTF_8), Xml.MAX_HTTP));
        assertTrue(e.getMessage().startsWith("DTD refused"), e.getMessage());
    }

    @Test
    void entityExpansionIsRefused() {
        StringBuilder bomb = new StringBuilder("<?xml version='1.0'?><!DOCTYPE l [<!ENTITY a 'aaaaaaaaaa'>");
        for (char c = 'b'; c <= 'j'; c++) {
            bomb.append("<!ENTITY ").append(c).append(" '");
            for (int i = 0; i < 10; i++) {
                bomb.append('&').append((char) (c - 1)).append(';');
            }
            bomb.append("'>");
        }
        bomb.append("]><l>&j;</l>");
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Xml.parse(bomb.toString().getBytes(StandardCharsets.UTF_8), Xml.MAX_HTTP));
        assertTrue(e.getMessage().startsWith("DTD refused"), e.getMessage());
    }

    @Test
    void internalDtdWithoutEntitiesIsRefusedToo() {
        String dtd = "<!DOCTYPE s:Envelope [<!ELEMENT x ANY>]><s:Envelope xmlns:s='" + SOAP + "'/>";
        assertThrows(MalformedMessageException.class,
                () -> Xml.parse(dtd.getBytes(StandardCharsets.UTF_8), Xml.MAX_HTTP));
    }

    @Test
    void oversizeDatagramIsRefusedAndNothingLearnt() {
        String padded = hello("urn:uuid:11111111-2222-3333-4444-555555555555", 1, 1, "http://10.0.0.9/x")
                .replace("<s:Body>", "<s:Body><!--" + "x".repeat(Xml.MAX_UDP) + "-->");
        assertThrows(MalformedMessageException.class,
                () -> Xml.parse(padded.getBytes(StandardCharsets.UTF_8), Xml.MAX_UDP));
        datagram(padded);
        assertTrue(stack.client().devices().isEmpty());
    }

    @Test
    void oversizeHttpEnvelopeGets413BeforeItIsRead() throws Exception {
        byte[] body = new byte[Xml.MAX_HTTP + 1];
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + stack.httpPort() + "/dpws/x"))
                .header("Content-Type", "application/soap+xml")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode());
        assertTrue(r.body().contains("exceeds the DPWS limit of 32767"), r.body());
    }

    @Test
    void oversizeChunkedEnvelopeGets413() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), stack.httpPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /dpws/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(Xml.MAX_HTTP + 10) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 413", status);
        }
    }

    @Test
    void xxeOverHttpGetsASoapFaultAndNoAnswer() throws Exception {
        String xxe = "<?xml version='1.0'?><!DOCTYPE e [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                + "<s:Envelope xmlns:s='" + SOAP + "'><s:Header/><s:Body>&x;</s:Body></s:Envelope>";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + stack.httpPort()
                        + stack.host().deviceFor(ThingId.of("lamp-1")).devicePath()))
                .header("Content-Type", "application/soap+xml")
                .POST(HttpRequest.BodyPublishers.ofString(xxe)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("DTD refused"), r.body());
        assertTrue(!r.body().contains("root:"), "no file content leaks");
    }

    @Test
    void replayedAppSequenceIsDropped() {
        String device = "urn:uuid:11111111-2222-3333-4444-555555555555";
        datagram(hello(device, 100, 5, "http://10.0.0.9/first"));
        assertEquals(List.of("http://10.0.0.9/first"), stack.client().device(device).orElseThrow().xaddrs());
        // Same instance and sequence, number not after 5: a replay or a stale copy with a new MessageID.
        datagram(hello(device, 100, 5, "http://10.6.6.6/evil"));
        datagram(hello(device, 100, 4, "http://10.6.6.6/evil"));
        // An older instance: the device restarted since, this one is stale.
        datagram(hello(device, 99, 50, "http://10.6.6.6/evil"));
        assertEquals(List.of("http://10.0.0.9/first"), stack.client().device(device).orElseThrow().xaddrs());
        datagram(hello(device, 100, 6, "http://10.0.0.9/second"));
        assertEquals(List.of("http://10.0.0.9/second"), stack.client().device(device).orElseThrow().xaddrs());
    }

    @Test
    void retransmittedCopiesAreActedOnOnce() throws Exception {
        AppSequenceGuard g = new AppSequenceGuard();
        assertNull(g.accept("a", new AppSequence(1, "", 1), false));
        assertTrue(g.accept("a", new AppSequence(1, "", 1), false).contains("replayed"));
        assertNull(g.accept("a", new AppSequence(1, "urn:x", 1), false),
                "another sequence is not ordered against this");
        DuplicateFilter f = new DuplicateFilter(2);
        assertTrue(f.firstTime("m1"));
        assertTrue(!f.firstTime("m1"));
    }

    @Test
    void unknownMustUnderstandHeaderIsRefused() {
        String m = hello("urn:uuid:11111111-2222-3333-4444-555555555555", 1, 1, "http://10.0.0.9/x")
                .replace("</s:Header>", "<z:Secret xmlns:z='urn:other' s:mustUnderstand='true'/></s:Header>");
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> SoapMessage.read(Xml.parse(m.getBytes(StandardCharsets.UTF_8), Xml.MAX_UDP), java.util.Set.of()));
        assertTrue(e.getMessage().contains("mustUnderstand"));
        datagram(m);
        assertTrue(stack.client().devices().isEmpty());
    }

    @Test
    void soap11AndShapelessEnvelopesAreRefused() {
        String soap11 = "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Header/><s:Body/>"
                + "</s:Envelope>";
        assertThrows(MalformedMessageException.class, () -> SoapMessage.read(
                Xml.parse(soap11.getBytes(StandardCharsets.UTF_8), Xml.MAX_UDP), java.util.Set.of()));
        String twoBodies = "<s:Envelope xmlns:s='" + SOAP + "'><s:Header><a:Action xmlns:a='" + V.wsa
                + "'>x</a:Action></s:Header><s:Body/><s:Body/></s:Envelope>";
        assertThrows(MalformedMessageException.class, () -> SoapMessage.read(
                Xml.parse(twoBodies.getBytes(StandardCharsets.UTF_8), Xml.MAX_UDP), java.util.Set.of()));
    }

    @Test
    void probeMatchesNobodyAskedForAreIgnored() {
        SoapMessage pm = DiscoveryMessage.probeMatches(V, "urn:uuid:not-ours", List.of(new DiscoveryMessage.Endpoint(
                "urn:uuid:11111111-2222-3333-4444-555555555555", List.of(), List.of(), List.of("http://10.6.6.6/"),
                1)), new AppSequence(1, "", 1));
        datagram(new String(pm.bytes(), StandardCharsets.UTF_8));
        assertTrue(stack.client().devices().isEmpty());
    }

    @Test
    void expiresInThePastOrInMonthsIsRefused() {
        java.time.Instant now = java.time.Instant.now();
        assertThrows(MalformedMessageException.class, () -> Eventing.parseExpires("PT0S", now));
        assertThrows(MalformedMessageException.class, () -> Eventing.parseExpires("P1M", now));
        assertThrows(MalformedMessageException.class, () -> Eventing.parseExpires("2001-01-01T00:00:00Z", now));
        assertThrows(MalformedMessageException.class, () -> Eventing.parseExpires("soon", now));
        try {
            assertEquals(Eventing.MAX_EXPIRY, Eventing.parseExpires("P7D", now));
        } catch (MalformedMessageException e) {
            throw new AssertionError(e);
        }
        assertEquals(Duration.ofHours(1), Eventing.MAX_EXPIRY);
    }
}
