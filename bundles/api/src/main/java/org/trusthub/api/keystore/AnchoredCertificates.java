package org.trusthub.api.keystore;

import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The checks every path makes on a certificate chain that a trust anchor vouches for, beyond the PKIX path itself, so
 * DTLS, TLS, WS-Security and verification offload judge a certificate alike:
 * <ul>
 * <li>every authority (the anchor and each intermediate) is a CA: basicConstraints CA and key usage keyCertSign,
 * with no more CAs below it than its path length allows (the anchor's too, which PKIX validators skip);</li>
 * <li>the end certificate is not a CA, has key usage digitalSignature and, where the purpose names one, the extended
 * key usage of the purpose ({@link #CLIENT_AUTH} or {@link #SERVER_AUTH} for DTLS and TLS, {@link #CODE_SIGNING} for
 * firmware);</li>
 * <li>it names a thing only by its key: the key of the thing's enrolled root certificate ({@link #sameKey}). A
 * subject name (CN) or a subjectAltName never does: a thing's keys are derived from its enrolled key, so a new key is
 * a new enrollment.</li>
 * </ul>
 *
 * @since 1.3
 */
public final class AnchoredCertificates {

    /** Extended key usage id-kp-serverAuth. */
    public static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    /** Extended key usage id-kp-clientAuth. */
    public static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    /** Extended key usage id-kp-codeSigning. */
    public static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";

    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_CERT_SIGN = 5;

    private AnchoredCertificates() {
    }

    /**
     * Checks that a certificate may issue certificates: basicConstraints CA and key usage keyCertSign.
     *
     * @throws CertificateException saying what it lacks
     */
    public static void checkAuthority(X509Certificate ca) throws CertificateException {
        if (ca.getBasicConstraints() < 0) {
            throw new CertificateException("issuer " + subject(ca) + " is not a CA (no basicConstraints CA)");
        }
        boolean[] usage = ca.getKeyUsage();
        if (usage == null || usage.length <= KEY_CERT_SIGN || !usage[KEY_CERT_SIGN]) {
            throw new CertificateException("issuer " + subject(ca) + " lacks key usage keyCertSign");
        }
    }

    /**
     * Checks the end certificate of an anchored chain.
     *
     * @param extendedKeyUsage the extended key usage OID it must carry, or null when the purpose names none
     * @throws CertificateException saying what it lacks
     */
    public static void checkEndEntity(X509Certificate leaf, String extendedKeyUsage) throws CertificateException {
        if (leaf.getBasicConstraints() >= 0) {
            throw new CertificateException("certificate " + subject(leaf) + " is a CA, not an end certificate");
        }
        boolean[] usage = leaf.getKeyUsage();
        if (usage == null || usage.length <= DIGITAL_SIGNATURE || !usage[DIGITAL_SIGNATURE]) {
            throw new CertificateException("certificate " + subject(leaf) + " lacks key usage digitalSignature");
        }
        if (extendedKeyUsage == null) {
            return;
        }
        List<String> eku;
        try {
            eku = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new CertificateException("certificate " + subject(leaf) + " has a malformed extended key usage");
        }
        if (eku == null || !eku.contains(extendedKeyUsage)) {
            throw new CertificateException("certificate " + subject(leaf) + " lacks extended key usage "
                    + name(extendedKeyUsage));
        }
    }

    /**
     * Checks an anchored chain: the end certificate ({@link #checkEndEntity}), every intermediate and the anchor
     * ({@link #checkAuthority}).
     *
     * @param chain end certificate first, intermediates after it, without the anchor
     */
    public static void checkChain(List<X509Certificate> chain, X509Certificate anchor, String extendedKeyUsage)
            throws CertificateException {
        checkChain(chain, anchor, extendedKeyUsage, new java.util.Date());
    }

    /**
     * {@link #checkChain(List, X509Certificate, String)} at a given time: the anchor must be valid then too (PKIX
     * validators check the chain's dates, not the anchor's).
     */
    public static void checkChain(List<X509Certificate> chain, X509Certificate anchor, String extendedKeyUsage,
            java.util.Date at) throws CertificateException {
        if (at.before(anchor.getNotBefore()) || at.after(anchor.getNotAfter())) {
            throw new CertificateException("trust anchor " + subject(anchor) + " is not valid now (valid "
                    + anchor.getNotBefore().toInstant() + " to " + anchor.getNotAfter().toInstant() + ")");
        }
        if (chain.isEmpty()) {
            throw new CertificateException("empty certificate chain");
        }
        checkEndEntity(chain.get(0), extendedKeyUsage);
        for (int i = 1; i < chain.size(); i++) {
            checkAuthority(chain.get(i));
            checkPathLength(chain.get(i), chain.subList(1, i));
        }
        checkAuthority(anchor);
        // The JDK's PKIX validator applies the intermediates' path lengths, not the anchor's.
        checkPathLength(anchor, chain.subList(1, chain.size()));
    }

    // The CAs below an authority, self-issued ones not counted (RFC 5280, 4.2.1.9), within its pathLenConstraint.
    private static void checkPathLength(X509Certificate ca, List<X509Certificate> below)
            throws CertificateException {
        long cas = below.stream().filter(c -> !c.getSubjectX500Principal().equals(c.getIssuerX500Principal()))
                .count();
        int allowed = ca.getBasicConstraints();
        if (cas > allowed) {
            throw new CertificateException("issuer " + subject(ca) + " allows "
                    + (allowed == 0 ? "no CA" : "at most " + allowed + " CAs") + " below it (path length "
                    + allowed + "), the chain has " + cas);
        }
    }

    /** Whether the two certificates carry the same public key (the way an anchored certificate names a thing). */
    public static boolean sameKey(X509Certificate enrolled, X509Certificate presented) {
        return java.util.Arrays.equals(enrolled.getPublicKey().getEncoded(), presented.getPublicKey().getEncoded());
    }

    private static String name(String oid) {
        return switch (oid) {
            case SERVER_AUTH -> "serverAuth";
            case CLIENT_AUTH -> "clientAuth";
            case CODE_SIGNING -> "codeSigning";
            default -> oid;
        };
    }

    private static String subject(X509Certificate c) {
        return "'" + c.getSubjectX500Principal().getName() + "'";
    }
}
