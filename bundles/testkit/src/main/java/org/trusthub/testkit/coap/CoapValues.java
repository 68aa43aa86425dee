package org.trusthub.testkit.coap;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.config.DtlsConfig;

/** What both CoAP channels share: a device's configuration and the value's text. */
final class CoapValues {
    /** How long a channel waits for one answer: a bound against a hang, not a timing assertion. */
    static final long TIMEOUT_MILLIS = 600L;

    private CoapValues() {
    }

    /** A device's CoAP (and DTLS client) configuration: it retransmits soon, as a device on a quiet link may. */
    static Configuration configuration() {
        Configuration c = new Configuration(CoapConfig.DEFINITIONS, UdpConfig.DEFINITIONS, DtlsConfig.DEFINITIONS);
        c.set(CoapConfig.ACK_TIMEOUT, 150, TimeUnit.MILLISECONDS);
        c.set(CoapConfig.MAX_RETRANSMIT, 2);
        c.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        c.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0);
        c.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 4);
        c.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, 300, TimeUnit.MILLISECONDS);
        return c;
    }

    /** The payload of message {@code sequence}. */
    static byte[] payload(long sequence) {
        return Long.toString(sequence).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The sequence number a GET's answer holds: 0 when the hub has no such value (it lost everything written).
     *
     * @throws IllegalStateException when the hub did not answer or answered with an error (asked again)
     */
    static long held(CoapResponse response, String what) {
        if (response == null) {
            throw new IllegalStateException("no answer to " + what);
        }
        if (response.getCode() == ResponseCode.NOT_FOUND) {
            return 0;
        }
        if (!response.isSuccess()) {
            throw new IllegalStateException(what + ": " + response.getCode() + " " + response.getResponseText());
        }
        return Long.parseLong(response.getResponseText().strip());
    }
}
