package org.trusthub.api.security;

/**
 * Why the hub refused a message, a request or a session, in one vocabulary across every layer and protocol. Each
 * provider and binding keeps its own detailed reasons for its messages and maps each onto one of these for counting
 * ({@link SecurityRefusals}) and for the security status.
 */
public enum RefusalReason {
    /** Not well formed: truncated, an impossible field, an unsupported option or algorithm. */
    MALFORMED,
    /** A MAC, tag or signature that does not verify, or a credential bound to another party. */
    FORGED,
    /** Seen before: a counter, sequence number or nonce not newer than one accepted. */
    REPLAY,
    /** A counter that has run out, on the sender's side or on ours: the key must be rotated. */
    COUNTER_EXHAUSTED,
    /** No key for the claimed sender, key id, identity or group. */
    UNKNOWN_KEY,
    /** A key, token or ticket whose generation was rotated away or whose lifetime is over. */
    STALE_KEY,
    /** The thing is known but not in lifecycle state OPERATIONAL. */
    NOT_OPERATIONAL,
    /** Authentic, but the {@link SecurityPolicy} does not allow it (too weak a protection, not authorized). */
    POLICY
}
