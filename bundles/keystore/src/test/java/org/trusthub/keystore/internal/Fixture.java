package org.trusthub.keystore.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Paths, a settable clock and helpers shared by the keystore tests. */
final class Fixture {

    final Path root;
    final Path storeDir;
    final Path masterKey;
    final TestClock clock = new TestClock(Instant.parse("2026-11-22T08:00:00.123456789Z"));
    final List<KeyEvent> events = new ArrayList<>();

    Fixture(Path root) {
        this.root = root;
        this.storeDir = root.resolve("data/trusthub/keystore");
        this.masterKey = root.resolve("etc/trusthub/master.key");
    }

    FileThingKeyStore open() {
        return open(DEFAULT_RESERVATION);
    }

    static final int DEFAULT_RESERVATION = 16;

    FileThingKeyStore open(int reservation) {
        return open(reservation, FileThingKeyStore.DEFAULT_REPLAY_RESERVATION);
    }

    FileThingKeyStore open(int reservation, int replayReservation) {
        return FileThingKeyStore.open(storeDir, masterKey, clock, reservation, replayReservation, e -> {
            synchronized (events) {
                events.add(e);
            }
        });
    }

    /** Every file of the store and the master key file, by name, to prove that nothing changed. */
    Map<String, byte[]> files() throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        for (Path dir : List.of(storeDir, masterKey.getParent())) {
            if (Files.isDirectory(dir)) {
                try (var s = Files.list(dir)) {
                    for (Path p : s.filter(p -> !p.getFileName().toString().endsWith(".lock")).toList()) {
                        out.put(p.toString(), Files.readAllBytes(p));
                    }
                }
            }
        }
        return out;
    }

    /** A copy of the store files as a crash would leave them while the keystore is still open. */
    Fixture crashCopy(Path to) throws IOException {
        Fixture copy = new Fixture(to);
        Files.createDirectories(copy.storeDir);
        Files.createDirectories(copy.masterKey.getParent());
        for (String n : List.of(FileThingKeyStore.STORE_NAME + ".snapshot", FileThingKeyStore.STORE_NAME + ".journal")) {
            Path f = storeDir.resolve(n);
            if (Files.exists(f)) {
                Files.copy(f, copy.storeDir.resolve(n));
            }
        }
        Files.copy(masterKey, copy.masterKey, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        copy.clock.set(clock.instant());
        return copy;
    }

    static KeyPair ecKeyPair(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    static X509Certificate selfSigned(KeyPair pair, String cn, String signatureAlgorithm) throws Exception {
        X500Name name = new X500Name("CN=" + cn);
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now),
                Date.from(now.plus(Duration.ofDays(365))), name, pair.getPublic());
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder(signatureAlgorithm).build(pair.getPrivate())));
    }

    /** A self-signed CA certificate (basicConstraints CA, key usage keyCertSign and cRLSign), as trust anchors are. */
    static X509Certificate selfSignedCa(KeyPair pair, String cn, String signatureAlgorithm) throws Exception {
        X500Name name = new X500Name("CN=" + cn);
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now),
                Date.from(now.plus(Duration.ofDays(365))), name, pair.getPublic());
        builder.addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true,
                new org.bouncycastle.asn1.x509.BasicConstraints(true));
        builder.addExtension(org.bouncycastle.asn1.x509.Extension.keyUsage, true,
                new org.bouncycastle.asn1.x509.KeyUsage(org.bouncycastle.asn1.x509.KeyUsage.keyCertSign
                        | org.bouncycastle.asn1.x509.KeyUsage.cRLSign));
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder(signatureAlgorithm).build(pair.getPrivate())));
    }

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        void set(Instant t) {
            now = t;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
