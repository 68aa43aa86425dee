package org.trusthub.keystore.internal;

import java.util.regex.Pattern;

/** Trust anchor aliases: short lower-case names that are safe in file names, shell output and logs. */
final class TrustAnchors {

    static final int MAX_ALIAS_LENGTH = 64;

    private static final Pattern ALIAS = Pattern.compile("[a-z0-9._-]{1," + MAX_ALIAS_LENGTH + "}");

    private TrustAnchors() {
    }

    /**
     * Returns the alias when it is well formed.
     *
     * @throws IllegalArgumentException naming what is wrong otherwise
     */
    static String checkAlias(String alias) {
        if (alias == null || !ALIAS.matcher(alias).matches()) {
            throw new IllegalArgumentException("malformed trust anchor alias: it must be 1 to " + MAX_ALIAS_LENGTH
                    + " lower-case letters, digits, '.', '_' and '-'");
        }
        return alias;
    }
}
