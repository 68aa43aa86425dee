package org.trusthub.offload.internal.hub;

import java.util.Comparator;

/**
 * Which keys of a thing's application layer a request was made under: the enrolment (a re-bootstrap after revocation
 * restarts generations at 1, so the generation alone does not tell two enrolments apart) and the layer's generation.
 * Replay state belongs to one key generation: a new one starts with fresh sequence numbers.
 *
 * @param enrolled when the thing's current root credential was enrolled (epoch milliseconds)
 * @param generation the APPLICATION layer's key generation
 */
public record KeyGeneration(long enrolled, int generation) implements Comparable<KeyGeneration> {
    private static final Comparator<KeyGeneration> ORDER = Comparator.comparingLong(KeyGeneration::enrolled)
            .thenComparingInt(KeyGeneration::generation);

    @Override
    public int compareTo(KeyGeneration o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return "generation " + generation + " (enrolled " + java.time.Instant.ofEpochMilli(enrolled) + ")";
    }
}
