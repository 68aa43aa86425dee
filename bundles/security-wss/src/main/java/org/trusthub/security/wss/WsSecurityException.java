package org.trusthub.security.wss;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import javax.xml.namespace.QName;

import org.trusthub.api.security.RefusalReason;

/**
 * A message refused by WS-Security, with the fault a SOAP 1.2 receiver answers (WS-Security 1.1 section 12). The
 * message never holds key material or message content beyond element names.
 */
public final class WsSecurityException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Namespace of the WS-Security fault codes. */
    public static final String WSSE_NS =
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";

    /** The faults of WS-Security 1.1 section 12, plus the ones a receiver needs beyond them. */
    public enum Fault {
        /** An unsupported token was provided. */
        UNSUPPORTED_SECURITY_TOKEN(WSSE_NS, "UnsupportedSecurityToken"),
        /** An algorithm outside the allow-list was used. */
        UNSUPPORTED_ALGORITHM(WSSE_NS, "UnsupportedAlgorithm"),
        /** The security header is missing, malformed or does not cover what the policy requires. */
        INVALID_SECURITY(WSSE_NS, "InvalidSecurity"),
        /** A token is invalid (for example an unparseable certificate). */
        INVALID_SECURITY_TOKEN(WSSE_NS, "InvalidSecurityToken"),
        /** The sender could not be authenticated (untrusted certificate, wrong password). */
        FAILED_AUTHENTICATION(WSSE_NS, "FailedAuthentication"),
        /** A signature or decryption failed. */
        FAILED_CHECK(WSSE_NS, "FailedCheck"),
        /** A referenced token or key is not available. */
        SECURITY_TOKEN_UNAVAILABLE(WSSE_NS, "SecurityTokenUnavailable"),
        /** The message is stale, from the future, or replayed. */
        MESSAGE_EXPIRED(WSSE_NS, "MessageExpired");

        private final QName code;

        Fault(String namespace, String local) {
            this.code = new QName(namespace, local);
        }

        /** The fault's subcode QName. */
        public QName code() {
            return code;
        }
    }

    private final Fault fault;
    private final RefusalReason reason;

    public WsSecurityException(Fault fault, String message) {
        super(message);
        this.fault = Objects.requireNonNull(fault, "fault");
        this.reason = common(fault);
    }

    /** With a reason more precise than the fault's own ({@link #common(Fault)}). */
    public WsSecurityException(Fault fault, RefusalReason reason, String message) {
        super(message);
        this.fault = Objects.requireNonNull(fault, "fault");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public WsSecurityException(Fault fault, String message, Throwable cause) {
        super(message, cause);
        this.fault = Objects.requireNonNull(fault, "fault");
        this.reason = common(fault);
    }

    /** Why the message was refused, in the words every layer shares (for {@code SecurityRefusals}). */
    public RefusalReason reason() {
        return reason;
    }

    /**
     * What a fault means in the shared vocabulary when nothing more precise is known: a signature or digest that
     * does not verify is forged, an expired (or replayed: the two share a fault code) message a replay, an unknown
     * signer or token an unknown key, everything else a malformed message.
     */
    public static RefusalReason common(Fault fault) {
        return switch (fault) {
            case FAILED_CHECK -> RefusalReason.FORGED;
            case MESSAGE_EXPIRED -> RefusalReason.REPLAY;
            case FAILED_AUTHENTICATION, SECURITY_TOKEN_UNAVAILABLE -> RefusalReason.UNKNOWN_KEY;
            case UNSUPPORTED_SECURITY_TOKEN, UNSUPPORTED_ALGORITHM, INVALID_SECURITY, INVALID_SECURITY_TOKEN ->
                RefusalReason.MALFORMED;
        };
    }

    public Fault fault() {
        return fault;
    }

    /** The fault subcode as a prefixed name, such as {@code wsse:FailedCheck}. */
    public String faultCode() {
        return "wsse:" + fault.code().getLocalPart();
    }

    /**
     * A SOAP 1.2 Fault envelope to answer with: {@code env:Sender}, the WS-Security subcode and this exception's
     * message as the reason.
     */
    public byte[] soapFault() {
        String xml = "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:wsse=\""
                + WSSE_NS + "\"><env:Body><env:Fault><env:Code><env:Value>env:Sender"
                + "</env:Value><env:Subcode><env:Value>" + faultCode()
                + "</env:Value></env:Subcode></env:Code><env:Reason><env:Text xml:lang=\"en\">"
                + escape(String.valueOf(getMessage())) + "</env:Text></env:Reason></env:Fault></env:Body>"
                + "</env:Envelope>";
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? ' ' : c);
            }
        }
        return out.toString();
    }
}
