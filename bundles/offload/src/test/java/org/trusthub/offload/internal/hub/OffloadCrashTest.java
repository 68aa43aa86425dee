package org.trusthub.offload.internal.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.offload.GroupInfo;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.keystore.testing.KilledChild;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.wire.Cbor;
import org.trusthub.offload.wire.Cose;
import org.trusthub.offload.wire.Wire;

import com.upokecenter.cbor.CBORObject;

/**
 * Kills a durable hub (SIGKILL of a child JVM) while it takes requests and re-keys a group, many times, with the
 * requester's application keys rotated between some runs while no hub runs. After each kill: no request sequence
 * number of any (thing, key generation) was taken twice, in that run or any earlier one; every request taken before
 * is refused by the restarted hub; the first numbers under rotated keys were taken (no lock-out); no acknowledged group
 * epoch is lost, every kept epoch comes back from the keystore without a re-key, and a member that fetches from the
 * restarted hub reads what another member sent under the last acknowledged epoch before the kill.
 */
class OffloadCrashTest {
    private static final int ROUNDS = 8;
    private static final int PER_ROUND = 1500;

    @TempDir
    Path dir;

    static FileThingKeyStore openKeystore(Path base, Clock clock) {
        return FileThingKeyStore.open(base.resolve("keystore"), base.resolve("master.key"), clock,
                FileThingKeyStore.DEFAULT_COUNTER_RESERVATION, e -> {
                });
    }

    static OffloadHub openHub(Path base, FileThingKeyStore keystore, ThingRegistryCore registry, Clock clock)
            throws Exception {
        OffloadHub hub = new OffloadHub(keystore, registry, clock, OffloadHub.Settings.defaults(),
                OffloadState.open(base.resolve("state"), clock));
        hub.policy(() -> Fixture.ANY);
        return hub;
    }

    /** Which (thing, generation, sequence number) a request carries; the generation is the test's bookkeeping. */
    private record Sent(String thing, int generation, long seq, int kind, byte[] bytes) {
        String key() {
            return thing + "/" + generation + "/" + seq;
        }
    }

    @Test
    void killedWhileIssuingAndReKeyingTheHubTakesNoSequenceNumberTwiceAndLosesNoEpoch() throws Exception {
        Clock clock = Clock.systemUTC();
        SecureRandom random = new SecureRandom();
        Map<String, byte[]> roots = new HashMap<>();
        for (String t : List.of("t-a", "t-b", "m1", "m2", "m3")) {
            byte[] r = new byte[32];
            random.nextBytes(r);
            roots.put(t, r);
        }
        try (FileThingKeyStore ks = openKeystore(dir, clock);
                ThingRegistryCore reg = new ThingRegistryCore(dir.resolve("registry"), ks, LifecycleEventSink.NONE,
                        clock)) {
            for (String t : roots.keySet()) {
                reg.enroll(ThingId.of(t), "owner", RootCredential.secret(roots.get(t)));
                reg.transition(ThingId.of(t), Transition.BOOTSTRAP);
                reg.transition(ThingId.of(t), Transition.ACTIVATE);
            }
            try (OffloadHub hub = openHub(dir, ks, reg, clock)) {
                hub.create(OffloadCrashChild.GROUP, Set.of(ThingId.of("m1"), ThingId.of("m2")));
            }
        }
        int aGeneration = 1;
        ConstrainedDevice a = device("t-a", roots, 1, clock);
        ConstrainedDevice b = device("t-b", roots, 1, clock);
        ConstrainedDevice m2 = device("m2", roots, 1, clock);
        long seed = new Random().nextLong();
        Random pick = new Random(seed);
        List<Sent> everSent = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        long highestEpoch = 1;
        int groupMessagesRead = 0;
        int rotations = 0;

        for (int round = 0; round < ROUNDS; round++) {
            String when = " (round " + round + ", seed " + seed + ")";
            boolean rotated = round % 3 == 2;
            if (rotated) {
                // while no hub runs, so no hub hears of it
                try (FileThingKeyStore ks = openKeystore(dir, clock)) {
                    aGeneration = ks.rotate(ThingId.of("t-a"), Layer.APPLICATION);
                }
                a = device("t-a", roots, aGeneration, clock);
                rotations++;
            } else {
                skip(a, org.trusthub.keystore.internal.FileThingKeyStore.DEFAULT_REPLAY_RESERVATION); // numbers a restart may refuse: continue above them
            }
            skip(b, org.trusthub.keystore.internal.FileThingKeyStore.DEFAULT_REPLAY_RESERVATION);
            List<Sent> batch = new ArrayList<>();
            for (int i = 0; i < PER_ROUND; i++) {
                if (!everSent.isEmpty() && pick.nextInt(8) == 0 && !(rotated && i < 20)) {
                    batch.add(everSent.get(pick.nextInt(everSent.size()))); // a replay, maybe of replaced keys
                } else if (i % 2 == 0 || (rotated && i < 20)) {
                    batch.add(sent(a.requestToken(ThingId.of("t-b"), "read"), aGeneration,
                            OffloadCrashChild.TOKEN));
                } else {
                    batch.add(sent(b.requestPairwiseKey(ThingId.of("t-a")), 1, OffloadCrashChild.PAIR));
                }
            }
            Path file = dir.resolve("requests-" + round);
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
                out.writeInt(batch.size());
                for (Sent s : batch) {
                    out.writeInt(s.kind());
                    out.writeInt(s.bytes().length);
                    out.write(s.bytes());
                }
            }
            List<String> lines = KilledChild.runAndKill(OffloadCrashChild.class, dir.resolve("child-" + round + ".err"),
                    400 + pick.nextInt(800), dir.toString(), file.toString(),
                    HexFormat.of().formatHex(roots.get("m1")), Long.toString(round * 5000L));
            List<Sent> takenNow = new ArrayList<>();
            String lastMessage = null;
            for (String line : lines) {
                String[] w = line.split(" ");
                if (line.startsWith("ack rq ")) {
                    Sent s = batch.get(Integer.parseInt(w[2]));
                    assertTrue(taken.add(s.key()), s.key() + " taken twice" + when);
                    takenNow.add(s);
                } else if (line.startsWith("ack epoch ")) {
                    highestEpoch = Math.max(highestEpoch, Long.parseLong(w[2]));
                } else if (line.startsWith("ack groupmsg ")) {
                    lastMessage = line;
                } else if (line.startsWith("failed")) {
                    fail("child failed" + when + ": " + line);
                }
            }
            everSent.addAll(batch);
            if (rotated) {
                int fresh = aGeneration;
                assertTrue(takenNow.stream().anyMatch(s -> s.thing().equals("t-a") && s.generation() == fresh
                        && s.seq() < org.trusthub.keystore.internal.FileThingKeyStore.DEFAULT_REPLAY_RESERVATION), "the first numbers under rotated keys were refused: "
                                + "a lock-out" + when);
            }

            try (FileThingKeyStore ks = openKeystore(dir, clock);
                    ThingRegistryCore reg = new ThingRegistryCore(dir.resolve("registry"), ks,
                            LifecycleEventSink.NONE, clock);
                    OffloadHub hub = openHub(dir, ks, reg, clock)) {
                GroupInfo g = hub.group(OffloadCrashChild.GROUP).orElseThrow();
                assertTrue(g.epoch() >= highestEpoch, "acknowledged epoch " + highestEpoch + " lost: " + g.epoch()
                        + when);
                assertEquals(null, hub.issued().get("rekey"), "the group re-keyed at start" + when);
                assertEquals(g.epochsKept().size(), hub.restoredEpochs(OffloadCrashChild.GROUP),
                        "kept epochs not all restored from the keystore" + when);
                highestEpoch = g.epoch();
                // every request taken so far stays refused
                for (Sent s : takenNow) {
                    OffloadException e = org.junit.jupiter.api.Assertions.assertThrows(OffloadException.class,
                            () -> call(hub, s), s.key() + " taken again after the kill" + when);
                    assertNotEquals(Refusal.MALFORMED, e.refusal());
                }
                if (lastMessage != null) {
                    String[] w = lastMessage.split(" ");
                    long epoch = Long.parseLong(w[2]);
                    if (g.epochsKept().contains(epoch)) {
                        skip(m2, org.trusthub.keystore.internal.FileThingKeyStore.DEFAULT_REPLAY_RESERVATION); // above what the previous check's hub reserved
                        m2.acceptGroupKeys(hub.requestGroupKeys(m2.requestGroupKeys(OffloadCrashChild.GROUP)));
                        assertArrayEquals(w[4].replace('_', ' ').getBytes(StandardCharsets.UTF_8),
                                m2.unprotectGroup(OffloadCrashChild.GROUP, HexFormat.of().parseHex(w[3])),
                                "epoch " + epoch + " key changed across the kill" + when);
                        groupMessagesRead++;
                    }
                }
            }
        }
        // the kills must have hit a busy process, or the test proves nothing
        assertTrue(taken.size() >= ROUNDS * 10, taken.size() + " requests taken");
        assertTrue(highestEpoch >= ROUNDS, "epoch " + highestEpoch + " after " + ROUNDS + " rounds");
        assertTrue(groupMessagesRead >= ROUNDS / 2, groupMessagesRead + " group messages read across kills");
        assertTrue(rotations >= 2);
    }

    private static Object call(OffloadHub hub, Sent s) {
        return s.kind() == OffloadCrashChild.TOKEN ? hub.requestToken(s.bytes()) : hub.requestPairwiseKey(s.bytes());
    }

    private static ConstrainedDevice device(String id, Map<String, byte[]> roots, int generation, Clock clock) {
        return ConstrainedDevice.bootstrap(ThingId.of(id), roots.get(id), generation, clock, new SecureRandom());
    }

    private static void skip(ConstrainedDevice d, long n) {
        for (long i = 0; i < n; i++) {
            d.requestPairwiseKey(d.id());
        }
    }

    private static Sent sent(byte[] request, int generation, int kind) {
        Cose.Parsed p = Cose.parseMac0(request, "request");
        CBORObject payload = Cbor.decode(p.content(), "payload");
        return new Sent(new String(p.kid(), StandardCharsets.UTF_8), generation,
                Cbor.uint(payload, Wire.RQ_SEQ, "seq"), kind, request);
    }
}
