package org.trusthub.security.wss.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.api.thing.ThingId;

/**
 * One side of a WS-Security exchange in engine tests: a hub (or a thing acting like one) with its own P-256 identity
 * and the certificates of the peers it has enrolled. The component tests run the same engine on the real keystore;
 * here two independent parties are needed, each with its own identity, which one keystore cannot give.
 */
final class Party implements Credentials {

    private static final SecureRandom RANDOM = new SecureRandom();

    final ThingId name;
    final HubIdentity identity;
    private final Map<ThingId, X509Certificate> peers = new HashMap<>();
    private final Map<ThingId, byte[]> passwords = new HashMap<>();

    Party(String name) {
        this.name = ThingId.of(name);
        KeyPair pair = p256();
        this.identity = new HubIdentity(certificate(name, pair.getPublic(), name, pair.getPrivate()), pair.getPrivate());
    }

    /** A party whose certificate a certification authority issued. */
    Party(String name, String issuer, PrivateKey issuerKey) {
        this(name, p256(), issuer, issuerKey);
    }

    /** A party with this key pair, whose certificate a certification authority issued. */
    Party(String name, KeyPair pair, String issuer, PrivateKey issuerKey) {
        this.name = ThingId.of(name);
        this.identity = new HubIdentity(certificate(name, pair.getPublic(), issuer, issuerKey), pair.getPrivate());
    }

    /** Knows a peer's certificate without a shared secret. */
    void know(ThingId peer, X509Certificate certificate) {
        peers.put(peer, certificate);
    }

    /** Makes each party know the other under its name, with a shared UsernameToken secret. */
    static void introduce(Party a, Party b) {
        a.peers.put(b.name, b.identity.certificate());
        b.peers.put(a.name, a.identity.certificate());
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        a.passwords.put(b.name, secret);
        b.passwords.put(a.name, secret);
    }

    void forget(ThingId peer) {
        peers.remove(peer);
    }

    @Override
    public HubIdentity hub() {
        return identity;
    }

    @Override
    public Optional<X509Certificate> certificateOf(ThingId thing) {
        return Optional.ofNullable(peers.get(thing));
    }

    @Override
    public Optional<ThingId> thingOf(X509Certificate certificate) {
        return peers.entrySet().stream().filter(e -> e.getValue().equals(certificate)).map(Map.Entry::getKey)
                .findFirst();
    }

    @Override
    public Optional<ThingId> thingOfKeyId(byte[] subjectKeyId) {
        return peers.entrySet().stream().filter(e -> java.util.Arrays.equals(subjectKeyId,
                CompactSignature.subjectKeyId(e.getValue().getPublicKey()))).map(Map.Entry::getKey).findFirst();
    }

    @Override
    public Optional<char[]> usernamePassword(ThingId thing) {
        byte[] secret = passwords.get(thing);
        return secret == null ? Optional.empty()
                : Optional.of(java.util.Base64.getEncoder().encodeToString(secret).toCharArray());
    }

    static KeyPair p256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A certificate: a self-issued one is a CA's (basicConstraints CA, keyCertSign, as a trust anchor is), one issued
     * by another an end certificate with digitalSignature.
     */
    static X509Certificate certificate(String subject, PublicKey key, String issuer, PrivateKey issuerKey) {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer),
                    new BigInteger(64, RANDOM).add(BigInteger.ONE), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=" + subject), key);
            boolean ca = subject.equals(issuer);
            builder.addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true,
                    new org.bouncycastle.asn1.x509.BasicConstraints(ca));
            builder.addExtension(org.bouncycastle.asn1.x509.Extension.keyUsage, true,
                    new org.bouncycastle.asn1.x509.KeyUsage(ca ? org.bouncycastle.asn1.x509.KeyUsage.keyCertSign
                            | org.bouncycastle.asn1.x509.KeyUsage.digitalSignature
                            : org.bouncycastle.asn1.x509.KeyUsage.digitalSignature));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
