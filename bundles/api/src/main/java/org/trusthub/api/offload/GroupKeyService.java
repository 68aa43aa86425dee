package org.trusthub.api.offload;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.ThingId;

/**
 * Group keys: the hub keeps one key per epoch for each group and starts a new epoch with a fresh random key on every
 * join and leave, so a member that left cannot read new traffic and a new member cannot read old traffic. It keeps a
 * small window of recent epochs so members switch over without a flag day. Keys reach each member wrapped under that
 * member's own key (AES key wrap, RFC 3394).
 */
@ProviderType
public interface GroupKeyService {

    /**
     * Creates a group with its first epoch.
     *
     * @param name 1 to 64 characters: lower-case letters, digits, {@code . _ : -}
     * @throws OffloadException if a member is not OPERATIONAL or unknown
     * @throws IllegalArgumentException if the name is malformed or taken
     */
    GroupInfo create(String name, Set<ThingId> members);

    /** Adds a member and re-keys. @throws OffloadException if the group is unknown or the thing not OPERATIONAL */
    GroupInfo join(String name, ThingId member);

    /** Removes a member and re-keys. @throws OffloadException if the group or the member is unknown */
    GroupInfo leave(String name, ThingId member);

    /** Removes a group and forgets its keys. @return whether it existed */
    boolean delete(String name);

    Optional<GroupInfo> group(String name);

    /** Every group, ordered by name. */
    List<GroupInfo> groups();

    /**
     * Takes a member's authenticated group key request (COSE_Mac0) and answers with the keys of the kept epochs the
     * member belongs to, each wrapped under the member's key (COSE_Mac0-free: the key wrap authenticates them).
     *
     * @throws OffloadException naming the refusal; nothing is handed out then
     */
    byte[] requestGroupKeys(byte[] request);
}
