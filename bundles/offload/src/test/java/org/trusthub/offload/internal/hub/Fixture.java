package org.trusthub.offload.internal.hub;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.trusthub.api.keystore.RootCredential;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.offload.device.ConstrainedDevice;

/** A hub (the real thing registry and FileThingKeyStore, the offload services) and devices bootstrapped with their root secrets. */
final class Fixture implements AutoCloseable {
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
    final FileThingKeyStore keystore;
    private final Path keystoreDirectory;
    final ThingRegistryCore registry;
    final OffloadHub hub;
    private final SecureRandom random = new SecureRandom();
    private final java.util.Map<ThingId, byte[]> roots = new java.util.HashMap<>();

    Fixture(Path dir) throws Exception {
        this(dir, OffloadHub.Settings.defaults());
    }

    Fixture(Path dir, OffloadHub.Settings settings) throws Exception {
        keystoreDirectory = dir.resolve("keystore");
        keystore = FileThingKeyStore.open(dir.resolve("keystore"), dir.resolve("master.key"), clock,
                FileThingKeyStore.DEFAULT_COUNTER_RESERVATION, e -> {
                });
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, LifecycleEventSink.NONE, clock);
        hub = new OffloadHub(keystore, registry, clock, settings);
        hub.policy(() -> ANY);
    }

    /**
     * Allows every token and pairwise key: for the tests of everything but authorization (AuthorizationTest starts
     * from a policy that allows nothing).
     */
    static final FakePolicy ANY = FakePolicy.allowingEverything();

    /** A hub over the same keystore and registry that records its state in {@code stateDirectory}. */
    OffloadHub durableHub(Path stateDirectory) throws Exception {
        OffloadHub h = new OffloadHub(keystore, registry, clock, OffloadHub.Settings.defaults(),
                OffloadState.open(stateDirectory, clock));
        h.policy(() -> ANY);
        return h;
    }

    /** The keystore's replay mark of the thing's offload requests (-1 for none), as a restarted hub finds it. */
    long mark(ThingId thing) {
        return mark(keystore, thing);
    }

    static long mark(org.trusthub.api.keystore.ThingKeyStore keystore, ThingId thing) {
        org.trusthub.api.keystore.DerivedKey k = keystore.deriveKeyUnrecorded(thing,
                org.trusthub.api.keystore.Layer.APPLICATION, org.trusthub.offload.wire.Wire.MECH_REQUEST,
                org.trusthub.offload.wire.Crypto.KEY);
        try {
            return keystore.replayMark(k, Gate.MARK);
        } finally {
            k.destroy();
        }
    }

    /** An enrolled thing, moved to OPERATIONAL, and the device holding its root secret. */
    ConstrainedDevice operational(String name) {
        ConstrainedDevice d = enrolled(name);
        registry.transition(d.id(), Transition.BOOTSTRAP);
        registry.transition(d.id(), Transition.ACTIVATE);
        return d;
    }

    /** An enrolled thing left in MANUFACTURED. */
    ConstrainedDevice enrolled(String name) {
        byte[] root = new byte[32];
        random.nextBytes(root);
        ThingId id = ThingId.of(name);
        registry.enroll(id, "owner", RootCredential.secret(root));
        roots.put(id, root.clone());
        return ConstrainedDevice.bootstrap(id, root, 1, clock, random);
    }

    /** The same thing's device after its APPLICATION keys moved to {@code generation}. */
    ConstrainedDevice rebootstrapped(ConstrainedDevice d, int generation) {
        return ConstrainedDevice.bootstrap(d.id(), roots.get(d.id()), generation, clock, random);
    }

    /** Every file of the keystore (journal, snapshot) by name, to prove that nothing was written to it. */
    java.util.Map<String, byte[]> keystoreFiles() throws java.io.IOException {
        java.util.Map<String, byte[]> out = new java.util.TreeMap<>();
        try (var s = java.nio.file.Files.list(keystoreDirectory)) {
            for (Path p : s.filter(p -> !p.getFileName().toString().endsWith(".lock")).toList()) {
                out.put(p.getFileName().toString(), java.nio.file.Files.readAllBytes(p));
            }
        }
        return out;
    }

    static void assertSameFiles(java.util.Map<String, byte[]> expected, java.util.Map<String, byte[]> actual) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, bytes) -> org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, actual.get(name),
                name + " changed"));
    }

    @Override
    public void close() {
        registry.close();
        keystore.close();
    }

    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
