package org.trusthub.api.keystore;

import java.util.regex.Pattern;

/**
 * Mechanism names: short lower-case labels such as {@code ieee802154-ccm-star}, {@code dtls-psk} or
 * {@code oscore}. They are bound into derived keys and used as the {@code trusthub.mechanism} service property.
 */
public final class Mechanisms {

    /** Longest accepted mechanism name, in characters. */
    public static final int MAX_LENGTH = 48;

    private static final Pattern SYNTAX = Pattern.compile("[a-z0-9][a-z0-9.-]*");

    private Mechanisms() {
    }

    /**
     * Returns the name when it is well formed.
     *
     * @throws IllegalArgumentException naming what is wrong otherwise
     */
    public static String check(String mechanism) {
        if (mechanism == null || mechanism.isEmpty()) {
            throw new IllegalArgumentException("malformed mechanism name: it is empty");
        }
        if (mechanism.length() > MAX_LENGTH || !SYNTAX.matcher(mechanism).matches()) {
            throw new IllegalArgumentException("malformed mechanism name (1 to " + MAX_LENGTH
                    + " lower-case letters, digits, '.' and '-', starting with a letter or digit)");
        }
        return mechanism;
    }
}
