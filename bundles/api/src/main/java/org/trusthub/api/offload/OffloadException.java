package org.trusthub.api.offload;

import java.util.Objects;

/**
 * A refused offload request. The message names what is wrong and never carries key material; nothing was issued and
 * no state changed.
 */
public class OffloadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Refusal refusal;

    public OffloadException(Refusal refusal, String message) {
        super(Objects.requireNonNull(refusal, "refusal").name() + ": " + message);
        this.refusal = refusal;
    }

    public OffloadException(Refusal refusal, String message, Throwable cause) {
        super(Objects.requireNonNull(refusal, "refusal").name() + ": " + message, cause);
        this.refusal = refusal;
    }

    /** Why the request was refused. */
    public Refusal refusal() {
        return refusal;
    }
}
