package org.trusthub.testkit.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Every nonce, counter and sequence number seen, per scope (a thing, a direction and a key: "swap-oscore hub->thing
 * oscore/1"), to find one used twice under the same key, as a swap that lost a counter would. Thread safe.
 */
public final class NonceLedger {

    private final Map<String, Set<String>> seen = new HashMap<>();
    private final List<String> reuses = new ArrayList<>();
    private long recorded;

    /**
     * Records {@code value} under {@code scope}.
     *
     * @return true when it is new in that scope; false when it was seen before (a reuse, kept in {@link #reuses()})
     */
    public synchronized boolean record(String scope, String value) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(value, "value");
        recorded++;
        if (seen.computeIfAbsent(scope, s -> new HashSet<>()).add(value)) {
            return true;
        }
        reuses.add(scope + " " + value);
        return false;
    }

    /** Records a counter value, as {@link #record(String, String)}. */
    public boolean record(String scope, long counter) {
        return record(scope, Long.toString(counter));
    }

    /** Every reuse seen, as "scope value", in the order seen. */
    public synchronized List<String> reuses() {
        return List.copyOf(reuses);
    }

    /** How many values were recorded (reuses included). */
    public synchronized long recorded() {
        return recorded;
    }

    /** How many values were recorded under scopes starting with {@code prefix}, reuses included. */
    public synchronized long distinct(String prefix) {
        return seen.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().size())
                .sum();
    }
}
