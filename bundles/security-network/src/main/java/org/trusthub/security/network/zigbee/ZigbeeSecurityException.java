package org.trusthub.security.network.zigbee;

import org.trusthub.api.security.RefusalReason;

/**
 * A ZigBee frame, key or install code was refused. The message says what was wrong and never carries key bytes or
 * plaintext; {@link #reason()} lets the caller count refusals by kind.
 */
public final class ZigbeeSecurityException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why something was refused. */
    public enum Reason {
        /** Too short, truncated, or a field has an impossible value. */
        MALFORMED,
        /** The auxiliary security header is missing, truncated or inconsistent. */
        BAD_AUX_HEADER,
        /** No key for this network key sequence number, device or key identifier. */
        UNKNOWN_KEY,
        /** The MIC does not match. */
        MIC_FAILURE,
        /** The frame counter is not higher than the last one accepted from the sender. */
        REPLAY,
        /** The frame counter is 0xFFFFFFFF, or our own counter for this key is exhausted. */
        COUNTER_EXHAUSTED,
        /** The frame is unsecured where security is required. */
        UNSECURED,
        /** A feature of the frame this implementation does not handle. */
        UNSUPPORTED,
        /** Authentic, but not from a device the trust center has in the network. */
        NOT_ADMITTED;

        /** The hub-wide reason this one is counted as ({@link org.trusthub.api.security.SecurityRefusals}). */
        public RefusalReason common() {
            return switch (this) {
                case MALFORMED, BAD_AUX_HEADER, UNSUPPORTED -> RefusalReason.MALFORMED;
                case UNKNOWN_KEY -> RefusalReason.UNKNOWN_KEY;
                case MIC_FAILURE -> RefusalReason.FORGED;
                case REPLAY -> RefusalReason.REPLAY;
                case COUNTER_EXHAUSTED -> RefusalReason.COUNTER_EXHAUSTED;
                // security is required where it was left out: too weak a protection
                case UNSECURED -> RefusalReason.POLICY;
                // a sender the trust center has not (or no longer) in the network
                case NOT_ADMITTED -> RefusalReason.NOT_OPERATIONAL;
            };
        }
    }

    private final Reason reason;

    public ZigbeeSecurityException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
