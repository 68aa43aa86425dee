package org.trusthub.offload.internal.hub;

import java.util.Map;

/**
 * What the console shows beyond the offload api (internal: the api's GroupInfo and OffloadStatistics stay as they
 * are). Never a key.
 */
public interface HubDetails {
    /** Whether epoch keys, token records and groups survive a restart (a state directory; sequence marks always do). */
    boolean durable();

    /** How many of the group's kept epochs came back from the keystore when the hub started. */
    int restoredEpochs(String group);

    /** What the hub did to its state on its own (purged, restored), by kind. */
    Map<String, Long> housekeeping();

    /**
     * Requests the security policy refused (or refused because no policy was in force), by what they asked for
     * ("token", "pairwise-key").
     */
    Map<String, Long> notGranted();
}
