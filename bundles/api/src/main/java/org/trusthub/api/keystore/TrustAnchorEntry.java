package org.trusthub.api.keystore;

import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One trust anchor as the keystore holds it.
 *
 * @param alias its alias
 * @param certificate the CA certificate
 * @param purposes what it vouches for, never empty
 * @param migrated whether it was stored before anchors had purposes: it then serves {@link TrustPurpose#MIGRATED},
 *        until the operator removes it and adds it again with its purposes
 * @since 1.3
 */
public record TrustAnchorEntry(String alias, X509Certificate certificate, Set<TrustPurpose> purposes,
        boolean migrated) {

    public TrustAnchorEntry {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(certificate, "certificate");
        if (purposes == null || purposes.isEmpty()) {
            throw new IllegalArgumentException("trust anchor '" + alias + "' has no purpose");
        }
        purposes = Collections.unmodifiableSet(EnumSet.copyOf(purposes));
    }

    /** Whether the anchor serves this purpose. */
    public boolean serves(TrustPurpose purpose) {
        return purposes.contains(purpose);
    }
}
