package org.trusthub.offload.internal.hub;

import static org.trusthub.keystore.testing.ChildAcks.READY;
import static org.trusthub.keystore.testing.ChildAcks.ack;
import static org.trusthub.keystore.testing.ChildAcks.start;

import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.offload.device.ConstrainedDevice;

/**
 * The process {@link OffloadCrashTest} kills: a durable hub over the real keystore and registry that takes the
 * requests the test prepared (fresh ones, replays, requests of replaced keys) from two threads while a third re-keys
 * group {@code hall} again and again (a member joins and leaves) and has member {@code m1} fetch each epoch and send
 * a message under it. It prints an acknowledgement only after each call returned.
 *
 * <p>Arguments: base directory, requests file, m1's root secret (hex), the sequence number m1 starts at.
 */
public final class OffloadCrashChild {
    static final String GROUP = "hall";
    static final int TOKEN = 0;
    static final int PAIR = 1;

    private OffloadCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]);
        List<byte[]> requests = new ArrayList<>();
        List<Integer> kinds = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(Path.of(args[1])))) {
            for (int n = in.readInt(), i = 0; i < n; i++) {
                kinds.add(in.readInt());
                requests.add(in.readNBytes(in.readInt()));
            }
        }
        Clock clock = Clock.systemUTC();
        FileThingKeyStore keystore = OffloadCrashTest.openKeystore(base, clock);
        ThingRegistryCore registry = new ThingRegistryCore(base.resolve("registry"), keystore,
                LifecycleEventSink.NONE, clock);
        OffloadHub hub = OffloadCrashTest.openHub(base, keystore, registry, clock);
        ConstrainedDevice m1 = ConstrainedDevice.bootstrap(ThingId.of("m1"), HexFormat.of().parseHex(args[2]), 1,
                clock, new SecureRandom());
        for (long s = Long.parseLong(args[3]); s > 0; s--) {
            m1.requestGroupKeys(GROUP); // numbers of earlier rounds
        }
        ack(READY);
        AtomicInteger next = new AtomicInteger();
        for (int t = 0; t < 2; t++) {
            start(() -> {
                for (int i; (i = next.getAndIncrement()) < requests.size();) {
                    try {
                        if (kinds.get(i) == TOKEN) {
                            hub.requestToken(requests.get(i));
                        } else {
                            hub.requestPairwiseKey(requests.get(i));
                        }
                        ack("ack rq " + i);
                    } catch (OffloadException e) {
                        ack("refused " + i + " " + e.refusal());
                    }
                }
            });
        }
        start(() -> {
            ThingId m3 = ThingId.of("m3");
            for (int i = 0;; i++) {
                long epoch = (i % 2 == 0 ? hub.join(GROUP, m3) : hub.leave(GROUP, m3)).epoch();
                ack("ack epoch " + epoch);
                m1.acceptGroupKeys(hub.requestGroupKeys(m1.requestGroupKeys(GROUP)));
                String text = "message " + i + " of epoch " + epoch;
                byte[] m = m1.protectGroup(GROUP, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                ack("ack groupmsg " + epoch + " " + HexFormat.of().formatHex(m) + " " + text.replace(' ', '_'));
            }
        });
        Thread.sleep(Long.MAX_VALUE);
    }
}
