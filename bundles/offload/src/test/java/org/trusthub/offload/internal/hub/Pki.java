package org.trusthub.offload.internal.hub;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A small CA made at test time (published demo certificates expire): root, signers, CRLs. */
public final class Pki {
    static final Provider BC = new BouncyCastleProvider();
    final KeyPair caKeys = ec();
    public final X509Certificate ca;
    final Instant now;
    private long serial = 1;

    public Pki(Instant now) throws Exception {
        this.now = now;
        X500Name name = new X500Name("CN=trusthub test CA");
        var b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(serial++), Date.from(now.minusSeconds(3600)),
                Date.from(now.plusSeconds(86400 * 365)), name, caKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        ca = cert(b, caKeys.getPrivate(), "SHA256withECDSA");
    }

    public static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A code signer's certificate for {@code keys} (digitalSignature, codeSigning), issued by the CA, valid from
     * {@code from} to {@code to}.
     */
    X509Certificate leaf(String cn, KeyPair keys, Instant from, Instant to, String alg) throws Exception {
        return leaf(cn, keys, from, to, alg, KeyPurposeId.id_kp_codeSigning);
    }

    /** A leaf certificate with these extended key usages (none: no extension), valid for a day. */
    public X509Certificate leaf(String cn, KeyPair keys, KeyPurposeId... eku) throws Exception {
        return leaf(cn, keys, now.minusSeconds(60), now.plusSeconds(86400), "SHA256withECDSA", eku);
    }

    private X509Certificate leaf(String cn, KeyPair keys, Instant from, Instant to, String alg, KeyPurposeId... eku)
            throws Exception {
        var b = new JcaX509v3CertificateBuilder(new X500Name("CN=trusthub test CA"), BigInteger.valueOf(serial++),
                Date.from(from), Date.from(to), new X500Name("CN=" + cn), keys.getPublic());
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        if (eku.length > 0) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
        }
        return cert(b, caKeys.getPrivate(), alg);
    }

    public X509Certificate leaf(String cn, KeyPair keys) throws Exception {
        return leaf(cn, keys, now.minusSeconds(60), now.plusSeconds(86400), "SHA256withECDSA");
    }

    public X509CRL crl(X509Certificate... revoked) throws Exception {
        X509v2CRLBuilder b = new X509v2CRLBuilder(new X500Name("CN=trusthub test CA"), Date.from(now.minusSeconds(60)));
        b.setNextUpdate(Date.from(now.plusSeconds(86400)));
        for (X509Certificate c : revoked) {
            b.addCRLEntry(c.getSerialNumber(), Date.from(now.minusSeconds(30)), CRLReason.keyCompromise);
        }
        return new JcaX509CRLConverter().setProvider(BC).getCRL(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(caKeys.getPrivate())));
    }

    public static byte[] sign(PrivateKey key, String alg, byte[] data) throws Exception {
        Signature s = Signature.getInstance(alg, BC);
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    private static X509Certificate cert(JcaX509v3CertificateBuilder b, PrivateKey signer, String alg)
            throws Exception {
        return new JcaX509CertificateConverter().setProvider(BC).getCertificate(
                b.build(new JcaContentSignerBuilder(alg).setProvider(BC).build(signer)));
    }
}
