package org.trusthub.security.transport.dtls.internal;

import java.net.DatagramPacket;
import java.util.List;

import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.util.DatagramReader;
import org.eclipse.californium.scandium.DtlsDatagramFilter;
import org.eclipse.californium.scandium.dtls.ClientHello;
import org.eclipse.californium.scandium.dtls.ConnectionIdGenerator;
import org.eclipse.californium.scandium.dtls.ContentType;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.HandshakeMessage;
import org.eclipse.californium.scandium.dtls.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;

/**
 * Scandium's record filter, plus a parse of every epoch-0 handshake record before the connector sees it. Scandium 3.14
 * throws a NullPointerException on a handshake message whose session-id length byte is 255 (its "null" length), and
 * on a ClientHello whose cookie length byte is 255, and logs it as a WARN with a full stack trace: a spoofable 80-byte
 * datagram costs the log 1.6 KB, and inside a peer's ongoing handshake it also ends that handshake. Such a datagram is
 * dropped here, with one rate-limited line and no stack trace; anything that parses (or fails to parse with Scandium's
 * own {@link HandshakeException}, which it handles quietly) goes on unchanged.
 *
 * <p>The records are framed by Scandium's own reader with the connector's connection-id generator, so a connection-id
 * record ahead of the handshake record, or several records or handshake messages in one datagram, are read exactly as
 * the connector reads them. Epoch-0 records only: later epochs are encrypted and parsed only after their MAC verified.
 */
final class ClientHelloGuard extends DtlsDatagramFilter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientHelloGuard.class);

    private final ConnectionIdGenerator connectionIds;
    private final LogLimiter limiter;

    /**
     * @param connectionIds the connector's generator, or {@code null} when it uses none (as the connector then does,
     *            the records after a connection-id record are not read)
     */
    ClientHelloGuard(Configuration configuration, ConnectionIdGenerator connectionIds, LogLimiter limiter) {
        super(configuration);
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
                limiter.admit("malformed handshake record").ifPresent(left -> LOG.warn(
                        "DTLS: malformed handshake record ({} bytes) from {} dropped; {} like it not logged before",
                        packet.getLength(), packet.getSocketAddress(), left));
                return false;
            }
        }
        return true;
    }

    /** Whether Scandium reads this epoch-0 handshake fragment without an unchecked exception, now or at its hello. */
    private static boolean parses(byte[] fragment) {
        if (fragment.length == 0) {
            return true;
        }
        try {
            for (HandshakeMessage m = HandshakeMessage.fromByteArray(fragment); m != null;
                    m = m.getNextHandshakeMessage()) {
                if (m instanceof ClientHello hello && (hello.getCookie() == null || hello.getSessionId() == null)) {
                    return false;
                }
            }
            return true;
        } catch (HandshakeException e) {
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
