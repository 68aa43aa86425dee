package org.trusthub.security.wss.internal;

import java.util.Set;

import org.apache.wss4j.common.WSS4JConstants;
import org.apache.wss4j.common.crypto.AlgorithmSuite;

/**
 * The explicit algorithm allow-list: what the hub sends and the only thing it accepts. Anything else (SHA-1 digests,
 * RSA-SHA1, RSA 1.5 key transport, CBC modes, inclusive canonicalization, XPath/XSLT transforms) is refused by
 * WSS4J's algorithm suite check before any key is used, and checked again on the results.
 */
final class Algorithms {

    static final String SIGNATURE = WSS4JConstants.ECDSA_SHA256;
    static final String DIGEST = WSS4JConstants.SHA256;
    static final String C14N = WSS4JConstants.C14N_EXCL_OMIT_COMMENTS;
    static final String ENCRYPTION = WSS4JConstants.AES_128_GCM;
    static final String KEY_WRAP = WSS4JConstants.KEYWRAP_AES128;
    static final String KEY_AGREEMENT = WSS4JConstants.AGREEMENT_METHOD_ECDH_ES;
    static final String KEY_DERIVATION = WSS4JConstants.KEYDERIVATION_CONCATKDF;

    /** Signature methods accepted: ECDSA and RSA, both with SHA-256 (RSA for peers that have RSA certificates). */
    static final Set<String> SIGNATURES = Set.of(WSS4JConstants.ECDSA_SHA256, WSS4JConstants.RSA_SHA256);
    static final Set<String> DIGESTS = Set.of(WSS4JConstants.SHA256);
    static final Set<String> C14NS = Set.of(WSS4JConstants.C14N_EXCL_OMIT_COMMENTS);
    /** Reference transforms: exclusive c14n only; nothing programmable (no XPath, no XSLT). */
    static final Set<String> TRANSFORMS = Set.of(WSS4JConstants.C14N_EXCL_OMIT_COMMENTS);
    static final Set<String> ENCRYPTIONS = Set.of(WSS4JConstants.AES_128_GCM, WSS4JConstants.AES_256_GCM);
    static final Set<String> KEY_WRAPS = Set.of(WSS4JConstants.KEYWRAP_AES128, WSS4JConstants.KEYWRAP_AES256);
    static final Set<String> KEY_AGREEMENTS = Set.of(WSS4JConstants.AGREEMENT_METHOD_ECDH_ES);
    static final Set<String> KEY_DERIVATIONS = Set.of(WSS4JConstants.KEYDERIVATION_CONCATKDF,
            WSS4JConstants.KEYDERIVATION_HKDF);

    private Algorithms() {
    }

    /** WSS4J's view of the allow-list, with minimum key sizes (P-256, RSA 2048, AES-128). */
    static AlgorithmSuite suite() {
        AlgorithmSuite suite = new AlgorithmSuite();
        SIGNATURES.forEach(suite::addSignatureMethod);
        DIGESTS.forEach(suite::addDigestAlgorithm);
        C14NS.forEach(suite::addC14nAlgorithm);
        TRANSFORMS.forEach(suite::addTransformAlgorithm);
        ENCRYPTIONS.forEach(suite::addEncryptionMethod);
        KEY_WRAPS.forEach(suite::addKeyWrapAlgorithm);
        KEY_AGREEMENTS.forEach(suite::addKeyAgreementMethodAlgorithm);
        KEY_DERIVATIONS.forEach(suite::addDerivedKeyAlgorithm);
        suite.setMinimumEllipticCurveKeyLength(256);
        suite.setMaximumEllipticCurveKeyLength(521);
        suite.setMinimumAsymmetricKeyLength(2048);
        suite.setMaximumAsymmetricKeyLength(8192);
        suite.setMinimumSymmetricKeyLength(128);
        suite.setMaximumSymmetricKeyLength(256);
        return suite;
    }
}
