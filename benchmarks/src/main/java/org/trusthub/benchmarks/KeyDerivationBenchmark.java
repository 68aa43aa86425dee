package org.trusthub.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;

/**
 * What a layer key costs. {@code trusthubDerive} is the keystore's deriveKey (HKDF-SHA256 from the thing's root,
 * plus usage bookkeeping). Beside it: {@code bouncyCastleHkdf}, raw Bouncy Castle HKDF over the same input (the
 * floor for any HKDF-based design), and {@code pkcs12KeyLookup}, reading a stored per-layer key from a PKCS#12
 * Java KeyStore, which is what a hub that stores one random key per layer and protocol would do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class KeyDerivationBenchmark {

    private static final char[] PASSWORD = "benchmark-only".toCharArray();

    private Path dir;
    private FileThingKeyStore keystore;
    private ThingId thing;
    private byte[] ikm;
    private byte[] salt;
    private byte[] info;
    private KeyStore pkcs12;
    private KeyStore.PasswordProtection protection;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("trusthub-bench");
        keystore = FileThingKeyStore.open(dir.resolve("store"), dir.resolve("etc/master.key"));
        thing = ThingId.of("bench-thing");
        SecureRandom random = new SecureRandom();
        ikm = new byte[32];
        random.nextBytes(ikm);
        keystore.enroll(thing, RootCredential.secret(ikm));
        salt = "trusthub/v1 root".getBytes();
        info = "trusthub/v1 bench-thing APPLICATION oscore 1 16".getBytes();

        pkcs12 = KeyStore.getInstance("PKCS12");
        pkcs12.load(null, null);
        protection = new KeyStore.PasswordProtection(PASSWORD);
        byte[] key = new byte[16];
        random.nextBytes(key);
        pkcs12.setEntry("bench-thing/APPLICATION/oscore", new KeyStore.SecretKeyEntry(new SecretKeySpec(key, "AES")),
                protection);
        // Entries read back from a saved file are what a running hub looks up.
        Path file = dir.resolve("keys.p12");
        try (var out = Files.newOutputStream(file)) {
            pkcs12.store(out, PASSWORD);
        }
        pkcs12 = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(file)) {
            pkcs12.load(in, PASSWORD);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        keystore.close();
        Files.walk(dir).sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    }

    @Benchmark
    public byte[] trusthubDerive() {
        DerivedKey key = keystore.deriveKey(thing, Layer.APPLICATION, "oscore", 16);
        byte[] bytes = key.bytes();
        key.destroy();
        return bytes;
    }

    @Benchmark
    public byte[] bouncyCastleHkdf() {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[16];
        hkdf.generateBytes(out, 0, 16);
        return out;
    }

    @Benchmark
    public byte[] pkcs12KeyLookup() throws Exception {
        KeyStore.SecretKeyEntry entry = (KeyStore.SecretKeyEntry) pkcs12.getEntry("bench-thing/APPLICATION/oscore",
                protection);
        return entry.getSecretKey().getEncoded();
    }
}
