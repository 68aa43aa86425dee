package org.trusthub.api.keystore;

/**
 * Names of replay marks ({@link KeyCounters#advanceReplayMark}): one mark per source of incoming frames under one
 * key, such as {@code from-00124b0000000a01} for the sender with that IEEE address. 1 to {@value #MAX_NAME_LENGTH}
 * characters of lower-case letters, digits, {@code . _ : -}, starting with a letter or digit.
 *
 * @since 1.2
 */
public final class ReplayMarks {

    /** Longest accepted name, in characters. */
    public static final int MAX_NAME_LENGTH = 64;


    private ReplayMarks() {
    }

    /**
     * Returns the name when it is well formed.
     *
     * @throws IllegalArgumentException naming what is wrong otherwise (the name itself is not repeated)
     */
    public static String checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("malformed replay mark name: it is missing");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("malformed replay mark name: it is empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("malformed replay mark name: " + name.length()
                    + " characters, at most " + MAX_NAME_LENGTH + " allowed");
        }
        if (!wellFormed(name)) {
            throw new IllegalArgumentException("malformed replay mark name: only lower-case letters, digits,"
                    + " '.', '_', ':' and '-' are allowed, starting with a letter or digit");
        }
        return name;
    }

    // [a-z0-9][a-z0-9._:-]*, by hand: it is checked for every incoming frame, and a regex costs more than the rest
    private static boolean wellFormed(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alnum = c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!alnum && (i == 0 || c != '.' && c != '_' && c != ':' && c != '-')) {
                return false;
            }
        }
        return true;
    }

    /** The conventional name of the mark of a sender known by a 64-bit (IEEE EUI-64) address. */
    public static String fromAddress(long address) {
        return String.format("from-%016x", address);
    }
}
