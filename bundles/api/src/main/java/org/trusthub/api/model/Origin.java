package org.trusthub.api.model;

/** How a value reached the hub. */
public enum Origin {
    /** The thing sent it on its own (an attribute report, a notification). */
    REPORT,
    /** The hub asked the thing and it answered (an attribute read). */
    READ,
    /** The hub wrote it and the thing confirmed the write, without a read back. */
    WRITE
}
