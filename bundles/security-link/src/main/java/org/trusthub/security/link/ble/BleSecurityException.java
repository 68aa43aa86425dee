package org.trusthub.security.link.ble;

import org.trusthub.api.security.RefusalReason;

/**
 * A refused Bluetooth LE frame, key or pairing step. The message says what was wrong, never with key bytes; the
 * {@link #reason()} lets callers count refusals by kind.
 */
public class BleSecurityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why something was refused. */
    public enum Reason {
        /** Too short, too long or inconsistent with its own length fields. */
        MALFORMED,
        /** The message integrity check did not verify. */
        MIC_FAILURE,
        /** A packet that repeats one already received (same sequence number). */
        REPLAY,
        /** The packet counter would wrap; the link must be re-keyed. */
        COUNTER_EXHAUSTED,
        /** No key (bond) is known for the peer. */
        UNKNOWN_KEY,
        /** Pairing without LE Secure Connections while configuration does not allow it. */
        LEGACY_REFUSED,
        /** A pairing value (confirm, DHKey check, public key) did not check out. */
        PAIRING_FAILED,
        /** The session was closed (the thing was forgotten or decommissioned). */
        CLOSED,
        /** Authentic, but less protected than the security policy requires of the thing. */
        POLICY,
        /** The link security provider or the security policy is absent (being replaced): nothing is let through. */
        PROVIDER_ABSENT;

        /** The hub-wide reason this one is counted as. */
        public RefusalReason common() {
            return switch (this) {
                case MALFORMED -> RefusalReason.MALFORMED;
                case MIC_FAILURE, PAIRING_FAILED -> RefusalReason.FORGED;
                case REPLAY -> RefusalReason.REPLAY;
                case COUNTER_EXHAUSTED -> RefusalReason.COUNTER_EXHAUSTED;
                case UNKNOWN_KEY -> RefusalReason.UNKNOWN_KEY;
                case LEGACY_REFUSED, POLICY -> RefusalReason.POLICY;
                case CLOSED, PROVIDER_ABSENT -> RefusalReason.NOT_OPERATIONAL;
            };
        }
    }

    private final Reason reason;
    private volatile boolean reported;

    public BleSecurityException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Whether the refusal was already reported to the hub's refusal count, so a caller does not count it again. */
    public boolean isReported() {
        return reported;
    }

    /** Marks the refusal as reported to the hub's refusal count; returns it. */
    public BleSecurityException reported() {
        reported = true;
        return this;
    }
}
