package org.trusthub.api.offload;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;

import org.trusthub.api.thing.ThingId;

/**
 * A group as the hub coordinates it: never its keys.
 *
 * @param epoch the current key epoch; every join and leave starts a new one
 * @param epochsKept the epochs whose keys members can still fetch, oldest first (the current one last)
 * @param rekeyed when the current epoch started
 */
public record GroupInfo(String name, SortedSet<ThingId> members, long epoch, List<Long> epochsKept,
        Instant rekeyed) {
    public GroupInfo {
        Objects.requireNonNull(name, "name");
        members = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(members));
        epochsKept = List.copyOf(epochsKept);
        Objects.requireNonNull(rekeyed, "rekeyed");
    }
}
