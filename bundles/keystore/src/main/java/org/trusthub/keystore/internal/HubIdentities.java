package org.trusthub.keystore.internal;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

import javax.crypto.KeyAgreement;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.trusthub.api.keystore.HubIdentity;

/**
 * Makes and reloads the hub identity, and does the EC P-256 work of certificate roots. Key pairs, signatures and
 * key agreement come from the JCA; Bouncy Castle only builds the certificate.
 */
public final class HubIdentities {

    /** How long the hub certificate is valid. */
    public static final Duration VALIDITY = Duration.ofDays(3652);

    private static final String CURVE = "secp256r1";
    private static final ECParameterSpec P256 = p256();

    private HubIdentities() {
    }

    /**
     * A fresh EC P-256 key pair and a self-signed certificate: CN=trusthub hub &lt;random suffix&gt;, ten years,
     * not a CA, key usage digitalSignature and keyAgreement.
     */
    public static HubIdentity generate(SecureRandom random, Instant now) {
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(new ECGenParameterSpec(CURVE), random);
            KeyPair pair = kpg.generateKeyPair();
            byte[] suffix = new byte[6];
            random.nextBytes(suffix);
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.CN, "trusthub hub " + HexFormat.of().formatHex(suffix)).build();
            byte[] serial = new byte[16];
            random.nextBytes(serial);
            Instant notBefore = now.minus(Duration.ofMinutes(5)); // tolerate peers whose clocks run a little behind
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(1, serial), Date.from(notBefore), Date.from(now.plus(VALIDITY)), subject,
                    pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    ext.createSubjectKeyIdentifier(pair.getPublic()));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").setSecureRandom(random)
                    .build(pair.getPrivate());
            X509CertificateHolder holder = builder.build(signer);
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
            cert.verify(pair.getPublic());
            return new HubIdentity(cert, pair.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the hub identity: " + e.getClass().getName(), e);
        }
    }

    /** Rebuilds an identity from its DER certificate and PKCS#8 private key. */
    public static HubIdentity load(byte[] certificateDer, byte[] pkcs8) throws GeneralSecurityException {
        X509Certificate cert = certificate(certificateDer);
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        return new HubIdentity(cert, key);
    }

    /** Parses a DER certificate. */
    public static X509Certificate certificate(byte[] der) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    }

    /**
     * The certificate's public key, when it is an EC P-256 key.
     *
     * @throws IllegalArgumentException naming the key type otherwise
     */
    public static ECPublicKey requireP256(X509Certificate certificate) {
        PublicKey key = certificate.getPublicKey();
        if (!(key instanceof ECPublicKey ec)) {
            throw new IllegalArgumentException("root certificate of '" + certificate.getSubjectX500Principal()
                    .getName() + "' has a " + key.getAlgorithm() + " key; only EC P-256 keys are accepted");
        }
        if (!isP256(ec.getParams())) {
            throw new IllegalArgumentException("root certificate of '" + certificate.getSubjectX500Principal()
                    .getName() + "' has an EC key on another curve (" + ec.getParams().getCurve().getField()
                            .getFieldSize() + "-bit field); only P-256 keys are accepted");
        }
        return ec;
    }

    /** The static ECDH (P-256) shared secret; the caller wipes it. */
    public static byte[] ecdh(PrivateKey hubKey, ECPublicKey peer) {
        try {
            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(hubKey);
            ka.doPhase(peer, true);
            return ka.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("ECDH with the root certificate's key failed: " + e.getMessage(), e);
        }
    }

    private static boolean isP256(ECParameterSpec p) {
        return p.getCurve().equals(P256.getCurve()) && p.getGenerator().equals(P256.getGenerator())
                && p.getOrder().equals(P256.getOrder()) && p.getCofactor() == P256.getCofactor();
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec(CURVE));
            return params.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
