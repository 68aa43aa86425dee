package org.trusthub.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

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
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;

/**
 * What a never-repeating nonce counter costs. {@code trusthubNextCounter} is the keystore's counter with
 * {@code reservation} values reserved per durable write (1024 is the default; 1 persists every value).
 * {@code fsyncEveryValue} is the obvious alternative that is just as crash-safe: write the counter to its own file
 * and force it to disk before each value is used.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CounterBenchmark {

    @Param({"1024", "1"})
    public int reservation;

    private Path dir;
    private FileThingKeyStore keystore;
    private ThingId thing;
    private FileChannel counterFile;
    private final ByteBuffer buffer = ByteBuffer.allocate(8);
    private long plainCounter;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("trusthub-bench");
        keystore = FileThingKeyStore.open(dir.resolve("store"), dir.resolve("etc/master.key"), Clock.systemUTC(),
                reservation, e -> {
                });
        thing = ThingId.of("bench-thing");
        keystore.enroll(thing, RootCredential.secret(new byte[32]));
        counterFile = FileChannel.open(dir.resolve("counter"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        keystore.close();
        counterFile.close();
        Files.walk(dir).sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    }

    @Benchmark
    public long trusthubNextCounter() {
        return keystore.nextCounter(thing, Layer.LINK, "ieee802154-ccm-star", 0xFFFFFFFFL);
    }

    @Benchmark
    public long fsyncEveryValue() throws IOException {
        long value = plainCounter++;
        buffer.clear();
        buffer.putLong(value + 1).flip();
        counterFile.write(buffer, 0);
        counterFile.force(false);
        return value;
    }
}
