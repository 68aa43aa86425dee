package org.trusthub.api.offload;

/** Why an offload service refused a request. Every refusal is counted and issues nothing. */
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
    POLICY
}
