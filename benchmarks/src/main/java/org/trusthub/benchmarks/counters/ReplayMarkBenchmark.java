package org.trusthub.benchmarks.counters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ReplayMarks;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.link.ccm.FrameCounterGuard;
import org.trusthub.security.link.ccm.MicFailureException;

/**
 * Incoming frames per second through the frame counter guard: in memory (what a restart forgets) against durable
 * marks in the real keystore, written ahead in blocks of 1, 32 (the default) and 1024 frames, in one run. Each
 * operation is one accepted frame from one of 16 senders: the counter check, then the commit. The {@code *WithCcm}
 * variant also opens an 80-byte CCM* frame (level 6), the work the guard sits beside in the providers, so the ratio
 * there is what a user of the IEEE 802.15.4 / ZigBee providers sees.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar counters.ReplayMarkBenchmark -f 1 -wi 2 -i 3 -w 1s -r 2s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReplayMarkBenchmark {

    private static final int SENDERS = 16;
    private static final ThingId NETWORK = ThingId.of("zigbee-network:00124b00bench0001");

    /** {@code memory}, or the keystore's replay mark block: how many frames of a sender one disk write covers. */
    @Param({"memory", "1", "32", "1024"})
    public String marks;

    private Path dir;
    private FileThingKeyStore keystore;
    private DerivedKey key;
    private FrameCounterGuard<Long> guard;
    private final long[] next = new long[SENDERS];
    private final String[] names = new String[SENDERS];
    private int sender;
    private CcmStar ccm;
    private byte[] nonce;
    private byte[] header;
    private byte[] frame;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("trusthub-replay-bench");
        int block = marks.equals("memory") ? FileThingKeyStore.DEFAULT_REPLAY_RESERVATION : Integer.parseInt(marks);
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"), Clock.systemUTC(),
                FileThingKeyStore.DEFAULT_COUNTER_RESERVATION, block, e -> {
                });
        byte[] root = new byte[32];
        new Random(7).nextBytes(root);
        keystore.enroll(NETWORK, RootCredential.secret(root));
        key = keystore.deriveKey(NETWORK, Layer.NETWORK, "zigbee-nwk", 16);
        for (int i = 0; i < SENDERS; i++) {
            names[i] = ReplayMarks.fromAddress(0x00124B0000000000L + i);
        }
        guard = marks.equals("memory") ? new FrameCounterGuard<>()
                : FrameCounterGuard.durable(keystore, s -> key, s -> names[(int) (long) s]);
        byte[] k = key.bytes();
        ccm = new CcmStar(k);
        Random r = new Random(42);
        nonce = new byte[13];
        header = new byte[20];
        byte[] payload = new byte[80];
        r.nextBytes(nonce);
        r.nextBytes(header);
        r.nextBytes(payload);
        frame = ccm.protect(nonce, 8, true, header, payload);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        ccm.destroy();
        key.destroy();
        keystore.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private boolean accept() {
        long s = sender;
        sender = (sender + 1) % SENDERS;
        long c = next[(int) s]++;
        if (c > FrameCounterGuard.MAX_COUNTER) {
            throw new IllegalStateException("counter space used up; shorten the run");
        }
        if (guard.check(s, c) != FrameCounterGuard.Verdict.FRESH || !guard.commit(s, c)) {
            throw new IllegalStateException("a fresh counter was refused");
        }
        return true;
    }

    @Benchmark
    public boolean guard() {
        return accept();
    }

    @Benchmark
    public byte[] guardWithCcm() throws MicFailureException {
        byte[] opened = ccm.unprotect(nonce, 8, true, header, frame);
        accept();
        return opened;
    }
}
