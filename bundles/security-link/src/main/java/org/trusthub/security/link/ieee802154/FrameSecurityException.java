package org.trusthub.security.link.ieee802154;

import org.trusthub.api.security.RefusalReason;

/**
 * A frame was refused. The message names what was wrong and never carries key bytes or plaintext; {@link #reason()}
 * lets the caller count refusals by kind.
 */
public final class FrameSecurityException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a frame was refused. */
    public enum Reason {
        /** Too short, truncated, or a field has an impossible value. */
        MALFORMED,
        /** The auxiliary security header is missing, truncated or inconsistent. */
        BAD_AUX_HEADER,
        /** No key is known for the key identifier or the sender. */
        UNKNOWN_KEY,
        /** The security level is lower than policy requires. */
        SECURITY_LEVEL,
        /** The MIC does not match. */
        MIC_FAILURE,
        /** The frame counter is not higher than the last one accepted from the sender. */
        REPLAY,
        /** The frame counter is 0xFFFFFFFF, or our own counter for this key is exhausted. */
        COUNTER_EXHAUSTED;

        /** The hub-wide reason this one is counted as ({@link org.trusthub.api.security.SecurityRefusals}). */
        public RefusalReason common() {
            return switch (this) {
                case MALFORMED, BAD_AUX_HEADER -> RefusalReason.MALFORMED;
                case UNKNOWN_KEY -> RefusalReason.UNKNOWN_KEY;
                case SECURITY_LEVEL -> RefusalReason.POLICY;
                case MIC_FAILURE -> RefusalReason.FORGED;
                case REPLAY -> RefusalReason.REPLAY;
                case COUNTER_EXHAUSTED -> RefusalReason.COUNTER_EXHAUSTED;
            };
        }
    }

    private final Reason reason;

    public FrameSecurityException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public FrameSecurityException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
