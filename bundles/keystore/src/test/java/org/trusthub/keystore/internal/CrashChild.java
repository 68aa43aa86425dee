package org.trusthub.keystore.internal;

import static org.trusthub.keystore.testing.ChildAcks.READY;
import static org.trusthub.keystore.testing.ChildAcks.ack;
import static org.trusthub.keystore.testing.ChildAcks.start;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.StaleKeyException;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;

/**
 * The process {@link CrashTest} kills: from several threads it enrolls things, draws counters (by layer and by key),
 * rotates a layer under keys that draw counters, replaces stored keys, revokes and compacts until it dies, and prints
 * an acknowledgement only after each call has returned.
 *
 * <p>Arguments: store directory, master key file, round number, counter reservation.
 */
public final class CrashChild {

    static final List<ThingId> COUNTER_THINGS = List.of(ThingId.of("counter-a"), ThingId.of("counter-b"));
    static final List<Layer> COUNTER_LAYERS = List.of(Layer.LINK, Layer.APPLICATION);
    static final List<String> COUNTER_MECHANISMS = List.of("m1", "m2");
    /** Things whose LINK layer is rotated while keys of it draw counters. */
    static final List<ThingId> ROTATED_THINGS = List.of(ThingId.of("rotated-a"), ThingId.of("rotated-b"));
    /** Things whose NETWORK layer gets a new stored key again and again. */
    static final List<ThingId> STORE_THINGS = List.of(ThingId.of("stored-a"));
    static final String STORED_MECHANISM = "zigbee-link";
    /** A thing whose NETWORK key accepts incoming counters from these sources, moving their replay marks. */
    static final ThingId MARK_THING = ThingId.of("marks-a");
    static final String MARK_MECHANISM = "zigbee-nwk";
    static final List<String> MARK_NAMES = List.of("from-a", "from-b", "from-c");

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        Path masterKey = Path.of(args[1]);
        int round = Integer.parseInt(args[2]);
        int reservation = Integer.parseInt(args[3]);
        FileThingKeyStore ks = FileThingKeyStore.open(store, masterKey, Clock.systemUTC(), reservation, reservation,
                e -> {
                });
        ack(READY);
        SecureRandom random = new SecureRandom();
        for (int t = 0; t < 2; t++) {
            int id = t;
            start(() -> {
                for (int i = 0;; i++) {
                    ThingId thing = ThingId.of("r" + round + "-e" + id + "-" + i);
                    byte[] root = new byte[32];
                    random.nextBytes(root);
                    ks.enroll(thing, RootCredential.secret(root));
                    ack("ack enroll " + thing);
                }
            });
        }
        for (int t = 0; t < 4; t++) {
            start(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                while (true) {
                    ThingId thing = COUNTER_THINGS.get(r.nextInt(COUNTER_THINGS.size()));
                    Layer layer = COUNTER_LAYERS.get(r.nextInt(COUNTER_LAYERS.size()));
                    String mechanism = COUNTER_MECHANISMS.get(r.nextInt(COUNTER_MECHANISMS.size()));
                    long v = ks.nextCounter(thing, layer, mechanism, Long.MAX_VALUE);
                    ack("ack counter " + thing + "/" + layer + "/" + mechanism + " " + v);
                    if (r.nextInt(50) == 0) {
                        ks.deriveKey(thing, layer, mechanism, 16).destroy(); // usage records ride along
                    }
                }
            });
        }
        // rotation against key-bound counters: "ack keycounter <thing> <generation> <value>", "ack rotate <thing> <g>"
        for (ThingId thing : ROTATED_THINGS) {
            start(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                DerivedKey key = ks.deriveKey(thing, Layer.LINK, "m", 16);
                while (true) {
                    try {
                        long v = ks.nextCounter(key, Long.MAX_VALUE);
                        ack("ack keycounter " + thing + " " + key.generation() + " " + v);
                    } catch (StaleKeyException e) {
                        key = ks.deriveKey(thing, Layer.LINK, "m", 16);
                    }
                    if (r.nextInt(3) == 0) {
                        ack("ack rotate " + thing + " " + ks.rotate(thing, Layer.LINK));
                    }
                }
            });
        }
        // incoming counters accepted under one key: "ack mark <name> <counter>" once advanceReplayMark said yes
        start(() -> {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            DerivedKey key = ks.deriveKey(MARK_THING, Layer.NETWORK, MARK_MECHANISM, 16);
            long[] next = new long[MARK_NAMES.size()];
            for (int i = 0; i < next.length; i++) {
                next[i] = ks.replayMark(key, MARK_NAMES.get(i)) + 1; // a sender goes on above what was accepted
            }
            while (true) {
                int i = r.nextInt(next.length);
                long c = next[i];
                next[i] += 1 + r.nextInt(3);
                if (!ks.advanceReplayMark(key, MARK_NAMES.get(i), c)) {
                    throw new IllegalStateException("fresh counter " + c + " refused");
                }
                ack("ack mark " + MARK_NAMES.get(i) + " " + c);
            }
        });
        // stored keys replaced one after another: "try store <thing> <hex>" before, "ack store <thing> <hex>" after
        for (ThingId thing : STORE_THINGS) {
            start(() -> {
                while (true) {
                    byte[] key = new byte[16];
                    random.nextBytes(key);
                    String hex = HexFormat.of().formatHex(key);
                    ack("try store " + thing + " " + hex);
                    ks.storeKey(thing, Layer.NETWORK, STORED_MECHANISM, key);
                    ack("ack store " + thing + " " + hex);
                }
            });
        }
        // enroll, use, revoke: "ack revoke <thing>"; each revocation compacts the store
        start(() -> {
            for (int i = 0;; i++) {
                ThingId thing = ThingId.of("r" + round + "-v" + i);
                byte[] root = new byte[16];
                random.nextBytes(root);
                ks.enroll(thing, RootCredential.secret(root));
                ack("ack enroll " + thing);
                ks.storeKey(thing, Layer.LINK, "ble-ltk", root);
                ks.nextCounter(thing, Layer.LINK, "m", Long.MAX_VALUE);
                ack("try revoke " + thing);
                ks.revoke(thing);
                ack("ack revoke " + thing);
            }
        });
        // explicit compactions besides the ones revocations and a grown journal start
        start(() -> {
            while (true) {
                ks.compact();
                ack("ack compact");
                try {
                    Thread.sleep(100 + ThreadLocalRandom.current().nextInt(200));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Thread.sleep(Long.MAX_VALUE);
    }
}
