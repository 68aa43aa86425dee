package org.trusthub.keystore.internal;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

import org.trusthub.api.keystore.AnchoredCertificates;
import org.trusthub.api.keystore.TrustPurpose;

/** Trust anchor aliases, purposes and certificates as the keystore accepts them. */
final class TrustAnchors {

    static final int MAX_ALIAS_LENGTH = 64;

    private static final Pattern ALIAS = Pattern.compile("[a-z0-9._-]{1," + MAX_ALIAS_LENGTH + "}");

    private TrustAnchors() {
    }

    /**
     * Returns the alias when it is well formed: short lower-case names are safe in file names, shell output and logs.
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

    /**
     * The purposes, copied, when there is at least one: an anchor without a purpose would be either useless or, read
     * as "everything", the hole purposes close.
     */
    static Set<TrustPurpose> checkPurposes(String alias, Set<TrustPurpose> purposes) {
        if (purposes == null || purposes.isEmpty() || purposes.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("trust anchor '" + alias + "' needs at least one purpose");
        }
        return EnumSet.copyOf(purposes);
    }

    /** Refuses a certificate that cannot issue certificates (basicConstraints CA and keyCertSign). */
    static void checkAuthority(String alias, X509Certificate anchor) {
        try {
            AnchoredCertificates.checkAuthority(anchor);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("trust anchor '" + alias + "' refused: " + e.getMessage());
        }
    }
}
