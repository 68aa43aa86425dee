package org.trusthub.offload.internal.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.offload.GroupInfo;
import org.trusthub.api.offload.IssuedToken;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.Transition;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.device.TokenGrant;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.storage.StoreException;

/** The hub's replay state and groups across a restart: close the hub (and its store), open a new one on the same files. */
class RestartTest {
    @TempDir
    Path dir;
    Fixture f;
    Path state;
    ConstrainedDevice a;
    ConstrainedDevice b;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
        state = dir.resolve("offload-state");
        a = f.operational("dev-a");
        b = f.operational("dev-b");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static Refusal refusal(Runnable r) {
        return assertThrows(OffloadException.class, r::run).refusal();
    }

    /** Sends fresh requests until one is accepted; returns how many were refused first (all as REPLAYED). */
    private static int refusedBeforeAccepted(Function<byte[], byte[]> service, java.util.function.Supplier<byte[]> rq) {
        for (int refused = 0; refused <= org.trusthub.keystore.internal.FileThingKeyStore.DEFAULT_REPLAY_RESERVATION + 1; refused++) {
            try {
                service.apply(rq.get());
                return refused;
            } catch (OffloadException e) {
                assertEquals(Refusal.REPLAYED, e.refusal());
            }
        }
        throw new AssertionError("fresh requests still refused after " + (org.trusthub.keystore.internal.FileThingKeyStore.DEFAULT_REPLAY_RESERVATION + 2) + " tries");
    }

    @Test
    void replayedRequestsAreRefusedAfterARestartAndIssuedTokensAreStillListed() throws Exception {
        byte[] tokenRq = a.requestToken(b.id(), "read");
        byte[] pairRq = a.requestPairwiseKey(b.id());
        String tokenId;
        try (OffloadHub hub = f.durableHub(state)) {
            TokenGrant g = a.acceptTokenResponse(hub.requestToken(tokenRq));
            tokenId = g.tokenId();
            a.acceptPairwiseKey(hub.requestPairwiseKey(pairRq));
        }
        // The marks are the keystore's: even a hub without a state directory of its own refuses the request.
        try (OffloadHub forgetful = new OffloadHub(f.keystore, f.registry, f.clock, OffloadHub.Settings.defaults())) {
            forgetful.policy(() -> Fixture.ANY);
            assertEquals(Refusal.REPLAYED, refusal(() -> forgetful.requestToken(tokenRq)));
        }

        try (OffloadHub hub = f.durableHub(state)) {
            assertEquals(Refusal.REPLAYED, refusal(() -> hub.requestToken(tokenRq)));
            assertEquals(Refusal.REPLAYED, refusal(() -> hub.requestPairwiseKey(pairRq)));
            assertEquals(List.of(tokenId), hub.issuedTokens().stream().map(IssuedToken::id).toList());
            // A restart may refuse a few fresh numbers below the reserved mark, never more than the reserve.
            int refused = refusedBeforeAccepted(hub::requestToken, () -> a.requestToken(b.id(), "read"));
            assertTrue(refused <= org.trusthub.keystore.internal.FileThingKeyStore.DEFAULT_REPLAY_RESERVATION, refused + " fresh requests refused");
            assertEquals(refused + 2L, hub.refusals().get(Refusal.REPLAYED));
            assertEquals(2, hub.issuedTokens().size());
            // b never used a sequence number: nothing of it is refused.
            hub.requestPairwiseKey(b.requestPairwiseKey(a.id()));
        }
    }

    @Test
    void requestsTakenBeforeAWholeHubRestartStayRefusedAndACleanRestartRefusesNothingFresh() throws Exception {
        Path base = dir.resolve("whole-hub");
        byte[] root = new byte[32];
        new java.security.SecureRandom().nextBytes(root);
        List<byte[]> taken = new java.util.ArrayList<>();
        ConstrainedDevice c;
        ConstrainedDevice d;
        try (FileThingKeyStore ks = FileThingKeyStore.open(base.resolve("keystore"), base.resolve("master.key"));
                ThingRegistryCore reg = new ThingRegistryCore(base.resolve("registry"), ks, LifecycleEventSink.NONE,
                        f.clock);
                OffloadHub hub = new OffloadHub(ks, reg, f.clock, OffloadHub.Settings.defaults())) {
            hub.policy(() -> Fixture.ANY);
            for (String name : new String[] {"whole-c", "whole-d"}) {
                reg.enroll(ThingId.of(name), "owner", RootCredential.secret(root));
                reg.transition(ThingId.of(name), Transition.BOOTSTRAP);
                reg.transition(ThingId.of(name), Transition.ACTIVATE);
            }
            c = ConstrainedDevice.bootstrap(ThingId.of("whole-c"), root, 1, f.clock, new java.security.SecureRandom());
            d = ConstrainedDevice.bootstrap(ThingId.of("whole-d"), root, 1, f.clock, new java.security.SecureRandom());
            for (int i = 0; i < 5; i++) {
                byte[] rq = c.requestToken(d.id(), "read");
                hub.requestToken(rq);
                taken.add(rq);
            }
        }
        // Keystore, registry and hub all start again from their files, as after a restart of the process.
        try (FileThingKeyStore ks = FileThingKeyStore.open(base.resolve("keystore"), base.resolve("master.key"));
                ThingRegistryCore reg = new ThingRegistryCore(base.resolve("registry"), ks, LifecycleEventSink.NONE,
                        f.clock);
                OffloadHub hub = new OffloadHub(ks, reg, f.clock, OffloadHub.Settings.defaults())) {
            hub.policy(() -> Fixture.ANY);
            for (byte[] rq : taken) {
                assertEquals(Refusal.REPLAYED, refusal(() -> hub.requestToken(rq)));
            }
            assertEquals(4L, Fixture.mark(ks, c.id()));
            // A clean close wrote the exact mark: the next number is taken at once.
            c.acceptTokenResponse(hub.requestToken(c.requestToken(d.id(), "read")));
        }
    }

    @Test
    void groupsKeepTheirMembersAndDropOneThatLeftServiceWhileTheHubWasDown() throws Exception {
        ConstrainedDevice c = f.operational("dev-c");
        ConstrainedDevice d = f.operational("dev-d");
        byte[] inFlight;
        byte[] groupRq = b.requestGroupKeys("hall");
        try (OffloadHub hub = f.durableHub(state)) {
            hub.create("hall", Set.of(a.id(), b.id(), d.id()));
            assertEquals(2, hub.join("hall", c.id()).epoch());
            a.acceptGroupKeys(hub.requestGroupKeys(a.requestGroupKeys("hall")));
            b.acceptGroupKeys(hub.requestGroupKeys(groupRq));
            inFlight = a.protectGroup("hall", utf8("before restart"));
        }
        // d leaves service while the hub is down: the missed event must not keep it in the group, and as it holds
        // the current epoch's key, the group re-keys.
        f.registry.transition(d.id(), Transition.MAINTAIN);

        try (OffloadHub hub = f.durableHub(state)) {
            GroupInfo g = hub.group("hall").orElseThrow();
            assertEquals(Set.of(a.id(), b.id(), c.id()), g.members());
            assertEquals(3, g.epoch());
            assertEquals(List.of(2L, 3L), g.epochsKept());
            assertEquals(2, hub.restoredEpochs("hall"));
            assertEquals(Refusal.REPLAYED, refusal(() -> hub.requestGroupKeys(groupRq)));
            // Keys held from before the restart still read traffic in flight; the new epoch comes from the hub.
            assertArrayEquals(utf8("before restart"), b.unprotectGroup("hall", inFlight));
            c.acceptGroupKeys(hub.requestGroupKeys(c.requestGroupKeys("hall")));
            assertEquals(List.of(2L, 3L), c.groupEpochs("hall"));
            refusedBeforeAccepted(rq -> {
                byte[] r = hub.requestGroupKeys(rq);
                a.acceptGroupKeys(r);
                return r;
            }, () -> a.requestGroupKeys("hall"));
            assertArrayEquals(utf8("after restart"), c.unprotectGroup("hall", a.protectGroup("hall",
                    utf8("after restart"))));
            assertEquals(4, hub.leave("hall", c.id()).epoch());
            hub.create("porch", Set.of(a.id()));
            assertTrue(hub.delete("porch"));
        }
        try (OffloadHub hub = f.durableHub(state)) {
            assertEquals(List.of("hall"), hub.groups().stream().map(GroupInfo::name).toList());
            assertEquals(Set.of(a.id(), b.id()), hub.group("hall").orElseThrow().members());
            assertEquals(4, hub.group("hall").orElseThrow().epoch());
            assertEquals(List.of(3L, 4L), hub.group("hall").orElseThrow().epochsKept());
        }
    }

    @Test
    void aKeyRotationStillRestartsTheSequenceAfterARestart() throws Exception {
        try (OffloadHub hub = f.durableHub(state)) {
            for (int i = 0; i < 3; i++) {
                hub.requestToken(a.requestToken(b.id(), "read"));
            }
            f.keystore.rotate(a.id(), Layer.APPLICATION);
            hub.keysChanged(a.id());
        }
        ConstrainedDevice rotated = f.rebootstrapped(a, 2);
        try (OffloadHub hub = f.durableHub(state)) {
            // The rotated device starts again at sequence number 0: accepted at once.
            rotated.acceptTokenResponse(hub.requestToken(rotated.requestToken(b.id(), "read")));
        }
    }

    @Test
    void aThingBackInServiceWithTheSameKeysStillHasItsOldRequestsRefused() throws Exception {
        byte[] tokenRq = a.requestToken(b.id(), "read");
        try (OffloadHub hub = f.durableHub(state)) {
            hub.requestToken(tokenRq);
            f.registry.transition(a.id(), Transition.MAINTAIN);
            hub.thingLeftService(a.id());
        }
        f.registry.transition(a.id(), Transition.RESUME);
        try (OffloadHub hub = f.durableHub(state)) {
            assertEquals(Refusal.REPLAYED, refusal(() -> hub.requestToken(tokenRq)));
        }
    }

    @Test
    void aTornLastWriteIsDroppedAndDamageIsRefused() throws Exception {
        byte[] tokenRq = a.requestToken(b.id(), "read");
        try (OffloadHub hub = f.durableHub(state)) {
            hub.requestToken(tokenRq);
            hub.create("hall", Set.of(a.id(), b.id()));
        }
        Path journal = state.resolve(OffloadState.STORE_NAME + ".journal");
        // A crash in the middle of the next append: a frame header cut short.
        Files.write(journal, new byte[] {0, 0, 0}, StandardOpenOption.APPEND);
        try (OffloadHub hub = f.durableHub(state)) {
            assertEquals(Refusal.REPLAYED, refusal(() -> hub.requestToken(tokenRq)));
            assertEquals(1, hub.group("hall").orElseThrow().epoch());
        }
        // A flipped bit inside a written record is not a torn write: the hub refuses to start on it.
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = ch.size() - 3;
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
            ch.write(one, at);
        }
        assertThrows(StoreException.class, () -> OffloadState.open(state, f.clock));
    }

    @Test
    void expiredTokensAreDroppedWhenTheStoreCompacts() throws Exception {
        byte[] first = a.requestToken(b.id(), "read");
        try (OffloadHub hub = f.durableHub(state)) {
            hub.requestToken(first);
            // Enough records (~100 bytes each) for the journal to pass the store's compaction threshold of 64 KiB.
            for (int i = 0; i < 1000; i++) {
                hub.requestToken(a.requestToken(b.id(), "read"));
            }
            f.clock.advance(Duration.ofHours(2));
            for (int i = 0; i < 3; i++) {
                hub.requestToken(b.requestToken(a.id(), "read"));
            }
        }
        // A compaction ran while the tokens were live: they are in the snapshot (one without records is ~100 bytes).
        assertTrue(Files.size(state.resolve(OffloadState.STORE_NAME + ".snapshot")) > 10_000);
        try (OffloadHub hub = f.durableHub(state)) {
            assertEquals(3, hub.issuedTokens().size());
            assertEquals(Refusal.REPLAYED, refusal(() -> hub.requestToken(first)));
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
