package org.trusthub.offload.internal.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.offload.GroupInfo;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.storage.ChecksumSealer;
import org.trusthub.storage.RecordStore;

import com.upokecenter.cbor.CBORObject;

/** Group epoch keys kept as stored keys of the keystore: a restart resumes the same epochs, no member re-fetches. */
class DurableGroupsTest {
    @TempDir
    Path dir;
    Fixture f;
    Path state;
    ConstrainedDevice a;
    ConstrainedDevice b;
    ConstrainedDevice c;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
        state = dir.resolve("offload-state");
        a = f.operational("lamp-a");
        b = f.operational("lamp-b");
        c = f.operational("lamp-c");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Refusal refusal(Runnable r) {
        return assertThrows(OffloadException.class, r::run).refusal();
    }

    private static void fetch(OffloadHub hub, ConstrainedDevice d, String group) {
        d.acceptGroupKeys(hub.requestGroupKeys(d.requestGroupKeys(group)));
    }

    private Stream<String> storedEpochs(String group) {
        return f.keystore.metadata(EpochVault.groupId(group)).layers().get(Layer.APPLICATION.ordinal())
                .mechanisms().stream().filter(m -> m.startsWith(EpochVault.MECH_PREFIX)).sorted();
    }

    @Test
    void aRestartKeepsTheCurrentEpochAndWindowSoMembersKeepWorkingWithoutFetching() throws Exception {
        byte[] beforeRestart;
        try (OffloadHub hub = f.durableHub(state)) {
            hub.create("hall", Set.of(a.id(), b.id()));
            fetch(hub, a, "hall");
            fetch(hub, b, "hall");
            byte[] epoch1 = a.protectGroup("hall", utf8("epoch 1"));
            assertEquals(2, hub.join("hall", c.id()).epoch());
            fetch(hub, a, "hall");
            fetch(hub, b, "hall");
            beforeRestart = a.protectGroup("hall", utf8("epoch 2"));
            assertArrayEquals(utf8("epoch 1"), b.unprotectGroup("hall", epoch1));
        }
        try (OffloadHub hub = f.durableHub(state)) {
            GroupInfo g = hub.group("hall").orElseThrow();
            assertEquals(2, g.epoch());
            assertEquals(List.of(1L, 2L), g.epochsKept());
            assertEquals(Set.of(a.id(), b.id(), c.id()), g.members());
            assertEquals(2, hub.restoredEpochs("hall"));
            assertEquals(null, hub.issued().get("rekey"), "no group re-keyed at start");
            assertEquals(2L, hub.housekeeping().get("epochs-restored"));
            // a and b hold epoch 2 from before the restart and fetch nothing.
            assertArrayEquals(utf8("epoch 2"), b.unprotectGroup("hall", beforeRestart));
            assertArrayEquals(utf8("still epoch 2"), a.unprotectGroup("hall", b.protectGroup("hall",
                    utf8("still epoch 2"))));
            // c missed epoch 2 before the restart: it fetches the very same key afterwards, with its sender id of
            // epoch 2, and reads what a sent before the restart.
            fetch(hub, c, "hall");
            assertEquals(List.of(2L), c.groupEpochs("hall"));
            assertArrayEquals(utf8("epoch 2"), c.unprotectGroup("hall", beforeRestart));
            assertArrayEquals(utf8("from c"), a.unprotectGroup("hall", c.protectGroup("hall", utf8("from c"))));
        }
    }

    @Test
    void aMemberThatLeftBeforeTheRestartStillGetsNothingAndAJoinAfterItReKeys() throws Exception {
        ConstrainedDevice d = f.operational("lamp-d");
        try (OffloadHub hub = f.durableHub(state)) {
            hub.create("hall", Set.of(a.id(), b.id(), c.id()));
            fetch(hub, c, "hall");
            assertEquals(2, hub.leave("hall", c.id()).epoch());
        }
        for (int i = 0; i < org.trusthub.keystore.internal.FileThingKeyStore.DEFAULT_REPLAY_RESERVATION; i++) {
            c.requestGroupKeys("hall"); // past the numbers reserved before the restart
        }
        try (OffloadHub hub = f.durableHub(state)) {
            assertEquals(Refusal.UNKNOWN_MEMBER, refusal(() -> fetch(hub, c, "hall")));
            assertEquals(2, hub.group("hall").orElseThrow().epoch());
            GroupInfo joined = hub.join("hall", d.id());
            assertEquals(3, joined.epoch());
            assertEquals(List.of(2L, 3L), joined.epochsKept());
            fetch(hub, d, "hall");
            fetch(hub, a, "hall");
            // d gets only the epoch it joined in, not the one before it
            assertEquals(List.of(3L), d.groupEpochs("hall"));
            byte[] m = a.protectGroup("hall", utf8("epoch 3"));
            assertArrayEquals(utf8("epoch 3"), d.unprotectGroup("hall", m));
            assertEquals(Refusal.WRONG_BINDING, refusal(() -> c.unprotectGroup("hall", m)));
        }
        // the epoch that left the window is gone from the keystore too
        assertEquals(List.of(EpochVault.mechanism(2), EpochVault.mechanism(3)), storedEpochs("hall").toList());
    }

    @Test
    void epochKeysAreStoredKeysOfTheGroupsOwnIdAndNeverInTheStateFiles() throws Exception {
        try (OffloadHub hub = f.durableHub(state)) {
            hub.create("hall", Set.of(a.id(), b.id()));
            hub.join("hall", c.id());
            hub.leave("hall", c.id());
        }
        ThingId id = EpochVault.groupId("hall");
        assertEquals("offload-group:hall", id.value());
        assertTrue(f.keystore.isActive(id));
        assertEquals(List.of(EpochVault.mechanism(2), EpochVault.mechanism(3)), storedEpochs("hall").toList());
        for (long e : new long[] {2, 3}) {
            DerivedKey k = f.keystore.storedKey(id, Layer.APPLICATION, EpochVault.mechanism(e)).orElseThrow();
            String hex = HexFormat.of().formatHex(k.bytes());
            k.destroy();
            try (Stream<Path> files = Files.walk(state)) {
                for (Path p : files.filter(Files::isRegularFile).toList()) {
                    assertFalse(HexFormat.of().formatHex(Files.readAllBytes(p)).contains(hex),
                            "epoch " + e + " key in " + p);
                }
            }
        }
        // A long group name still gets a valid id of its own.
        String longName = "a".repeat(64);
        assertTrue(EpochVault.groupId(longName).value().length() <= ThingId.MAX_LENGTH);
    }

    @Test
    void deletingAGroupDestroysItsStoredKeysAndAGroupOfTheSameNameStartsAfresh() throws Exception {
        ThingId id = EpochVault.groupId("porch");
        try (OffloadHub hub = f.durableHub(state)) {
            hub.create("porch", Set.of(a.id(), b.id()));
            hub.join("porch", c.id());
            assertEquals(2, storedEpochs("porch").count());
            assertTrue(hub.delete("porch"));
            assertFalse(f.keystore.isActive(id));
            assertEquals(1L, hub.housekeeping().get("group-deleted"));
            // the keystore's revocation event for the group's id is not a thing leaving service
            assertEquals(List.of(), hub.keysRevoked(id));
            assertEquals(null, hub.housekeeping().get("things-revoked"));
        }
        try (OffloadHub hub = f.durableHub(state)) {
            assertTrue(hub.group("porch").isEmpty());
            assertEquals(Refusal.UNKNOWN_GROUP, refusal(() -> fetch(hub, a, "porch")));
            assertEquals(1, hub.create("porch", Set.of(a.id())).epoch());
            assertTrue(f.keystore.isActive(id));
            assertEquals(List.of(EpochVault.mechanism(1)), storedEpochs("porch").toList());
        }
    }

    @Test
    void keysAndGroupIdsThatNoRecordNamesAreDestroyedAtStart() throws Exception {
        try (OffloadHub hub = f.durableHub(state)) {
            hub.create("hall", Set.of(a.id(), b.id()));
        }
        // What a crash between the keystore and the record leaves: a key of an epoch the record never named, and the
        // id of a group whose record was never written (or already deleted).
        ThingId hall = EpochVault.groupId("hall");
        f.keystore.storeKey(hall, Layer.APPLICATION, EpochVault.mechanism(2), new byte[16]);
        ThingId ghost = EpochVault.groupId("ghost");
        f.keystore.enroll(ghost, RootCredential.secret(new byte[32]));
        f.keystore.storeKey(ghost, Layer.APPLICATION, EpochVault.mechanism(1), new byte[16]);
        try (OffloadHub hub = f.durableHub(state)) {
            assertEquals(List.of(EpochVault.mechanism(1)), storedEpochs("hall").toList());
            assertFalse(f.keystore.isActive(ghost));
            assertEquals(List.of("hall"), hub.groups().stream().map(GroupInfo::name).toList());
            // The next epoch takes the number the lost one had: nobody ever saw that one.
            assertEquals(2, hub.join("hall", c.id()).epoch());
            fetch(hub, c, "hall");
            fetch(hub, a, "hall");
            assertArrayEquals(utf8("ok"), c.unprotectGroup("hall", a.protectGroup("hall", utf8("ok"))));
        }
    }

    @Test
    void aThingOfTheRegistryWithAGroupsIdIsNeverTouched() throws Exception {
        ThingId clash = ThingId.of("offload-group:clash");
        f.registry.enroll(clash, "owner", RootCredential.secret(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
            14, 15, 16}));
        try (OffloadHub hub = f.durableHub(state)) {
            assertThrows(IllegalArgumentException.class, () -> hub.create("clash", Set.of(a.id())));
            assertTrue(hub.group("clash").isEmpty());
        }
        try (OffloadHub hub = f.durableHub(state)) {
            assertTrue(f.keystore.isActive(clash), "start-up clean-up left the registry's thing alone");
        }
    }

    @Test
    void aRecordOfAHubThatKeptNoEpochKeysReKeysOnceAndIsDurableFromThenOn() throws Exception {
        // The records the previous hub version wrote: a group with its last epoch, a mark without a generation.
        try (RecordStore s = RecordStore.open(state, OffloadState.STORE_NAME, ChecksumSealer.INSTANCE, r -> {
        })) {
            s.append(CBORObject.NewArray().Add(5).Add("hall").Add(CBORObject.NewArray().Add(a.id().value())
                    .Add(b.id().value())).Add(7).EncodeToBytes());
            s.append(CBORObject.NewArray().Add(1).Add(a.id().value()).Add(40).EncodeToBytes());
        }
        try (OffloadHub hub = f.durableHub(state)) {
            GroupInfo g = hub.group("hall").orElseThrow();
            assertEquals(8, g.epoch());
            assertEquals(List.of(8L), g.epochsKept());
            assertEquals(0, hub.restoredEpochs("hall"));
            // The mark of the earlier version still holds for a's current keys: 0 to 40 refused, 41 taken.
            assertEquals(Refusal.REPLAYED, refusal(() -> hub.requestToken(a.requestToken(b.id(), "read"))));
            for (int i = 1; i <= 40; i++) {
                a.requestToken(b.id(), "read");
            }
            a.acceptTokenResponse(hub.requestToken(a.requestToken(b.id(), "read")));
        }
        try (OffloadHub hub = f.durableHub(state)) {
            assertEquals(8, hub.group("hall").orElseThrow().epoch());
            assertEquals(1, hub.restoredEpochs("hall"));
        }
    }
}
