package org.trusthub.security.link.ble;

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
        CLOSED
    }

    private final Reason reason;

    public BleSecurityException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
