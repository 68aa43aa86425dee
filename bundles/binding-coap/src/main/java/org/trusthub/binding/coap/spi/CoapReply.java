package org.trusthub.binding.coap.spi;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The answer to a {@link CoapCall}.
 *
 * @param status the response code
 * @param payload the response body (empty for none)
 * @param contentFormat its CoAP Content-Format number, or {@link CoapCall#NO_FORMAT} for none
 */
public record CoapReply(Status status, byte[] payload, int contentFormat) {

    /** CoAP Content-Format {@code text/plain; charset=utf-8}. */
    public static final int TEXT_PLAIN = 0;
    /** CoAP Content-Format {@code application/cbor}. */
    public static final int CBOR = 60;

    /** The response codes a contributed resource may answer with (RFC 7252 section 12.1.2). */
    public enum Status {
        CREATED(2, 1), DELETED(2, 2), VALID(2, 3), CHANGED(2, 4), CONTENT(2, 5),
        BAD_REQUEST(4, 0), UNAUTHORIZED(4, 1), BAD_OPTION(4, 2), FORBIDDEN(4, 3), NOT_FOUND(4, 4),
        METHOD_NOT_ALLOWED(4, 5), NOT_ACCEPTABLE(4, 6), CONFLICT(4, 9), REQUEST_ENTITY_TOO_LARGE(4, 13),
        UNSUPPORTED_CONTENT_FORMAT(4, 15), INTERNAL_SERVER_ERROR(5, 0), SERVICE_UNAVAILABLE(5, 3);

        private final int codeClass;
        private final int detail;

        Status(int codeClass, int detail) {
            this.codeClass = codeClass;
            this.detail = detail;
        }

        public int codeClass() {
            return codeClass;
        }

        public int detail() {
            return detail;
        }

        @Override
        public String toString() {
            return codeClass + "." + (detail < 10 ? "0" : "") + detail;
        }
    }

    public CoapReply {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(payload, "payload");
    }

    /** A success with a body of the given format. */
    public static CoapReply of(Status status, byte[] payload, int contentFormat) {
        return new CoapReply(status, payload, contentFormat);
    }

    /** A refusal with a short diagnostic text (RFC 7252 section 5.5.2); it must not carry secrets. */
    public static CoapReply error(Status status, String diagnostic) {
        return new CoapReply(status, diagnostic.getBytes(StandardCharsets.UTF_8), TEXT_PLAIN);
    }

    @Override
    public String toString() {
        return "CoapReply[" + status + ", " + payload.length + " bytes, format " + contentFormat + "]";
    }
}
