package org.trusthub.benchmarks.offload;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.internal.hub.OffloadHub;

/**
 * A hub (real FileThingKeyStore, thing registry and offload services) with operational things, and a small PKI made
 * at start: a CA, a signer certificate, an empty CRL and a signature over a firmware image.
 */
final class OffloadBench implements AutoCloseable {
    static final Provider BC = new BouncyCastleProvider();
    static final byte[] FIRMWARE = new byte[1024];

    final Path dir;
    final FileThingKeyStore keystore;
    final ThingRegistryCore registry;
    final OffloadHub hub;
    final SecureRandom random = new SecureRandom();
    final KeyPair caKeys = ec();
    final X509Certificate ca;
    final KeyPair signerKeys = ec();
    final X509Certificate signer;
    final X509CRL crl;
    final byte[] signature;

    /**
     * What the benchmarks' things ask for, allowed one by one as an operator would (no wildcard): every issue asks
     * the policy.
     */
    static final BenchPolicy POLICY = new BenchPolicy(
            "token cost-client cost-server write invoke", "pair cost-client cost-server",
            "token bench-local bench-audience write", "token bench-dtls bench-audience write",
            "token bench-oscore bench-audience write",
            "token bench-client bench-server write", "pair bench-client bench-server",
            "token sct-client sct-server invoke");

    OffloadBench() throws Exception {
        dir = Files.createTempDirectory("trusthub-offload-bench");
        keystore = FileThingKeyStore.open(dir.resolve("keystore"), dir.resolve("master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, LifecycleEventSink.NONE,
                Clock.systemUTC());
        hub = new OffloadHub(keystore, registry, Clock.systemUTC(), OffloadHub.Settings.defaults());
        hub.policy(() -> POLICY);
        Instant now = Instant.now();
        X500Name caName = new X500Name("CN=bench CA");
        var cb = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, Date.from(now.minusSeconds(3600)),
                Date.from(now.plusSeconds(86400)), caName, caKeys.getPublic());
        cb.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        cb.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        ca = cert(cb);
        var lb = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, Date.from(now.minusSeconds(3600)),
                Date.from(now.plusSeconds(86400)), new X500Name("CN=firmware signer"), signerKeys.getPublic());
        lb.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        lb.addExtension(Extension.extendedKeyUsage, false,
                new org.bouncycastle.asn1.x509.ExtendedKeyUsage(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_codeSigning));
        signer = cert(lb);
        X509v2CRLBuilder crlb = new X509v2CRLBuilder(caName, Date.from(now.minusSeconds(60)));
        crlb.setNextUpdate(Date.from(now.plusSeconds(86400)));
        crl = new JcaX509CRLConverter().setProvider(BC).getCRL(
                crlb.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(caKeys.getPrivate())));
        keystore.addTrustAnchor("bench-ca", ca, java.util.Set.of(org.trusthub.api.keystore.TrustPurpose.FIRMWARE));
        hub.revocationLists(List.of(crl));
        random.nextBytes(FIRMWARE);
        signature = sign(signerKeys.getPrivate(), FIRMWARE);
    }

    ConstrainedDevice operational(String name) {
        byte[] root = new byte[32];
        random.nextBytes(root);
        ThingId id = ThingId.of(name);
        registry.enroll(id, "bench", RootCredential.secret(root));
        registry.transition(id, Transition.BOOTSTRAP);
        registry.transition(id, Transition.ACTIVATE);
        return ConstrainedDevice.bootstrap(id, root, 1, Clock.systemUTC(), random);
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sign(PrivateKey key, byte[] data) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA", BC);
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    private X509Certificate cert(JcaX509v3CertificateBuilder b) throws Exception {
        return new JcaX509CertificateConverter().setProvider(BC).getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(caKeys.getPrivate())));
    }

    @Override
    public void close() {
        registry.close();
        keystore.close();
    }
}
