package org.trusthub.keystore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.testing.KilledChild;

/**
 * Kills a keystore process at random moments, many times, and checks after each kill that every acknowledged
 * enrollment, revocation, rotation and stored key survived (while revocations and explicit compactions rewrite the
 * store) and that no counter value, drawn by layer or by key across rotations, was ever handed out twice.
 */
class CrashTest {

    private static final int ROUNDS = 20;
    private static final int RESERVATION = 8;

    @TempDir
    Path dir;

    @Test
    void killedAtRandomMomentsTheKeystoreLosesNoAcknowledgedWriteAndRepeatsNoCounter() throws Exception {
        Fixture fx = new Fixture(dir);
        try (FileThingKeyStore ks = fx.open(RESERVATION)) {
            List<ThingId> setUp = new ArrayList<>(CrashChild.COUNTER_THINGS);
            setUp.addAll(CrashChild.ROTATED_THINGS);
            setUp.addAll(CrashChild.STORE_THINGS);
            setUp.add(CrashChild.MARK_THING);
            for (ThingId t : setUp) {
                ks.enroll(t, RootCredential.secret(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                        (byte) t.hashCode()}));
            }
        }
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        Map<String, Set<Long>> handedOut = new HashMap<>();
        Map<String, Long> highest = new HashMap<>();
        Set<String> enrolled = new HashSet<>();
        Set<String> revoked = new HashSet<>();
        Set<String> revoking = new HashSet<>(); // asked for; done or not when the kill came
        Map<String, Integer> generations = new HashMap<>();
        Map<String, Set<String>> storedCandidates = new HashMap<>();
        int counterAcks = 0;
        int keyCounterAcks = 0;
        int rotations = 0;
        int stores = 0;
        int compactions = 0;
        Map<String, Long> accepted = new HashMap<>();
        int markAcks = 0;

        for (int round = 0; round < ROUNDS; round++) {
            List<String> lines = KilledChild.runAndKill(CrashChild.class, dir.resolve("child-" + round + ".err"),
                    300 + random.nextInt(600), fx.storeDir.toString(), fx.masterKey.toString(),
                    Integer.toString(round), Integer.toString(RESERVATION));
            for (String line : lines) {
                String[] w = line.split(" ");
                if (line.startsWith("ack enroll ")) {
                    enrolled.add(w[2]);
                } else if (line.startsWith("ack counter ")) {
                    record(handedOut, highest, w[2], Long.parseLong(w[3]), "round " + round + " (seed " + seed + ")");
                    counterAcks++;
                } else if (line.startsWith("ack keycounter ")) {
                    record(handedOut, highest, w[2] + "/LINK/m/" + w[3], Long.parseLong(w[4]),
                            "round " + round + " (seed " + seed + ")");
                    keyCounterAcks++;
                } else if (line.startsWith("ack rotate ")) {
                    generations.merge(w[2], Integer.parseInt(w[3]), Math::max);
                    rotations++;
                } else if (line.startsWith("try store ")) {
                    storedCandidates.computeIfAbsent(w[2], k -> new HashSet<>(Set.of(""))).add(w[3]);
                } else if (line.startsWith("ack store ")) {
                    // the acknowledged key, or one tried after it, is what the store holds
                    storedCandidates.put(w[2], new HashSet<>(Set.of(w[3])));
                    stores++;
                } else if (line.startsWith("try revoke ")) {
                    revoking.add(w[2]);
                } else if (line.startsWith("ack revoke ")) {
                    revoked.add(w[2]);
                } else if (line.startsWith("ack mark ")) {
                    long c = Long.parseLong(w[3]);
                    assertTrue(c > accepted.getOrDefault(w[2], -1L), w[2] + " accepted " + c + " twice or out of"
                            + " order in round " + round);
                    accepted.put(w[2], c);
                    markAcks++;
                } else if (line.equals("ack compact")) {
                    compactions++;
                } else if (line.startsWith("failed")) {
                    fail("child failed in round " + round + ": " + line);
                }
            }
            try (FileThingKeyStore ks = fx.open(RESERVATION)) {
                for (String t : enrolled) {
                    boolean active = ks.isActive(ThingId.of(t));
                    if (revoking.contains(t) && !revoked.contains(t)) {
                        if (!active) {
                            revoked.add(t); // the revocation was durable, its acknowledgement was cut off
                        }
                        continue;
                    }
                    assertEquals(!revoked.contains(t), active, "acknowledged enrollment or revocation of " + t
                            + " lost in round " + round + " (seed " + seed + ")");
                }
                for (ThingId t : CrashChild.ROTATED_THINGS) {
                    int g = ks.metadata(t).layers().get(Layer.LINK.ordinal()).generation();
                    assertTrue(g >= generations.getOrDefault(t.value(), 1), t + " generation " + g
                            + " is below an acknowledged rotation in round " + round);
                    String key = t + "/LINK/m/" + g;
                    DerivedKey current = ks.deriveKey(t, Layer.LINK, "m", 16);
                    long v = ks.nextCounter(current, Long.MAX_VALUE);
                    assertTrue(v > highest.getOrDefault(key, -1L), key + ": " + v + " after reopen is not above "
                            + highest.get(key) + " (round " + round + ", seed " + seed + ")");
                    record(handedOut, highest, key, v, "reopen after round " + round);
                    generations.put(t.value(), g);
                }
                DerivedKey markKey = ks.deriveKey(CrashChild.MARK_THING, Layer.NETWORK, CrashChild.MARK_MECHANISM, 16);
                for (String name : CrashChild.MARK_NAMES) {
                    long last = accepted.getOrDefault(name, -1L);
                    long mark = ks.replayMark(markKey, name);
                    assertTrue(mark >= last, name + ": mark " + mark + " after the kill is below the counter " + last
                            + " accepted before it (round " + round + ", seed " + seed + ")");
                    // one unacknowledged accept (a step of at most 3) and its block may lie above the last ack
                    assertTrue(last < 0 || mark < last + 3 + RESERVATION, name + ": mark " + mark
                            + " lies more than a block above " + last + " (round " + round + ")");
                    if (last >= 0) {
                        assertFalse(ks.advanceReplayMark(markKey, name, last), name + ": counter " + last
                                + " accepted before the kill is accepted again (round " + round + ")");
                    }
                    accepted.put(name, mark);
                }
                for (ThingId t : CrashChild.STORE_THINGS) {
                    // "" stands for no stored key, before the first store was acknowledged
                    String hex = ks.storedKey(t, Layer.NETWORK, CrashChild.STORED_MECHANISM)
                            .map(k -> java.util.HexFormat.of().formatHex(k.bytes())).orElse("");
                    Set<String> candidates = storedCandidates.getOrDefault(t.value(), Set.of(""));
                    assertTrue(candidates.contains(hex), t + " holds a stored key that was neither the last "
                            + "acknowledged nor the one being stored (round " + round + ")");
                    storedCandidates.put(t.value(), new HashSet<>(Set.of(hex)));
                }
                for (ThingId t : CrashChild.COUNTER_THINGS) {
                    for (Layer l : CrashChild.COUNTER_LAYERS) {
                        for (String m : CrashChild.COUNTER_MECHANISMS) {
                            String key = t + "/" + l + "/" + m;
                            long v = ks.nextCounter(t, l, m, Long.MAX_VALUE);
                            long above = highest.getOrDefault(key, -1L);
                            assertTrue(v > above, key + ": " + v + " after reopen is not above " + above
                                    + " handed out before the kill in round " + round + " (seed " + seed + ")");
                            record(handedOut, highest, key, v, "reopen after round " + round);
                        }
                    }
                }
            }
        }
        // the kills must have hit a busy process, or the test proves nothing; the rarer operations (each revocation
        // compacts the whole store) only need to have happened a few times on a loaded machine
        assertTrue(enrolled.size() >= ROUNDS, enrolled.size() + " enrollments acknowledged");
        assertTrue(counterAcks >= ROUNDS * 4, counterAcks + " counter values acknowledged");
        assertTrue(keyCounterAcks >= ROUNDS, keyCounterAcks + " key-bound counter values acknowledged");
        assertTrue(rotations >= ROUNDS / 10, rotations + " rotations acknowledged");
        assertTrue(stores >= ROUNDS / 10, stores + " stored keys acknowledged");
        assertTrue(revoked.size() >= ROUNDS / 10, revoked.size() + " revocations acknowledged");
        assertTrue(compactions >= ROUNDS / 10, compactions + " compactions acknowledged");
        assertTrue(markAcks >= ROUNDS, markAcks + " incoming counters acknowledged");
    }

    private static void record(Map<String, Set<Long>> handedOut, Map<String, Long> highest, String key, long v,
            String when) {
        assertTrue(handedOut.computeIfAbsent(key, k -> new HashSet<>()).add(v),
                key + " value " + v + " handed out twice (" + when + ")");
        highest.merge(key, v, Math::max);
    }
}
