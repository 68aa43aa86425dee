package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.SoapSecurity;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * WS-Eventing on the device host: NotifyTo and EndTo may only point back at the subscriber (or where the operator
 * allowed), and only the subscriber (the same signer, or the same source address when unsigned) may renew, query
 * or end a subscription. Refusals are SOAP faults with the reason; nothing changes.
 */
class EventingSubscriberTest {

    static final ThingId LAMP = ThingId.of("lamp-1");
    static final DpwsVersion V = DpwsVersion.DPWS_2009;
    static final String WSE = DpwsVersion.WSE;
    static final String FAKE = "urn:test:fake-sender";
    static final InetAddress SUBSCRIBER = address("127.0.0.1");
    static final InetAddress OTHER = address("127.0.0.2");

    /** Stands in for WS-Security: an f:Sender header names the thing that "signed" the request. */
    static final class NamedSender extends SoapSecurityStub {
        @Override
        public Optional<Authenticated> verifyRequest(Document envelope, ThingId hosted, Protection required) {
            Element header = Xml.child(envelope.getDocumentElement(), DpwsVersion.SOAP, "Header");
            String sender = Xml.childText(header, FAKE, "Sender");
            return Policies.signedBy(Optional.ofNullable(sender).map(ThingId::of));
        }
    }

    DpwsStack host;

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    void start() throws Exception {
        NamedSender security = new NamedSender();
        host = new DpwsStack(new DpwsStack.Config(List.of(), 0, 0, true, false, false, true, "hub-e",
                Duration.ofSeconds(5)), new ThingSource() {
                    @Override
                    public List<ThingId> hosted() {
                        return List.of(LAMP);
                    }

                    @Override
                    public Optional<String> state(ThingId thing) {
                        return Optional.of("OPERATIONAL");
                    }
                }, Policies.with(() -> security));
        host.start();
    }

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    record Reply(int status, String body) {
    }

    /** POSTs an envelope to the hosted thing's service from the given local (source) address. */
    Reply post(InetAddress from, String envelope) throws Exception {
        return post(host, host.host().deviceFor(LAMP).servicePath(), from, envelope);
    }

    /** POSTs an envelope to a path of a host from the given local (source) address. */
    static Reply post(DpwsStack host, String path, InetAddress from, String envelope) throws Exception {
        byte[] body = envelope.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), host.httpPort(), from, 0)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:"
                    + host.httpPort() + "\r\nContent-Type: application/soap+xml\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            return new Reply(Integer.parseInt(text.substring(9, 12)), text.substring(text.indexOf("\r\n\r\n") + 4));
        }
    }

    static String envelope(String action, String sender, String identifier, String body) {
        return "<s:Envelope xmlns:s='" + DpwsVersion.SOAP + "' xmlns:a='" + V.wsa + "' xmlns:e='" + WSE
                + "' xmlns:f='" + FAKE + "'><s:Header><a:Action>" + action + "</a:Action><a:MessageID>urn:uuid:"
                + UUID.randomUUID() + "</a:MessageID><a:To>urn:x</a:To>"
                + (sender == null ? "" : "<f:Sender>" + sender + "</f:Sender>")
                + (identifier == null ? "" : "<e:Identifier>" + identifier + "</e:Identifier>")
                + "</s:Header><s:Body>" + body + "</s:Body></s:Envelope>";
    }

    static String subscribe(String sender, String notifyTo, String endTo) {
        return envelope(Eventing.SUBSCRIBE, sender, null, "<e:Subscribe>"
                + (endTo == null ? "" : "<e:EndTo><a:Address>" + endTo + "</a:Address></e:EndTo>")
                + "<e:Delivery Mode='" + Eventing.PUSH + "'><e:NotifyTo><a:Address>" + notifyTo
                + "</a:Address></e:NotifyTo></e:Delivery><e:Expires>PT10M</e:Expires></e:Subscribe>");
    }

    static String identifierOf(Reply r) {
        Matcher m = Pattern.compile("Identifier>([^<]+)<").matcher(r.body);
        assertTrue(m.find(), r.body);
        return m.group(1);
    }

    @Test
    void notifyToOrEndToElsewhereIsRefusedWithAFault() throws Exception {
        start();
        Reply r = post(SUBSCRIBER, subscribe(null, "http://10.9.9.9:80/victim", null));
        assertEquals(400, r.status, r.body);
        assertTrue(r.body.contains("EventSourceUnableToProcess"), r.body);
        assertTrue(r.body.contains("NotifyTo names host 10.9.9.9, not the subscriber's own address 127.0.0.1"),
                r.body);
        r = post(SUBSCRIBER, subscribe(null, "http://127.0.0.1:9/sink", "http://10.9.9.9:80/victim"));
        assertEquals(400, r.status, r.body);
        assertTrue(r.body.contains("EndTo names host 10.9.9.9"), r.body);
        // A name is not looked up: only an address literal can be the subscriber's own.
        r = post(SUBSCRIBER, subscribe(null, "http://localhost:9/sink", null));
        assertEquals(400, r.status, r.body);
        assertTrue(host.host().subscriptions().isEmpty());

        r = post(SUBSCRIBER, subscribe(null, "http://127.0.0.1:9/sink", "http://127.0.0.1:9/end"));
        assertEquals(200, r.status, r.body);
        assertEquals(1, host.host().subscriptions().size());
    }

    @Test
    void theEventSinksSettingAllowsTheHostsAndRangesItNames() throws Exception {
        start();
        host.host().limits(new HostLimits(HostLimits.DEFAULT_DISCOVERY_REPLIES_PER_MINUTE,
                List.of("10.9.0.0/16, sink.example", "fd00::/8")));
        assertEquals(200, post(SUBSCRIBER, subscribe(null, "http://10.9.9.9/a", null)).status);
        assertEquals(200, post(SUBSCRIBER, subscribe(null, "http://SINK.example:81/a", null)).status);
        assertEquals(200, post(SUBSCRIBER, subscribe(null, "http://[fd00::1]:81/a", null)).status);
        assertEquals(400, post(SUBSCRIBER, subscribe(null, "http://10.8.0.1/a", null)).status);
        assertEquals(400, post(SUBSCRIBER, subscribe(null, "http://other.example/a", null)).status);
        assertEquals(3, host.host().subscriptions().size());

        for (String bad : List.of("10.0.0.0/33", "10.0.0.0/x", "a/b/c", "not a host", "300.1.1.1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new HostLimits(10, List.of(bad)), bad);
            assertTrue(e.getMessage().startsWith("eventSinks: '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void anIpv4MappedAddressIsTheIpv4AddressItNames() throws Exception {
        HostLimits none = HostLimits.defaults();
        InetAddress v4 = InetAddress.getByName("192.0.2.5");
        // An IPv4 subscriber may name itself in the IPv4-mapped IPv6 form, and nobody else that way.
        assertTrue(none.sinkAllowed(URI.create("http://[::ffff:192.0.2.5]:81/a"), v4));
        assertFalse(none.sinkAllowed(URI.create("http://[::ffff:192.0.2.6]:81/a"), v4));
        HostLimits mapped = new HostLimits(10, List.of("::ffff:10.9.0.0/112"));
        assertTrue(mapped.sinkAllowed(URI.create("http://10.9.9.9/a"), v4), "a mapped CIDR range was not applied");
        assertFalse(mapped.sinkAllowed(URI.create("http://10.8.9.9/a"), v4));
        assertThrows(IllegalArgumentException.class, () -> new HostLimits(10, List.of("::ffff:10.0.0.0/95")));
        assertTrue(new HostedEventing.Subscriber(Optional.empty(), v4)
                .matches(new HostedEventing.Subscriber(Optional.empty(), InetAddress.getByName("::ffff:192.0.2.5"))));
    }

    @Test
    void aLinkLocalAddressOnAnotherLinkIsAnotherHost() throws Exception {
        HostLimits none = HostLimits.defaults();
        // fe80::1 on link 2 is not fe80::1 on link 3.
        byte[] fe80 = InetAddress.getByName("fe80::1").getAddress();
        InetAddress onTwo = java.net.Inet6Address.getByAddress(null, fe80, 2);
        InetAddress onThree = java.net.Inet6Address.getByAddress(null, fe80, 3);
        assertTrue(none.sinkAllowed(URI.create("http://[fe80::1%2]:81/a"), onTwo));
        assertTrue(none.sinkAllowed(URI.create("http://[fe80::1%252]:81/a"), onTwo));
        assertFalse(none.sinkAllowed(URI.create("http://[fe80::1%3]:81/a"), onTwo),
                "a subscriber on one link sent events to the same address on another");
        assertFalse(new HostedEventing.Subscriber(Optional.empty(), onTwo)
                .matches(new HostedEventing.Subscriber(Optional.empty(), onThree)),
                "a host on another link managed the subscription");
    }

    @Test
    void onlyTheUnsignedSubscribersAddressManagesItsSubscription() throws Exception {
        start();
        String id = identifierOf(post(SUBSCRIBER, subscribe(null, "http://127.0.0.1:9/sink", null)));
        Instant expires = host.host().subscriptions().get(0).expires();
        for (String action : List.of(Eventing.RENEW, Eventing.GET_STATUS, Eventing.UNSUBSCRIBE)) {
            Reply r = post(OTHER, envelope(action, null, id, manageBody(action)));
            assertEquals(400, r.status, action + ": " + r.body);
            assertTrue(r.body.contains("only the subscriber (the address the Subscribe came from) may renew"),
                    r.body);
            // A signer is not the unsigned subscriber either.
            assertEquals(400, post(SUBSCRIBER, envelope(action, "intruder-1", id, manageBody(action))).status);
        }
        assertEquals(1, host.host().subscriptions().size());
        assertEquals(expires, host.host().subscriptions().get(0).expires(), "a refused Renew changed the expiry");

        assertEquals(200, post(SUBSCRIBER, envelope(Eventing.GET_STATUS, null, id, manageBody(Eventing.GET_STATUS)))
                .status);
        assertEquals(200, post(SUBSCRIBER, envelope(Eventing.UNSUBSCRIBE, null, id,
                manageBody(Eventing.UNSUBSCRIBE))).status);
        assertTrue(host.host().subscriptions().isEmpty());
    }

    @Test
    void aSignedSubscriptionIsManagedByItsSignerOnly() throws Exception {
        start();
        String id = identifierOf(post(SUBSCRIBER, subscribe("client-hub", "http://127.0.0.1:9/sink", null)));
        Reply r = post(SUBSCRIBER, envelope(Eventing.UNSUBSCRIBE, "intruder-1", id, "<e:Unsubscribe/>"));
        assertEquals(400, r.status, r.body);
        assertTrue(r.body.contains("only the subscriber (the thing that signed the Subscribe)"), r.body);
        assertEquals(400, post(SUBSCRIBER, envelope(Eventing.UNSUBSCRIBE, null, id, "<e:Unsubscribe/>")).status,
                "an unsigned request from the same address ended a signed subscription");
        assertEquals(1, host.host().subscriptions().size());
        // The signer itself, from another address (it moved), may.
        assertEquals(200, post(OTHER, envelope(Eventing.UNSUBSCRIBE, "client-hub", id, "<e:Unsubscribe/>")).status);
        assertTrue(host.host().subscriptions().isEmpty());
    }

    static String manageBody(String action) {
        if (Eventing.RENEW.equals(action)) {
            return "<e:Renew><e:Expires>PT50M</e:Expires></e:Renew>";
        }
        return Eventing.GET_STATUS.equals(action) ? "<e:GetStatus/>" : "<e:Unsubscribe/>";
    }
}
