package org.trusthub.binding.dpws.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.SoapSecurity;
import org.trusthub.binding.dpws.spi.SoapSecurityException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A compact signature binds the device it announces: thing A's valid signature on a Hello or Bye for device B is
 * not B's; a flood of unsigned discovery messages cannot push a signed sender's AppSequence or MessageIDs out; and
 * signed discovery without an AppSequence (replayable at any time) is not acted on.
 */
class DiscoverySignerBindingTest {

    static final DpwsVersion V = DpwsVersion.DPWS_2009;
    static final String FAKE = "urn:test:fake-discovery-signature";
    static final String DEVICE_A = "urn:uuid:aaaaaaaa-1111-2222-3333-444444444444";
    static final String DEVICE_B = "urn:uuid:bbbbbbbb-1111-2222-3333-444444444444";
    static final String THING_A = "dpws:aaaaaaaa-1111-2222-3333-444444444444";
    static final String THING_B = "dpws:bbbbbbbb-1111-2222-3333-444444444444";

    /**
     * Stands in for the compact signature: a good signature is an f:Signer header naming who signed (the real
     * provider checks the ECDSA signature and maps its key to the enrolled thing). Devices A and B sign by policy.
     */
    static final class NamedSigner extends SoapSecurityStub {
        @Override
        public Optional<String> verifyDiscovery(Document envelope) throws SoapSecurityException {
            Element header = Xml.child(envelope.getDocumentElement(), DpwsVersion.SOAP, "Header");
            return Optional.ofNullable(Xml.childText(header, FAKE, "Signer"));
        }
    }

    DpwsStack stack;

    @BeforeEach
    void start() throws Exception {
        NamedSigner security = new NamedSigner();
        stack = new DpwsStack(DpwsStack.Config.loopback("hub-x"), new ThingSource() {
            @Override
            public List<ThingId> hosted() {
                return List.of();
            }

            @Override
            public Optional<String> state(ThingId thing) {
                return Optional.empty();
            }
        }, Policies.with(() -> security, new Policies(t -> Set.of(THING_A, THING_B).contains(t.value())
                ? org.trusthub.api.security.Protection.integrity().endToEnd()
                : org.trusthub.api.security.Protection.NONE)));
        stack.start();
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    /** A Hello or Bye; signer null: unsigned; sequence null: without AppSequence. */
    static String announcement(String kind, String address, String signer, long[] sequence, String xaddr,
            String messageId) {
        return "<s:Envelope xmlns:s='" + DpwsVersion.SOAP + "' xmlns:a='" + V.wsa + "' xmlns:d='" + V.wsd
                + "' xmlns:f='" + FAKE + "'><s:Header><a:Action>" + V.wsdAction(kind) + "</a:Action><a:MessageID>"
                + messageId + "</a:MessageID><a:To>" + V.discoveryTo + "</a:To>"
                + (sequence == null ? "" : "<d:AppSequence InstanceId='" + sequence[0] + "' MessageNumber='"
                        + sequence[1] + "'/>")
                + (signer == null ? "" : "<f:Signer>" + signer + "</f:Signer>") + "</s:Header><s:Body><d:" + kind
                + "><a:EndpointReference><a:Address>" + address + "</a:Address></a:EndpointReference>"
                + (kind.equals("Hello") ? "<d:XAddrs>" + xaddr + "</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion>"
                        : "")
                + "</d:" + kind + "></s:Body></s:Envelope>";
    }

    static String hello(String address, String signer, long instance, long number, String xaddr) {
        return announcement("Hello", address, signer, new long[] {instance, number}, xaddr, newId());
    }

    static String newId() {
        return "urn:uuid:" + UUID.randomUUID();
    }

    void datagram(String xml) {
        byte[] b = xml.getBytes(StandardCharsets.UTF_8);
        stack.onDatagram(b, b.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), 3702), true);
    }

    List<String> xaddrsOf(String device) {
        return stack.client().device(device).orElseThrow(() -> new AssertionError(device + " is not known"))
                .xaddrs();
    }

    @Test
    void aSignatureSpeaksOnlyForTheSignersOwnDevice() {
        // Thing A signs a Hello that points B's endpoint at A's own address: a valid signature, but not B's.
        datagram(hello(DEVICE_B, THING_A, 1, 1, "http://10.6.6.6/evil"));
        assertTrue(stack.client().device(DEVICE_B).isEmpty(), "A's signature redirected B");

        datagram(hello(DEVICE_B, THING_B, 1, 2, "http://10.0.0.2/b"));
        assertEquals(List.of("http://10.0.0.2/b"), xaddrsOf(DEVICE_B));
        assertEquals(THING_B, stack.client().device(DEVICE_B).orElseThrow().signer());

        // Nor may A sign B away.
        datagram(announcement("Bye", DEVICE_B, THING_A, new long[] {1, 3}, null, newId()));
        assertTrue(stack.client().device(DEVICE_B).isPresent(), "A's signed Bye removed B");
        // The hub's own identity may sign for any device, and B for itself.
        datagram(announcement("Bye", DEVICE_B, THING_B, new long[] {1, 4}, null, newId()));
        assertTrue(stack.client().device(DEVICE_B).isEmpty(), "B's own signed Bye was not taken");
        datagram(hello(DEVICE_B, SoapSecurity.HUB_SIGNER, 1, 5, "http://10.0.0.2/b"));
        assertTrue(stack.client().device(DEVICE_B).isPresent(), "the hub's signature was not taken");
    }

    @Test
    void anUnsignedFloodCannotEvictASignedSendersSequenceOrMessageIds() {
        String first = announcement("Hello", DEVICE_B, THING_B, new long[] {100, 5}, "http://10.0.0.2/first",
                newId());
        datagram(first);
        datagram(hello(DEVICE_B, THING_B, 100, 6, "http://10.0.0.2/second"));
        assertEquals(List.of("http://10.0.0.2/second"), xaddrsOf(DEVICE_B));
        // More unsigned senders, with fresh MessageIDs, than the unsigned tables hold.
        for (int i = 0; i < 4200; i++) {
            datagram(hello("urn:uuid:" + UUID.randomUUID(), null, 1, 1, "http://10.9.9.9/x"));
        }
        // The captured first signed Hello, replayed byte for byte: its MessageID and its number are both stale.
        datagram(first);
        assertEquals(List.of("http://10.0.0.2/second"), xaddrsOf(DEVICE_B), "a replayed signed Hello was taken");
    }

    @Test
    void signedDiscoveryWithoutAppSequenceIsDropped() {
        datagram(announcement("Hello", DEVICE_B, THING_B, null, "http://10.0.0.2/b", newId()));
        assertTrue(stack.client().device(DEVICE_B).isEmpty(), "a signed Hello without AppSequence was taken");

        // An unsigned sender that has used AppSequence cannot drop it to escape ordering.
        String device = "urn:uuid:cccccccc-1111-2222-3333-444444444444";
        datagram(hello(device, null, 7, 7, "http://10.0.0.3/c"));
        datagram(announcement("Hello", device, null, null, "http://10.6.6.6/evil", newId()));
        assertEquals(List.of("http://10.0.0.3/c"), xaddrsOf(device));
    }

    @Test
    void signedEntriesAreOrderedApartFromUnsignedOnes() {
        AppSequenceGuard g = new AppSequenceGuard();
        assertNull(g.accept("b", new AppSequence(1, "", 5), true));
        // An unsigned message with a huge number must not move the signed sender's order forward.
        g.accept("b", new AppSequence(1, "", 1000), false);
        assertNull(g.accept("b", new AppSequence(1, "", 6), true), "the unsigned message moved B's sequence");
        assertTrue(g.accept("b", new AppSequence(1, "", 6), true).contains("replayed"));
    }

    static final String DEVICE_C = "urn:uuid:cccccccc-1111-2222-3333-444444444444";
    static final String THING_C = "dpws:cccccccc-1111-2222-3333-444444444444";

    /** The address with the letters whose bit in {@code pattern} is set in upper case: the same endpoint. */
    static String spelling(String address, int pattern) {
        StringBuilder b = new StringBuilder();
        int letter = 0;
        for (char c : address.toCharArray()) {
            b.append(Character.isLetter(c) && (pattern >> letter++ & 1) == 1 ? Character.toUpperCase(c) : c);
        }
        return b.toString();
    }

    @Test
    void oneSignerCannotFillTheSignedTableWithSpellingsOfItsAddress() {
        // Thing C (compromised, say) signs Hellos for its own endpoint spelled 200 ways: all one device to order.
        for (int i = 0; i < 200; i++) {
            datagram(hello(spelling(DEVICE_C, i), THING_C, 1, i + 1, "http://10.0.0.3/c"));
        }
        assertEquals(1, stack.signedSequences(), "each spelling of C's address took an entry of its own");
        // And a spelling cannot restart C's order: a stale number under another spelling is refused.
        datagram(hello(spelling(DEVICE_C, 1000), THING_C, 1, 1, "http://10.6.6.6/stale"));
        assertTrue(stack.client().device(spelling(DEVICE_C, 1000)).isEmpty(), "a new spelling restarted C's order");
    }

    @Test
    void aSenderThatSignedIsNotBelievedUnsigned() {
        // C's policy does not ask for signatures, but once C has signed, an unsigned message in its name is forged.
        datagram(hello(DEVICE_C, THING_C, 1, 1, "http://10.0.0.3/c"));
        datagram(hello(DEVICE_C, null, 2, 1, "http://10.6.6.6/evil"));
        assertEquals(List.of("http://10.0.0.3/c"), xaddrsOf(DEVICE_C), "an unsigned Hello redirected a signing sender");
        datagram(announcement("Bye", DEVICE_C, null, new long[] {2, 2}, null, newId()));
        assertTrue(stack.client().device(DEVICE_C).isPresent(), "an unsigned Bye removed a signing sender");
    }
}
