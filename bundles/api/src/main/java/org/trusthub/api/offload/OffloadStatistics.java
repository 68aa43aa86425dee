package org.trusthub.api.offload;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** What the offload services have done since they started: counts only, never keys. */
@ProviderType
public interface OffloadStatistics {

    /** Requests refused, by reason. */
    Map<Refusal, Long> refusals();

    /**
     * Things handed out, by kind: {@code token}, {@code verdict}, {@code pairwise-key}, {@code group-keys},
     * {@code rekey}.
     */
    Map<String, Long> issued();
}
