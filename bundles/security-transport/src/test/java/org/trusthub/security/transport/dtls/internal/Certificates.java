package org.trusthub.security.transport.dtls.internal;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made by the tests (Californium's demo certificates expired in 2025). */
final class Certificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private Certificates() {
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static X509Certificate ca(KeyPair pair, String cn) throws Exception {
        return issue(pair, cn, pair, cn, Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86400 * 365),
                true);
    }

    /** A self-signed CA certificate that allows at most {@code pathLength} CAs below it. */
    static X509Certificate ca(KeyPair pair, String cn, int pathLength) throws Exception {
        var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + cn),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(Instant.now().minusSeconds(3600)),
                Date.from(Instant.now().plusSeconds(86400)), new X500Name("CN=" + cn), pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLength));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    /**
     * A CA certificate (keyCertSign, cRLSign) or an end certificate (digitalSignature, extended key usage clientAuth
     * and serverAuth).
     */
    static X509Certificate issue(KeyPair issuer, String issuerCn, KeyPair subject, String cn, Instant notBefore,
            Instant notAfter, boolean ca) throws Exception {
        return issue(issuer, issuerCn, subject, cn, notBefore, notAfter, ca,
                ca ? null : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth});
    }

    /** An end certificate valid for a day with these extended key usages (none: no extension). */
    static X509Certificate leaf(KeyPair issuer, String issuerCn, KeyPair subject, String cn, KeyPurposeId... eku)
            throws Exception {
        return issue(issuer, issuerCn, subject, cn, Instant.now().minusSeconds(60), Instant.now().plusSeconds(86400),
                false, eku);
    }

    private static X509Certificate issue(KeyPair issuer, String issuerCn, KeyPair subject, String cn,
            Instant notBefore, Instant notAfter, boolean ca, KeyPurposeId[] eku) throws Exception {
        var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuerCn),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                new X500Name("CN=" + cn), subject.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
        if (eku != null && eku.length > 0) {
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }
}
