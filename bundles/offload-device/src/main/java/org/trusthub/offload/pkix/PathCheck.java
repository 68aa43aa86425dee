package org.trusthub.offload.pkix;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.Signature;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.trusthub.api.keystore.AnchoredCertificates;

/**
 * Checks a signature and the certificate chain of its signer with Bouncy Castle's PKIX validator: path to one of the
 * trust anchors, validity at {@code at}, revocation against the CRLs given (a missing CRL for an issuer fails), and
 * an algorithm allow-list for the message signature and every certificate. The signer must be a code signer
 * ({@link AnchoredCertificates#checkChain}: no CA, key usage digitalSignature, extended key usage codeSigning; every
 * issuer and the anchor a CA with keyCertSign): a thing's identity certificate signs no firmware. Used by the hub for
 * verification offload and by the device model for the "without the hub" baseline, so both do the same work.
 */
public final class PathCheck {
    // One provider instance, not registered globally: a bundle must not change the JVM's provider list.
    private static final Provider BC = new BouncyCastleProvider();

    /** The outcome; {@code publicKeyOperations} is what the check cost (signatures verified). */
    public record Result(boolean valid, String reason, String subject, int publicKeyOperations) {
    }

    private final Set<String> allowedAlgorithms;
    private final int minRsaBits;

    /**
     * @param allowedAlgorithms JCA signature algorithm names accepted for the message signature and for certificates
     *        and CRLs (for example {@code SHA256withECDSA})
     */
    public PathCheck(Set<String> allowedAlgorithms, int minRsaBits) {
        this.allowedAlgorithms = Set.copyOf(allowedAlgorithms);
        this.minRsaBits = minRsaBits;
    }

    public Result check(String algorithm, byte[] data, byte[] signature, List<X509Certificate> chain,
            Set<TrustAnchor> anchors, Collection<X509CRL> crls, Date at) {
        return check(algorithm, data, false, signature, chain, anchors, crls, at);
    }

    /** ECDSA algorithms whose signature can be checked over a digest, and the digest length they need. */
    private static final java.util.Map<String, Integer> DIGEST_LENGTHS = java.util.Map.of("SHA256withECDSA", 32,
            "SHA384withECDSA", 48);

    /**
     * @param isDigest {@code data} is the message digest the signature's algorithm names, not the message (ECDSA
     *        only)
     */
    public Result check(String algorithm, byte[] data, boolean isDigest, byte[] signature,
            List<X509Certificate> chain, Set<TrustAnchor> anchors, Collection<X509CRL> crls, Date at) {
        if (chain.isEmpty()) {
            return new Result(false, "no certificate chain", "", 0);
        }
        X509Certificate leaf = chain.get(0);
        String subject = leaf.getSubjectX500Principal().getName();
        if (!allowedAlgorithms.contains(algorithm)) {
            return new Result(false, "signature algorithm " + algorithm + " is not allowed", subject, 0);
        }
        for (X509Certificate c : chain) {
            if (!allowedAlgorithms.contains(c.getSigAlgName())) {
                return new Result(false, "certificate " + c.getSubjectX500Principal().getName()
                        + " is signed with " + c.getSigAlgName() + ", which is not allowed", subject, 0);
            }
            if (c.getPublicKey() instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < minRsaBits) {
                return new Result(false, "RSA key of " + c.getSubjectX500Principal().getName() + " is shorter than "
                        + minRsaBits + " bits", subject, 0);
            }
        }
        for (X509CRL crl : crls) {
            if (!allowedAlgorithms.contains(crl.getSigAlgName())) {
                return new Result(false, "a CRL is signed with " + crl.getSigAlgName() + ", which is not allowed",
                        subject, 0);
            }
        }
        if (anchors.isEmpty()) {
            return new Result(false, "no trust anchors", subject, 0);
        }
        int ops = 0;
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509", BC);
            CertPath path = cf.generateCertPath(chain);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setDate(at);
            params.setRevocationEnabled(true);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls), BC));
            // Every certificate's signature, plus the CRLs the validator checks (one per issuer).
            ops = chain.size() + Math.min(crls.size(), chain.size());
            PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) CertPathValidator
                    .getInstance("PKIX", BC).validate(path, params);
            X509Certificate anchor = result.getTrustAnchor().getTrustedCert();
            if (anchor == null) {
                return new Result(false, "a trust anchor without a certificate", subject, ops);
            }
            List<X509Certificate> issued = chain.stream().filter(c -> !c.equals(anchor)).toList();
            try {
                AnchoredCertificates.checkChain(issued, anchor, AnchoredCertificates.CODE_SIGNING, at);
            } catch (CertificateException e) {
                return new Result(false, "not a code signer: " + e.getMessage(), subject, ops);
            }
        } catch (CertPathValidatorException e) {
            return new Result(false, "certificate path invalid: " + describe(e), subject, ops);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return new Result(false, "certificate path cannot be checked: " + e.getMessage(), subject, ops);
        }
        try {
            if (!(leaf.getPublicKey() instanceof ECPublicKey) && !(leaf.getPublicKey() instanceof RSAPublicKey)
                    && !"Ed25519".equals(leaf.getPublicKey().getAlgorithm())) {
                return new Result(false, "unsupported signer key " + leaf.getPublicKey().getAlgorithm(), subject,
                        ops);
            }
            if (isDigest && (!DIGEST_LENGTHS.containsKey(algorithm) || DIGEST_LENGTHS.get(algorithm) != data.length)) {
                return new Result(false, "a digest is only accepted for SHA256withECDSA (32 bytes) and "
                        + "SHA384withECDSA (48 bytes)", subject, ops);
            }
            Signature s = Signature.getInstance(isDigest ? "NONEwithECDSA" : algorithm, BC);
            s.initVerify(leaf.getPublicKey());
            s.update(data);
            ops++;
            if (!s.verify(signature)) {
                return new Result(false, "signature does not verify", subject, ops);
            }
        } catch (GeneralSecurityException e) {
            return new Result(false, "signature cannot be checked: " + e.getMessage(), subject, ops);
        }
        return new Result(true, "signature and certificate path valid", subject, ops);
    }

    private static String describe(CertPathValidatorException e) {
        String reason = e.getReason() == null ? "" : e.getReason().toString().toLowerCase().replace('_', ' ') + ": ";
        return reason + e.getMessage();
    }
}
