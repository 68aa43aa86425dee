package org.trusthub.lifecycle.internal;

import static org.trusthub.keystore.testing.ChildAcks.READY;
import static org.trusthub.keystore.testing.ChildAcks.ack;
import static org.trusthub.keystore.testing.ChildAcks.start;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;

/**
 * The process {@link RegistryCrashTest} kills: the real keystore and registry in one process, threads that enroll
 * things and walk each through bootstrap, activation, maintenance, a rebootstrap (which rotates every key) and
 * sometimes decommissioning, printing "try" before and "ack" after each call.
 *
 * <p>Arguments: keystore directory, master key file, registry directory, round number.
 */
public final class RegistryCrashChild {

    /** The walk every thing takes, state after each step; the last step is taken by every other thing. */
    static final List<Transition> WALK = List.of(Transition.BOOTSTRAP, Transition.ACTIVATE, Transition.MAINTAIN,
            Transition.REBOOTSTRAP, Transition.DECOMMISSION);

    private RegistryCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        FileThingKeyStore keys = FileThingKeyStore.open(Path.of(args[0]), Path.of(args[1]), Clock.systemUTC(), 64,
                e -> {
                });
        ThingRegistryCore registry = new ThingRegistryCore(Path.of(args[2]), keys, LifecycleEventSink.NONE,
                Clock.systemUTC());
        int round = Integer.parseInt(args[3]);
        ack(READY);
        SecureRandom random = new SecureRandom();
        for (int w = 0; w < 2; w++) {
            int walker = w;
            start(() -> {
                for (int i = 0;; i++) {
                    ThingId id = ThingId.of("r" + round + "-w" + walker + "-" + i);
                    byte[] root = new byte[16];
                    random.nextBytes(root);
                    ack("try enroll " + id + " " + HexFormat.of().formatHex(root));
                    registry.enroll(id, "owner", RootCredential.secret(root));
                    ack("ack state " + id + " " + LifecycleState.MANUFACTURED);
                    int steps = ThreadLocalRandom.current().nextBoolean() ? WALK.size() : WALK.size() - 1;
                    for (Transition step : WALK.subList(0, steps)) {
                        ack("ack state " + id + " " + registry.transition(id, step).state());
                    }
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
