package org.trusthub.offload.wire;

import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;

/** Shorthands for the refusals the codecs raise. */
public final class WireException {
    private WireException() {
    }

    public static OffloadException malformed(String what) {
        return new OffloadException(Refusal.MALFORMED, what);
    }

    public static OffloadException forged(String what) {
        return new OffloadException(Refusal.FORGED, what);
    }
}
