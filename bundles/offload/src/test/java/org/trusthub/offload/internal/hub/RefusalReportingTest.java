package org.trusthub.offload.internal.hub;

import org.trusthub.offload.wstrust.WsTrust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.offload.device.ConstrainedDevice;

/**
 * Every offload refusal is reported to the hub's one refusal count under its common reason, attributed to the
 * requester only once its request authenticated; offload's own detailed counts stay.
 */
class RefusalReportingTest {
    @TempDir
    Path dir;
    Fixture f;
    final List<String> reported = new CopyOnWriteArrayList<>();
    final SecurityRefusals recorder = new SecurityRefusals() {
        @Override
        public void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
            reported.add(thing.map(ThingId::value).orElse("-") + " " + layer + " " + mechanism + " " + reason);
        }

        @Override
        public List<RefusalCount> counts() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<RefusalCount> counts(ThingId thing) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void clear(ThingId thing) {
            throw new UnsupportedOperationException();
        }
    };
    final AtomicReference<SecurityRefusals> sink = new AtomicReference<>();
    ConstrainedDevice sensor;
    ConstrainedDevice lock;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
        sink.set(recorder);
        f.hub.refusals(sink::get);
        sensor = f.operational("sensor-1");
        lock = f.operational("lock-1");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void aRefusalIsReportedUnderItsCommonReasonAndTheThingOnlyOnceItAuthenticated() {
        ConstrainedDevice forger = ConstrainedDevice.bootstrap(sensor.id(), new byte[32], 1, f.clock,
                new SecureRandom());
        assertThrows(OffloadException.class, () -> f.hub.requestToken(forger.requestToken(lock.id(), "read")));
        byte[] rq = sensor.requestPairwiseKey(lock.id());
        f.hub.requestPairwiseKey(rq);
        assertThrows(OffloadException.class, () -> f.hub.requestPairwiseKey(rq));
        // The same thread serves a forgery next: the previous request's thing does not stick to it.
        assertThrows(OffloadException.class, () -> f.hub.verify(forger.requestPairwiseKey(lock.id())));
        assertThrows(OffloadException.class, () -> f.hub.requestSecurityToken(WsTrust.rst("lock-1",
                sensor.requestToken(sensor.id(), "read"))));
        f.hub.countRefusal(new OffloadException(Refusal.WRONG_BINDING, "in front of the services"));

        assertEquals(List.of("- APPLICATION ace-offload FORGED", "sensor-1 APPLICATION ace-offload REPLAY",
                "- APPLICATION ace-offload FORGED", "sensor-1 APPLICATION ace-offload FORGED",
                "- APPLICATION ace-offload FORGED"), reported);
        assertEquals(2L, f.hub.refusals().get(Refusal.FORGED));
        assertEquals(1L, f.hub.refusals().get(Refusal.REPLAYED));
        assertEquals(2L, f.hub.refusals().get(Refusal.WRONG_BINDING));
    }

    @Test
    void aRefusalMadeInFrontOfTheServicesIsNeverPinnedOnTheLastRequester() throws Exception {
        byte[] rq = sensor.requestToken(lock.id(), "read");
        f.hub.requestToken(rq);
        // A thread of its own, so that nothing of another test's requests is on it.
        Thread t = new Thread(() -> {
            assertThrows(OffloadException.class, () -> f.hub.requestToken(rq));
            f.hub.countRefusal(new OffloadException(Refusal.MALFORMED, "in front of the services"));
        });
        t.start();
        t.join();
        assertEquals(List.of("sensor-1 APPLICATION ace-offload REPLAY", "- APPLICATION ace-offload MALFORMED"),
                reported);
    }

    @Test
    void aRequestTheDpwsTokenServiceRefusesBeforeTheTokenServiceIsReportedToo() {
        org.trusthub.offload.internal.dpws.StsService sts = new org.trusthub.offload.internal.dpws.StsService(f.hub);
        org.w3c.dom.Element notAnRst = org.trusthub.offload.wstrust.SctFormat.parseText("<nothing/>");
        assertThrows(OffloadException.class, () -> sts.issue(notAnRst));
        assertEquals(List.of("- APPLICATION ace-offload MALFORMED"), reported);
        assertEquals(1L, f.hub.refusals().get(Refusal.MALFORMED));
    }

    @Test
    void withoutTheRefusalServiceRefusalsAreStillCountedHereAndItIsUsedOnceItComes() {
        sink.set(null);
        byte[] rq = sensor.requestToken(lock.id(), "read");
        f.hub.requestToken(rq);
        assertThrows(OffloadException.class, () -> f.hub.requestToken(rq));
        assertEquals(1L, f.hub.refusals().get(Refusal.REPLAYED));
        assertEquals(List.of(), reported);

        sink.set(recorder);
        assertThrows(OffloadException.class, () -> f.hub.requestGroupKeys(sensor.requestGroupKeys("no-such-group")));
        assertEquals(List.of("sensor-1 APPLICATION ace-offload UNKNOWN_KEY"), reported);
    }
}
