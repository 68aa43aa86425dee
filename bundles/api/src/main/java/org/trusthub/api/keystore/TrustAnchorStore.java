package org.trusthub.api.keystore;

import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The certification authorities the hub trusts, each for the {@linkplain TrustPurpose purposes} it was added for.
 *
 * <p>Depend on this service to check certificate chains ({@link #trustAnchors(TrustPurpose)}, or
 * {@link AnchoredCertificates}) or to manage anchors.
 *
 * @since 1.4
 */
@ProviderType
public interface TrustAnchorStore {

    /**
     * Every trust anchor by alias, whatever its purposes (for listing and removing; a path that trusts anchors asks
     * {@link #trustAnchors(TrustPurpose)}).
     *
     * @since 1.1
     */
    Map<String, X509Certificate> trustAnchors();

    /**
     * The trust anchors that serve one purpose, by alias.
     *
     * @since 1.3
     */
    default Map<String, X509Certificate> trustAnchors(TrustPurpose purpose) {
        Map<String, X509Certificate> out = new TreeMap<>();
        for (TrustAnchorEntry e : trustAnchorEntries()) {
            if (e.serves(purpose)) {
                out.put(e.alias(), e.certificate());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Every trust anchor with its purposes, ordered by alias.
     *
     * @since 1.3
     */
    default List<TrustAnchorEntry> trustAnchorEntries() {
        return List.of();
    }

    /**
     * Adds a trust anchor that serves the given purposes and no other.
     *
     * @param alias 1 to 64 characters of lower-case letters, digits, {@code . _ -}
     * @param anchor a CA certificate: basicConstraints CA and key usage keyCertSign
     * @param purposes at least one
     * @throws IllegalArgumentException if the alias is malformed or taken, no purpose is given, the certificate is not
     *         a CA's or cannot be encoded
     * @since 1.3
     */
    default void addTrustAnchor(String alias, X509Certificate anchor, Set<TrustPurpose> purposes) {
        throw new UnsupportedOperationException("this keystore keeps no trust anchors");
    }

    /**
     * Refuses: an anchor is added with its purposes ({@link #addTrustAnchor(String, X509Certificate, Set)}); an
     * anchor for everything is what this replaced.
     *
     * @throws IllegalArgumentException always
     * @since 1.1
     * @deprecated give the anchor's purposes
     */
    @Deprecated
    default void addTrustAnchor(String alias, X509Certificate anchor) {
        throw new IllegalArgumentException("trust anchor '" + alias + "' needs at least one purpose");
    }

    /**
     * Removes a trust anchor.
     *
     * @return whether one was there
     * @since 1.1
     */
    boolean removeTrustAnchor(String alias);
}
