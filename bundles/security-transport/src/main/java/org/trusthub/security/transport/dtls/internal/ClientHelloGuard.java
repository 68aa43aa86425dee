package org.trusthub.security.transport.dtls.internal;

import java.net.DatagramPacket;
import java.util.Arrays;

import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DtlsDatagramFilter;
import org.eclipse.californium.scandium.dtls.ClientHello;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.HandshakeMessage;
import org.eclipse.californium.scandium.dtls.HandshakeType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;

/**
 * Scandium's record filter, plus a parse of every epoch-0 ClientHello before the connector sees it. Scandium 3.14
 * throws a NullPointerException on a ClientHello whose session-id or cookie length byte is 255 (its "null" length)
 * and logs it as a WARN with a full stack trace: a spoofable 80-byte datagram costs the log 1.6 KB. Such a datagram is
 * dropped here, with one rate-limited line and no stack trace; anything that parses (or fails to parse with
 * Scandium's own {@link HandshakeException}, which it handles quietly) goes on unchanged.
 */
final class ClientHelloGuard extends DtlsDatagramFilter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientHelloGuard.class);
    private static final int RECORD_HEADER = 13;
    private static final int HANDSHAKE = 22;

    private final LogLimiter limiter;

    ClientHelloGuard(Configuration configuration, LogLimiter limiter) {
        super(configuration);
        this.limiter = limiter;
    }

    @Override
    public boolean onReceiving(DatagramPacket packet) {
        if (!super.onReceiving(packet)) {
            return false;
        }
        byte[] data = packet.getData();
        int at = packet.getOffset();
        int end = at + packet.getLength();
        while (at + RECORD_HEADER <= end) {
            int length = ((data[at + 11] & 0xff) << 8) | (data[at + 12] & 0xff);
            int fragment = at + RECORD_HEADER;
            if (fragment + length > end) {
                return true; // Scandium drops a truncated record itself, quietly
            }
            boolean epochZero = data[at + 3] == 0 && data[at + 4] == 0;
            if (data[at] == HANDSHAKE && epochZero && length > 0
                    && (data[fragment] & 0xff) == HandshakeType.CLIENT_HELLO.getCode()
                    && !parses(Arrays.copyOfRange(data, fragment, fragment + length))) {
                limiter.admit("malformed ClientHello").ifPresent(left -> LOG.warn(
                        "DTLS: malformed ClientHello ({} bytes) from {} dropped; {} like it not logged before",
                        packet.getLength(), packet.getSocketAddress(), left));
                return false;
            }
            at = fragment + length;
        }
        return true;
    }

    private static boolean parses(byte[] fragment) {
        try {
            HandshakeMessage message = HandshakeMessage.fromByteArray(fragment);
            for (HandshakeMessage m = message; m != null; m = m.getNextHandshakeMessage()) {
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
