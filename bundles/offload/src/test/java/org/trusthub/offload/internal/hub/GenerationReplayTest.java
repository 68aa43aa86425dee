package org.trusthub.offload.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.Transition;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.wire.OpCounter;
import org.trusthub.offload.wire.Crypto;
import org.trusthub.offload.wire.Wire;

/**
 * Replay state per (thing, key generation): a rotation or re-bootstrap of the thing's application layer starts a
 * fresh window, also when the hub was stopped and missed the event, so the thing is never locked out; requests of
 * replaced keys are refused; a revoked thing's state is purged and counted.
 */
class GenerationReplayTest {
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
        a = f.operational("meter-a");
        b = f.operational("meter-b");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static OffloadException refused(Runnable r) {
        return assertThrows(OffloadException.class, r::run);
    }

    private void rebootstrap(ConstrainedDevice d) {
        f.registry.transition(d.id(), Transition.MAINTAIN);
        f.registry.transition(d.id(), Transition.REBOOTSTRAP);
        f.registry.transition(d.id(), Transition.ACTIVATE);
    }

    @Test
    void aRebootstrapWhileTheHubIsStoppedDoesNotLockTheThingOut() throws Exception {
        byte[] oldKeys = null;
        try (OffloadHub hub = f.durableHub(state)) {
            for (int i = 0; i < 20; i++) {
                hub.requestToken(a.requestToken(b.id(), "read")); // the mark is now 35, for generation 1
            }
            oldKeys = a.requestToken(b.id(), "read");
        }
        rebootstrap(a); // every layer to generation 2; the hub hears nothing
        ConstrainedDevice renewed = f.rebootstrapped(a, 2);
        byte[] first = renewed.requestToken(b.id(), "read");
        try (OffloadHub hub = f.durableHub(state)) {
            assertEquals(-1L, f.mark(a.id()), "the keystore's mark went with the replaced keys");
            // sequence number 0 under the new keys: taken at once, no lock-out until 36
            renewed.acceptTokenResponse(hub.requestToken(first));
            byte[] old = oldKeys;
            OffloadException e = refused(() -> hub.requestToken(old));
            assertEquals(Refusal.FORGED, e.refusal(), e.getMessage());
            assertTrue(e.getMessage().contains("replaced keys is stale"), e.getMessage());
        }
        try (OffloadHub hub = f.durableHub(state)) {
            // the mark of generation 2 was recorded and holds across the next restart
            assertEquals(0L, f.mark(a.id()));
            assertEquals(Refusal.REPLAYED, refused(() -> hub.requestToken(first)).refusal());
        }
    }

    @Test
    void aRecommissionWhileTheHubIsStoppedStartsAFreshWindowThoughGenerationsStartOverAt1() throws Exception {
        try (OffloadHub hub = f.durableHub(state)) {
            for (int i = 0; i < 5; i++) {
                hub.requestToken(a.requestToken(b.id(), "read"));
            }
        }
        f.registry.transition(a.id(), Transition.DECOMMISSION);
        f.clock.advance(Duration.ofSeconds(1));
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        f.registry.recommission(a.id(), "new-owner", RootCredential.secret(fresh));
        f.registry.transition(a.id(), Transition.ACTIVATE);
        assertEquals(1, f.keystore.metadata(a.id()).layers().get(Layer.APPLICATION.ordinal()).generation());
        ConstrainedDevice again = ConstrainedDevice.bootstrap(a.id(), fresh, 1, f.clock, new SecureRandom());
        try (OffloadHub hub = f.durableHub(state)) {
            assertEquals(-1L, f.mark(a.id()), "a recommissioned thing's keys start with no mark");
            again.acceptTokenResponse(hub.requestToken(again.requestToken(b.id(), "read")));
        }
    }

    @Test
    void aThingRevokedWhileTheHubIsStoppedHasItsTokensPurgedAndCountedAtStart() throws Exception {
        try (OffloadHub hub = f.durableHub(state)) {
            hub.requestToken(a.requestToken(b.id(), "read"));
            hub.requestToken(b.requestToken(a.id(), "read"));
        }
        f.registry.transition(a.id(), Transition.DECOMMISSION);
        try (OffloadHub hub = f.durableHub(state)) {
            assertEquals(1L, hub.housekeeping().get("tokens-revoked-at-start"));
            assertTrue(hub.issuedTokens().isEmpty(), "both tokens involve a");
            // b's own mark stays
            assertEquals(0L, f.mark(b.id()));
        }
    }

    @Test
    void aRevokeEventPurgesTheThingsStateCountsItAndTheRecordFollows() throws Exception {
        try (OffloadHub hub = f.durableHub(state)) {
            hub.requestToken(a.requestToken(b.id(), "read"));
            hub.create("hall", Set.of(a.id(), b.id()));
            f.registry.transition(a.id(), Transition.DECOMMISSION);
            hub.keysRevoked(a.id());
            assertEquals(1L, hub.housekeeping().get("things-revoked"));
            assertEquals(1L, hub.housekeeping().get("replay-state-revoked"));
            assertTrue(hub.issuedTokens().isEmpty());
            assertEquals(Set.of(b.id()), hub.group("hall").orElseThrow().members());
            assertEquals(2, hub.group("hall").orElseThrow().epoch());
            // Its keys are gone: its request cannot authenticate, and is refused as any unauthenticated one.
            assertEquals(Refusal.FORGED, refused(() -> hub.requestToken(a.requestToken(b.id(), "read")))
                    .refusal());
        }
        try (OffloadState s = OffloadState.open(state, f.clock)) {
            assertTrue(s.legacyMarks().isEmpty());
            assertTrue(s.tokens().isEmpty());
        }
    }

    @Test
    void aRotationEventThatArrivesAfterRequestsUnderTheNewKeysKeepsTheirWindow() throws Exception {
        byte[] first;
        try (OffloadHub hub = f.durableHub(state)) {
            hub.requestToken(a.requestToken(b.id(), "read"));
            f.keystore.rotate(a.id(), Layer.APPLICATION);
            ConstrainedDevice rotated = f.rebootstrapped(a, 2);
            first = rotated.requestToken(b.id(), "read");
            // taken before the hub hears of the rotation: the gate saw the new generation itself
            hub.requestToken(first);
            hub.keysChanged(a.id()); // the late event
            assertEquals(Refusal.REPLAYED, refused(() -> hub.requestToken(first)).refusal());
        }
        try (OffloadHub hub = f.durableHub(state)) {
            assertEquals(Refusal.REPLAYED, refused(() -> hub.requestToken(first)).refusal());
        }
    }

    @Test
    void aRequestCheckedUnderKeysReplacedBeforeItIsTakenIsRefusedAsStale() {
        OffloadState mem = OffloadState.inMemory();
        Keys keys = new Keys(f.keystore, f.registry);
        Gate gate = new Gate(keys, new Crypto(new OpCounter(), new SecureRandom()), mem, new Stats());
        Gate.Admitted old = gate.admit(a.requestToken(b.id(), "read"), Wire.AAD_TOKEN_REQUEST, "token request");
        f.keystore.rotate(a.id(), Layer.APPLICATION);
        ConstrainedDevice rotated = f.rebootstrapped(a, 2);
        gate.admit(rotated.requestToken(b.id(), "read"), Wire.AAD_TOKEN_REQUEST, "token request").commit();
        OffloadException e = refused(old::commit);
        assertEquals(Refusal.EXPIRED, e.refusal());
        assertTrue(e.getMessage().contains("stale"), e.getMessage());
    }

    /**
     * Two hubs over one keystore at once (an offload bundle updated while the old one still answers): the new hub's
     * window took a number above one the old hub took, so that one lies inside its window, unseen by it.
     */
    @Test
    void aRequestTheOtherHubOfTheSameKeysTookIsAReplayAlsoBelowTheNewest() throws Exception {
        byte[] first = a.requestToken(b.id(), "read");
        byte[] second = a.requestToken(b.id(), "read");
        byte[] third = a.requestToken(b.id(), "read");
        try (OffloadHub updated = new OffloadHub(f.keystore, f.registry, f.clock, OffloadHub.Settings.defaults())) {
            updated.policy(() -> Fixture.ANY);
            updated.requestToken(first);
            f.hub.requestToken(second);
            updated.requestToken(third);
            assertEquals(Refusal.REPLAYED, refused(() -> updated.requestToken(second)).refusal(),
                    "taken by the other hub");
        }
    }
}
