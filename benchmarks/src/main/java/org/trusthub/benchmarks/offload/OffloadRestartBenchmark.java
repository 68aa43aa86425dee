package org.trusthub.benchmarks.offload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.internal.hub.OffloadHub;
import org.trusthub.offload.internal.hub.OffloadState;
import org.trusthub.storage.ChecksumSealer;
import org.trusthub.storage.RecordStore;

import com.upokecenter.cbor.CBORObject;

/**
 * A hub restart with {@code groups} groups of 4 members over 32 things, each thing with a recorded sequence mark.
 * {@code resume}: the epochs come back from the keystore (stored keys) and nobody fetches anything. {@code rekeyAll}:
 * what a hub that keeps no epoch keys has to do (the previous version, or this one reading its records): every group
 * re-keys at start (a fresh key stored and recorded) and every member fetches the new epoch once. Both start from a
 * copy of the same state directory each time; the keystore and registry stay open, as in a bundle restart.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar OffloadRestartBenchmark -f 1 -wi 3 -i 10</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OffloadRestartBenchmark {
    private static final int THINGS = 32;
    private static final int MEMBERS = 4;
    private static final int OFFLOAD_GROUP_RECORD = 5; // a group record of a hub that kept no epoch keys

    @Param({"10", "100"})
    int groups;

    private Path dir;
    private FileThingKeyStore keystore;
    private ThingRegistryCore registry;
    private Path resumeTemplate;
    private Path rekeyTemplate;
    private Path state;
    private final List<ConstrainedDevice> devices = new ArrayList<>();
    private final List<List<Integer>> members = new ArrayList<>();
    private final List<byte[]> fetches = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("trusthub-offload-restart");
        keystore = FileThingKeyStore.open(dir.resolve("keystore"), dir.resolve("master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, LifecycleEventSink.NONE,
                Clock.systemUTC());
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < THINGS; i++) {
            byte[] root = new byte[32];
            random.nextBytes(root);
            ThingId id = ThingId.of("restart-" + i);
            registry.enroll(id, "bench", RootCredential.secret(root));
            registry.transition(id, Transition.BOOTSTRAP);
            registry.transition(id, Transition.ACTIVATE);
            devices.add(ConstrainedDevice.bootstrap(id, root, 1, Clock.systemUTC(), random));
        }
        resumeTemplate = dir.resolve("resume-template");
        try (OffloadHub hub = new OffloadHub(keystore, registry, Clock.systemUTC(), OffloadHub.Settings.defaults(),
                OffloadState.open(resumeTemplate, Clock.systemUTC()))) {
            // Every thing pairs with restart-0 (restart-0 with restart-1): their marks are part of what resumes.
            hub.policy(() -> new BenchPolicy("pair * restart-0", "pair restart-0 restart-1"));
            for (int g = 0; g < groups; g++) {
                Set<ThingId> set = new TreeSet<>();
                List<Integer> idx = new ArrayList<>();
                for (int m = 0; m < MEMBERS; m++) {
                    int i = (g * 7 + m * 5) % THINGS;
                    idx.add(i);
                    set.add(devices.get(i).id());
                }
                members.add(idx);
                hub.create("g" + g, set);
                hub.join("g" + g, devices.get((g * 7 + MEMBERS * 5) % THINGS).id()); // two epochs kept
                idx.add((g * 7 + MEMBERS * 5) % THINGS);
            }
            for (ConstrainedDevice d : devices) {
                hub.requestPairwiseKey(d.requestPairwiseKey(devices.get(0).id().equals(d.id())
                        ? devices.get(1).id() : devices.get(0).id()));
            }
        }
        // The same groups as a hub that kept no epoch keys recorded them (request marks are the keystore's).
        rekeyTemplate = dir.resolve("rekey-template");
        try (OffloadState s = OffloadState.open(resumeTemplate, Clock.systemUTC());
                RecordStore legacy = RecordStore.open(rekeyTemplate, "offload", ChecksumSealer.INSTANCE, r -> {
                })) {
            for (OffloadState.GroupRecord g : s.groups()) {
                CBORObject m = CBORObject.NewArray();
                g.members().forEach(t -> m.Add(t.value()));
                legacy.append(CBORObject.NewArray().Add(OFFLOAD_GROUP_RECORD).Add(g.name()).Add(m)
                        .Add(g.lastEpoch()).EncodeToBytes());
            }
        }
    }

    @Setup(Level.Invocation)
    public void freshCopy(org.openjdk.jmh.infra.BenchmarkParams params) throws IOException {
        state = dir.resolve("state");
        delete(state);
        copy(params.getBenchmark().endsWith("resume") ? resumeTemplate : rekeyTemplate, state);
        fetches.clear();
        if (params.getBenchmark().endsWith("rekeyAll")) {
            for (int g = 0; g < groups; g++) {
                for (int i : members.get(g)) {
                    ConstrainedDevice d = devices.get(i);
                    for (int s = 0; s < FileThingKeyStore.DEFAULT_REPLAY_RESERVATION; s++) {
                        d.requestPairwiseKey(d.id()); // above any mark a restart may hold
                    }
                    fetches.add(d.requestGroupKeys("g" + g));
                }
            }
        }
    }

    @Benchmark
    public int resume() throws Exception {
        try (OffloadHub hub = new OffloadHub(keystore, registry, Clock.systemUTC(), OffloadHub.Settings.defaults(),
                OffloadState.open(state, Clock.systemUTC()))) {
            return hub.groups().size();
        }
    }

    @Benchmark
    public int rekeyAll() throws Exception {
        try (OffloadHub hub = new OffloadHub(keystore, registry, Clock.systemUTC(), OffloadHub.Settings.defaults(),
                OffloadState.open(state, Clock.systemUTC()))) {
            int bytes = 0;
            for (byte[] rq : fetches) {
                bytes += hub.requestGroupKeys(rq).length;
            }
            return bytes;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        registry.close();
        keystore.close();
        delete(dir);
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void delete(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
