package org.trusthub.security.transport.dtls.internal;

import java.net.DatagramPacket;
import java.util.List;

import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.util.DatagramReader;
import org.eclipse.californium.scandium.DtlsDatagramFilter;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.ConnectionIdGenerator;
import org.eclipse.californium.scandium.dtls.ContentType;
import org.eclipse.californium.scandium.dtls.GenericHandshakeMessage;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.HandshakeMessage;
import org.eclipse.californium.scandium.dtls.HandshakeParameter;
import org.eclipse.californium.scandium.dtls.HandshakeType;
import org.eclipse.californium.scandium.dtls.Record;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite.KeyExchangeAlgorithm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;

/**
 * Scandium's record filter, plus a parse of every epoch-0 (unencrypted) handshake record before the connector sees it.
 * Scandium 3.14 reads a length field whose bytes are all 1 as "null" and then throws a NullPointerException: in a
 * ClientHello's session id or cookie, a ClientKeyExchange's EC point, a CertificateVerify's signature. It logs that as
 * a WARN with a full stack trace; a spoofable 80-byte ClientHello costs the log 1.6 KB, and inside a peer's ongoing
 * handshake such a record also ends that handshake. Such a datagram is dropped here, with one rate-limited line and
 * no stack trace; anything that parses (or fails to parse with Scandium's own {@link HandshakeException}, which it
 * handles quietly) goes on unchanged.
 *
 * <p>The records are framed by Scandium's own reader with the connector's connection-id generator, so a connection-id
 * record ahead of the handshake record, or several records or handshake messages in one datagram, are read exactly as
 * the connector reads them. Epoch-0 records only: later epochs are encrypted and parsed only after their MAC verified.
 * A handshake message sent in fragments is checked fragment by fragment only (Scandium refuses a fragmented
 * ClientHello; the others come from a peer that answered a cookie): Californium's log filter covers what is left.
 */
final class HandshakeGuard extends DtlsDatagramFilter {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeGuard.class);
    private static final List<KeyExchangeAlgorithm> KEY_EXCHANGES = List.of(KeyExchangeAlgorithm.PSK,
            KeyExchangeAlgorithm.ECDHE_PSK, KeyExchangeAlgorithm.EC_DIFFIE_HELLMAN);

    private final ConnectionIdGenerator connectionIds;
    private final LogLimiter limiter;
    private final DtlsRefusals refusals;

    /**
     * @param connectionIds the connector's generator, or {@code null} when it uses none (as the connector then does,
     *            the records after a connection-id record are not read)
     */
    HandshakeGuard(Configuration configuration, ConnectionIdGenerator connectionIds, LogLimiter limiter,
            DtlsRefusals refusals) {
        super(configuration);
        this.refusals = refusals;
        this.connectionIds = connectionIds;
        this.limiter = limiter;
    }

    @Override
    public boolean onReceiving(DatagramPacket packet) {
        if (!super.onReceiving(packet)) {
            return false;
        }
        DatagramReader reader = new DatagramReader(packet.getData(), packet.getOffset(), packet.getLength());
        List<Record> records = Record.fromReader(reader, connectionIds, 0L);
        for (Record record : records) {
            if (record.getType() == ContentType.HANDSHAKE && record.getEpoch() == 0
                    && !parses(record.getFragmentBytes())) {
                refusals.refused(java.util.Optional.empty(), "dtls", org.trusthub.api.security.RefusalReason.MALFORMED);
                limiter.admit("malformed handshake record").ifPresent(left -> LOG.warn(
                        "DTLS: malformed handshake record ({} bytes) from {} dropped; {} like it not logged before",
                        packet.getLength(), packet.getSocketAddress(), left));
                return false;
            }
        }
        return true;
    }

    /**
     * Whether Scandium reads this epoch-0 handshake fragment without an unchecked exception. A message Scandium
     * parses at once must also give its length (it does for the handshake hash; a "null" length field leaves a null
     * that throws there). A ClientKeyExchange is parsed only once the cipher suite is known, so it is tried as each
     * kind the hub accepts: a real one fails under another kind only with Scandium's own decode error.
     */
    private static boolean parses(byte[] fragment) {
        if (fragment.length == 0) {
            return true;
        }
        try {
            for (HandshakeMessage m = HandshakeMessage.fromByteArray(fragment); m != null;
                    m = m.getNextHandshakeMessage()) {
                m.getMessageLength();
                if (m instanceof GenericHandshakeMessage generic
                        && generic.getMessageType() == HandshakeType.CLIENT_KEY_EXCHANGE) {
                    for (KeyExchangeAlgorithm kind : KEY_EXCHANGES) {
                        parseAs(generic, kind);
                    }
                }
            }
            return true;
        } catch (HandshakeException e) {
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void parseAs(GenericHandshakeMessage message, KeyExchangeAlgorithm kind) {
        try {
            HandshakeMessage.fromGenericHandshakeMessage(message, new HandshakeParameter(kind, CertificateType.X_509))
                    .getMessageLength();
        } catch (HandshakeException e) {
            // not of this kind, or malformed in a way Scandium reports itself
        }
    }
}
