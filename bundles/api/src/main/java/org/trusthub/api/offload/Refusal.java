package org.trusthub.api.offload;

import org.trusthub.api.security.RefusalReason;

/**
 * Why an offload service refused a request. Every refusal is counted and issues nothing. The detailed reason goes to
 * the requester; {@link #common()} is the hub-wide reason it is counted under.
 */
public enum Refusal {
    /** Not a well-formed request (wrong CBOR/COSE shape, missing or mistyped field, unsupported algorithm). */
    MALFORMED,
    /** Its MAC or AEAD tag does not verify under the key of the thing it claims to come from. */
    FORGED,
    /** A token, ticket or request whose lifetime is over. */
    EXPIRED,
    /** A request sequence number, token id or ticket seen before. */
    REPLAYED,
    /** Bound to another thing, audience, group or request than the one it is presented for. */
    WRONG_BINDING,
    /** The requester or the thing named in the request is not in lifecycle state OPERATIONAL. */
    NOT_OPERATIONAL,
    /** A thing the hub does not know (or whose keys are revoked). */
    UNKNOWN_THING,
    /** A group the hub does not coordinate. */
    UNKNOWN_GROUP,
    /** A thing that is not a member of the group it asks about. */
    UNKNOWN_MEMBER,
    /** Refused by policy (scope, algorithm allow-list). */
    POLICY;

    /**
     * The reason in the hub's one refusal vocabulary, as counted by {@link org.trusthub.api.security.SecurityRefusals}:
     * an expired token or ticket and a request checked under replaced keys are {@code STALE_KEY}; a credential bound
     * to another party is {@code FORGED}; an unknown thing or group is {@code UNKNOWN_KEY} (there is no key to check
     * against); a thing asking about a group it is not a member of is {@code POLICY}.
     *
     * @since 1.1
     */
    public RefusalReason common() {
        return switch (this) {
            case MALFORMED -> RefusalReason.MALFORMED;
            case FORGED, WRONG_BINDING -> RefusalReason.FORGED;
            case EXPIRED -> RefusalReason.STALE_KEY;
            case REPLAYED -> RefusalReason.REPLAY;
            case NOT_OPERATIONAL -> RefusalReason.NOT_OPERATIONAL;
            case UNKNOWN_THING, UNKNOWN_GROUP -> RefusalReason.UNKNOWN_KEY;
            case UNKNOWN_MEMBER, POLICY -> RefusalReason.POLICY;
        };
    }
}
