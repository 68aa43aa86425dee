package org.trusthub.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import javax.crypto.spec.SecretKeySpec;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;

/**
 * Enrolls many things in the keystore, each enrollment durable before the next begins, and reports time per
 * enrollment, store size on disk per thing, heap per thing and the time to reopen the store. Beside it, in the same
 * run, the alternative a user would pick: one random key per layer stored in a PKCS#12 Java KeyStore that is saved
 * after each enrollment (the only way it is durable), for a smaller count since each save rewrites the whole file.
 *
 * <p>Then, on the full store, the stall a revocation causes: a revocation compacts the whole store so the destroyed
 * root leaves the disk. It runs under the read lock, so the run reports how long each revocation takes (what other
 * writers, such as an enrollment or a counter block reservation, may wait) beside the longest key derivation and
 * the longest counter draw seen meanwhile on another thread (what readers wait).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar org.trusthub.benchmarks.EnrollmentScaleRun
 * [things=100000] [pkcs12Things=500] [revocations=10]}
 */
public final class EnrollmentScaleRun {

    private EnrollmentScaleRun() {
    }

    public static void main(String[] args) throws Exception {
        int things = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int pkcs12Things = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int revocations = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Path dir = Files.createTempDirectory("trusthub-scale");
        try {
            Result hub = trusthub(dir.resolve("trusthub"), things, revocations);
            Result p12 = pkcs12(dir.resolve("pkcs12"), pkcs12Things);
            System.out.println(hub);
            System.out.println(hub.revokeStall());
            System.out.println(p12);
            System.out.printf(Locale.ROOT, "ratio pkcs12/trusthub: time per enrollment %.1fx, disk per thing %.2fx%n",
                    p12.microsPerThing() / hub.microsPerThing(), p12.diskPerThing() / hub.diskPerThing());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Result trusthub(Path dir, int things, int revocations) throws Exception {
        Path store = dir.resolve("store");
        Path masterKey = dir.resolve("etc/master.key");
        SecureRandom random = new SecureRandom();
        long heapBefore;
        long elapsed;
        long heapAfter;
        try (FileThingKeyStore keystore = FileThingKeyStore.open(store, masterKey)) {
            heapBefore = usedHeapAfterGc();
            long start = System.nanoTime();
            byte[] root = new byte[32];
            for (int i = 0; i < things; i++) {
                random.nextBytes(root);
                keystore.enroll(ThingId.of("thing-" + i), RootCredential.secret(root));
            }
            elapsed = System.nanoTime() - start;
            heapAfter = usedHeapAfterGc();
            // One key per layer, so the metadata of a used thing is part of the measured state.
            keystore.deriveKey(ThingId.of("thing-0"), Layer.LINK, "ieee802154-ccm-star", 16).destroy();
            keystore.compact();
        }
        long disk = sizeOf(store);
        long reopenStart = System.nanoTime();
        try (FileThingKeyStore reopened = FileThingKeyStore.open(store, masterKey)) {
            if (reopened.things().size() != things) {
                throw new IllegalStateException("reopened store holds " + reopened.things().size() + " things");
            }
        }
        long reopen = System.nanoTime() - reopenStart;
        RevokeStall stall = revokeStall(store, masterKey, things, revocations);
        return new Result("trusthub keystore", things, elapsed, disk, heapAfter - heapBefore, reopen, stall);
    }

    private static RevokeStall revokeStall(Path store, Path masterKey, int things, int revocations)
            throws Exception {
        try (FileThingKeyStore keystore = FileThingKeyStore.open(store, masterKey)) {
            ThingId reader = ThingId.of("thing-" + (things - 1));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong maxDerive = new AtomicLong();
            AtomicLong maxCounter = new AtomicLong();
            AtomicLong draws = new AtomicLong();
            Thread readerThread = new Thread(() -> {
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    keystore.deriveKey(reader, Layer.APPLICATION, "oscore", 16).destroy();
                    long t1 = System.nanoTime();
                    keystore.nextCounter(reader, Layer.APPLICATION, "oscore", Long.MAX_VALUE);
                    long t2 = System.nanoTime();
                    maxDerive.accumulateAndGet(t1 - t0, Math::max);
                    maxCounter.accumulateAndGet(t2 - t1, Math::max);
                    draws.incrementAndGet();
                }
            });
            readerThread.start();
            long total = 0;
            long worst = 0;
            try {
                Thread.sleep(500); // warm the reader up before the measured revocations
                maxDerive.set(0);
                maxCounter.set(0);
                draws.set(0);
                for (int i = 0; i < revocations; i++) {
                    long t0 = System.nanoTime();
                    keystore.revoke(ThingId.of("thing-" + i));
                    long t = System.nanoTime() - t0;
                    total += t;
                    worst = Math.max(worst, t);
                }
            } finally {
                stop.set(true);
                readerThread.join();
            }
            return new RevokeStall(revocations, total / revocations, worst, maxDerive.get(), maxCounter.get(),
                    draws.get());
        }
    }

    private record RevokeStall(int revocations, long meanNanos, long worstNanos, long worstDeriveNanos,
            long worstCounterNanos, long readerDraws) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "revoke at full size: %d revocations, mean %.1f ms, worst %.1f ms (writers wait this long); "
                            + "meanwhile on another thread %d derive+counter pairs, worst derive %.2f ms, worst "
                            + "counter draw %.2f ms (readers' stall)",
                    revocations, meanNanos / 1e6, worstNanos / 1e6, readerDraws, worstDeriveNanos / 1e6,
                    worstCounterNanos / 1e6);
        }
    }

    private static Result pkcs12(Path dir, int things) throws Exception {
        Files.createDirectories(dir);
        Path file = dir.resolve("keys.p12");
        char[] password = "scale-run-only".toCharArray();
        KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(password);
        SecureRandom random = new SecureRandom();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        long heapBefore = usedHeapAfterGc();
        long start = System.nanoTime();
        for (int i = 0; i < things; i++) {
            for (Layer layer : Layer.values()) {
                byte[] key = new byte[16];
                random.nextBytes(key);
                ks.setEntry("thing-" + i + "/" + layer, new KeyStore.SecretKeyEntry(new SecretKeySpec(key, "AES")),
                        protection);
            }
            Path tmp = dir.resolve("keys.p12.tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ks.store(out, password);
            }
            try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        long elapsed = System.nanoTime() - start;
        long heapAfter = usedHeapAfterGc();
        long disk = Files.size(file);
        long reopenStart = System.nanoTime();
        KeyStore reopened = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(file)) {
            reopened.load(in, password);
        }
        long reopen = System.nanoTime() - reopenStart;
        return new Result("PKCS#12 KeyStore, saved per enrollment", things, elapsed, disk, heapAfter - heapBefore,
                reopen, null);
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private record Result(String what, int things, long nanos, long diskBytes, long heapBytes, long reopenNanos,
            RevokeStall revokeStall) {
        double microsPerThing() {
            return nanos / 1000.0 / things;
        }

        double diskPerThing() {
            return (double) diskBytes / things;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "%s: %d things in %.1f s = %.1f us per durable enrollment; disk %.1f MiB = %.0f B per thing; "
                            + "heap %.0f B per thing; reopen %.2f s",
                    what, things, nanos / 1e9, microsPerThing(), diskBytes / 1048576.0, diskPerThing(),
                    (double) heapBytes / things, reopenNanos / 1e9);
        }
    }
}
