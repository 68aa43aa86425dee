package org.trusthub.security.transport.dtls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.eclipse.californium.elements.util.DatagramReader;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.ConnectionIdGenerator;
import org.eclipse.californium.scandium.dtls.GenericHandshakeMessage;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.HandshakeMessage;
import org.eclipse.californium.scandium.dtls.HandshakeParameter;
import org.eclipse.californium.scandium.dtls.HandshakeType;
import org.eclipse.californium.scandium.dtls.Record;
import org.eclipse.californium.scandium.dtls.SingleNodeConnectionIdGenerator;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite.KeyExchangeAlgorithm;
import org.junit.jupiter.api.Test;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.security.transport.dtls.DtlsServerOptions;

/**
 * The guard must read a datagram's records as Scandium does, so that no framing hides a malformed message from it,
 * and let through what Scandium handles quietly. Each malformed datagram here is checked to really make Scandium's own
 * parser throw an unchecked exception (what it logs with a stack trace).
 */
class HandshakeGuardTest {
    static final int CID_LENGTH = 4;
    final ConnectionIdGenerator cids = new SingleNodeConnectionIdGenerator(CID_LENGTH);
    final HandshakeGuard guard = new HandshakeGuard(DtlsServerFactory.configuration(options()), cids,
            new LogLimiter(Duration.ofMinutes(1), 1), new DtlsRefusals());

    private static DtlsServerOptions options() {
        return DtlsServerOptions.all(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private boolean passes(byte[] datagram) {
        DatagramPacket packet = new DatagramPacket(datagram, datagram.length,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 5684));
        return guard.onReceiving(packet);
    }

    /** An epoch-0 handshake record holding these handshake message bytes. */
    static byte[] handshakeRecord(byte[] messages) {
        byte[] d = new byte[13 + messages.length];
        d[0] = 22;
        d[1] = (byte) 0xfe;
        d[2] = (byte) 0xfd;
        d[11] = (byte) (messages.length >> 8);
        d[12] = (byte) messages.length;
        System.arraycopy(messages, 0, d, 13, messages.length);
        return d;
    }

    /** A ClientHello message (header and body, 67 bytes) whose session-id length byte is 255. */
    static byte[] malformedHelloMessage() {
        int body = 55;
        byte[] m = new byte[12 + body];
        m[0] = 1; // ClientHello
        m[3] = (byte) body; // message length
        m[11] = (byte) body; // fragment length, offset 0
        m[12] = (byte) 0xfe;
        m[13] = (byte) 0xfd; // client version, then 32 bytes of random
        m[12 + 2 + 32] = (byte) 0xff; // the false session-id length
        return m;
    }

    private static byte[] concat(byte[]... parts) {
        byte[] all = new byte[0];
        for (byte[] p : parts) {
            int at = all.length;
            all = Arrays.copyOf(all, at + p.length);
            System.arraycopy(p, 0, all, at, p.length);
        }
        return all;
    }

    private List<Record> scandiumRecords(byte[] datagram) {
        return Record.fromReader(new DatagramReader(datagram, 0, datagram.length), cids, 0L);
    }

    private static void assertScandiumThrowsUnchecked(Record record) {
        assertThrows(RuntimeException.class, () -> HandshakeMessage.fromByteArray(record.getFragmentBytes()));
    }

    @Test
    void dropsAHelloWithTheNullSessionIdLength() {
        byte[] d = handshakeRecord(malformedHelloMessage());
        assertScandiumThrowsUnchecked(scandiumRecords(d).get(0));
        assertFalse(passes(d));
    }

    @Test
    void letsThroughAHelloThatScandiumRefusesQuietly() {
        byte[] m = malformedHelloMessage();
        m[12 + 2 + 32] = 0; // an empty session id: the hello parses (or fails with Scandium's HandshakeException)
        assertTrue(passes(handshakeRecord(m)));
        byte[] fragment = Arrays.copyOf(m, 30);
        fragment[11] = 18; // a first fragment of the hello: Scandium drops fragmented hellos itself
        assertTrue(passes(handshakeRecord(fragment)));
    }

    /** A hello behind another handshake message in the same record: Scandium parses the whole record. */
    @Test
    void dropsAMalformedHelloThatIsNotTheFirstMessageOfItsRecord() {
        byte[] helloRequest = new byte[12]; // HelloRequest, empty
        byte[] d = handshakeRecord(concat(helloRequest, malformedHelloMessage()));
        assertScandiumThrowsUnchecked(scandiumRecords(d).get(0));
        assertFalse(passes(d));
    }

    @Test
    void dropsAMalformedHelloInTheSecondRecordOfADatagram() {
        byte[] alert = {21, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0};
        byte[] d = concat(alert, handshakeRecord(malformedHelloMessage()));
        assertEquals(2, scandiumRecords(d).size());
        assertFalse(passes(d));
    }

    /**
     * A connection-id record carries its connection id between sequence number and length: read with the plain
     * 13-byte header, its first two id bytes (here 0xffff) look like a length past the datagram's end, and the
     * malformed hello after it went unseen. Scandium, with the connector's generator, reads both records.
     */
    @Test
    void dropsAMalformedHelloBehindAConnectionIdRecord() {
        byte[] cidRecord = {25, (byte) 0xfe, (byte) 0xfd, 0, 1, 0, 0, 0, 0, 0, 7, (byte) 0xff, (byte) 0xff, 1, 2, 0,
                4, 9, 9, 9, 9};
        byte[] d = concat(cidRecord, handshakeRecord(malformedHelloMessage()));
        List<Record> records = scandiumRecords(d);
        assertEquals(2, records.size());
        assertScandiumThrowsUnchecked(records.get(1));
        assertFalse(passes(d));
    }

    /** A handshake message of this type with this body, unfragmented, message sequence 1. */
    static byte[] message(HandshakeType type, byte[] body) {
        byte[] m = new byte[12 + body.length];
        m[0] = (byte) type.getCode();
        m[2] = (byte) (body.length >> 8);
        m[3] = (byte) body.length;
        m[5] = 1;
        m[10] = (byte) (body.length >> 8);
        m[11] = (byte) body.length;
        System.arraycopy(body, 0, m, 12, body.length);
        return m;
    }

    private static void assertScandiumThrowsUnchecked(byte[] clientKeyExchange, KeyExchangeAlgorithm kind)
            throws HandshakeException {
        HandshakeMessage generic = HandshakeMessage.fromByteArray(clientKeyExchange);
        assertThrows(NullPointerException.class, () -> HandshakeMessage.fromGenericHandshakeMessage(
                (GenericHandshakeMessage) generic, new HandshakeParameter(kind, CertificateType.X_509)));
    }

    /** An ECDHE_PSK ClientKeyExchange: identity "lamp1", then a point of this length byte and 65 bytes. */
    private static byte[] ecdhePskKeyExchange(int pointLength) {
        byte[] body = new byte[2 + 5 + 1 + 65];
        body[1] = 5;
        System.arraycopy("lamp1".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, body, 2, 5);
        body[7] = (byte) pointLength;
        body[8] = 4;
        return message(HandshakeType.CLIENT_KEY_EXCHANGE, body);
    }

    /** After the cookie exchange: a peer that holds its address can still send these; Scandium throws on them. */
    @Test
    void dropsKeyExchangesAndCertificateVerifiesWithANullLength() throws Exception {
        byte[] ecdhePsk = ecdhePskKeyExchange(0xff);
        assertScandiumThrowsUnchecked(ecdhePsk, KeyExchangeAlgorithm.ECDHE_PSK);
        assertFalse(passes(handshakeRecord(ecdhePsk)));

        byte[] ecdh = message(HandshakeType.CLIENT_KEY_EXCHANGE, new byte[] {(byte) 0xff, 4, 1, 2});
        assertScandiumThrowsUnchecked(ecdh, KeyExchangeAlgorithm.EC_DIFFIE_HELLMAN);
        assertFalse(passes(handshakeRecord(ecdh)));

        byte[] verify = message(HandshakeType.CERTIFICATE_VERIFY, new byte[] {4, 3, (byte) 0xff, (byte) 0xff});
        assertThrows(NullPointerException.class, () -> HandshakeMessage.fromByteArray(verify).getMessageLength());
        assertFalse(passes(handshakeRecord(verify)));
    }

    /** Each kind of key exchange the hub accepts, well formed, passes, whatever kind the guard tries it as. */
    @Test
    void letsThroughWellFormedKeyExchangesOfEveryKind() {
        byte[] psk = message(HandshakeType.CLIENT_KEY_EXCHANGE, new byte[] {0, 5, 'l', 'a', 'm', 'p', '1'});
        assertTrue(passes(handshakeRecord(psk)));
        assertTrue(passes(handshakeRecord(ecdhePskKeyExchange(65))));
        byte[] point = new byte[66];
        point[0] = 65;
        point[1] = 4;
        assertTrue(passes(handshakeRecord(message(HandshakeType.CLIENT_KEY_EXCHANGE, point))));
        byte[] x25519 = new byte[33];
        x25519[0] = 32;
        assertTrue(passes(handshakeRecord(message(HandshakeType.CLIENT_KEY_EXCHANGE, x25519))));
    }

    @Test
    void aConnectorWithoutConnectionIdsStopsAtAConnectionIdRecordAsScandiumDoes() {
        HandshakeGuard noCids = new HandshakeGuard(DtlsServerFactory.configuration(options()), null,
                new LogLimiter(Duration.ofMinutes(1), 1), new DtlsRefusals());
        byte[] cidRecord = {25, (byte) 0xfe, (byte) 0xfd, 0, 1, 0, 0, 0, 0, 0, 7, (byte) 0xff, (byte) 0xff, 1, 2, 0,
                4, 9, 9, 9, 9};
        byte[] d = concat(cidRecord, handshakeRecord(malformedHelloMessage()));
        assertTrue(Record.fromReader(new DatagramReader(d, 0, d.length), null, 0L).isEmpty());
        assertTrue(noCids.onReceiving(new DatagramPacket(d, d.length,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 5684))));
    }
}
