package org.trusthub.benchmarks.offload;

import java.util.Set;

/** The hub's default signature allow-list, for the raw comparisons. */
final class OffloadBenchDefaults {
    static final Set<String> ALGORITHMS = Set.of("SHA256withECDSA", "SHA384withECDSA", "Ed25519", "SHA256withRSA",
            "SHA384withRSA");

    private OffloadBenchDefaults() {
    }
}
