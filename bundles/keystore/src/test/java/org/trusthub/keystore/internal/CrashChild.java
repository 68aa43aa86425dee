package org.trusthub.keystore.internal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;

/**
 * The process {@link CrashTest} kills: it enrolls things and draws counters from several threads until it dies, and
 * prints an acknowledgement only after each call has returned.
 *
 * <p>Arguments: store directory, master key file, round number, counter reservation.
 */
public final class CrashChild {

    static final List<ThingId> COUNTER_THINGS = List.of(ThingId.of("counter-a"), ThingId.of("counter-b"));
    static final List<Layer> COUNTER_LAYERS = List.of(Layer.LINK, Layer.APPLICATION);
    static final List<String> COUNTER_MECHANISMS = List.of("m1", "m2");

    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true);

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        Path masterKey = Path.of(args[1]);
        int round = Integer.parseInt(args[2]);
        int reservation = Integer.parseInt(args[3]);
        FileThingKeyStore ks = FileThingKeyStore.open(store, masterKey, Clock.systemUTC(), reservation, e -> {
        });
        ack("ready");
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
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void start(Runnable work) {
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (Throwable e) {
                e.printStackTrace();
                ack("failed " + e);
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static void ack(String line) {
        synchronized (OUT) {
            OUT.println(line);
            OUT.flush();
        }
    }
}
