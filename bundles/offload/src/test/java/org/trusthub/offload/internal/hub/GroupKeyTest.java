package org.trusthub.offload.internal.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.offload.GroupInfo;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.wire.OpCounts;

class GroupKeyTest {
    @TempDir
    Path dir;
    Fixture f;
    ConstrainedDevice a;
    ConstrainedDevice b;
    ConstrainedDevice c;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
        a = f.operational("light-1");
        b = f.operational("light-2");
        c = f.operational("light-3");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void fetch(ConstrainedDevice d) {
        d.acceptGroupKeys(f.hub.requestGroupKeys(d.requestGroupKeys("hall")));
    }

    @Test
    void membersShareTheEpochKeyWithSymmetricCryptoOnly() {
        GroupInfo g = f.hub.create("hall", Set.of(a.id(), b.id()));
        assertEquals(1, g.epoch());
        OpCounts before = a.counter().snapshot();
        fetch(a);
        fetch(b);
        byte[] m = a.protectGroup("hall", utf8("dim 40"));
        assertArrayEquals(utf8("dim 40"), b.unprotectGroup("hall", m));
        OpCounts used = a.counter().snapshot().minus(before);
        assertEquals(0, used.publicKey());
        assertEquals(3, used.symmetric()); // request MAC, one unwrap, one seal
        assertEquals(1, used.hash()); // the group's tag, once
    }

    @Test
    void aNewMemberCannotReadOldTrafficAndAMemberThatLeftCannotReadNewTraffic() {
        f.hub.create("hall", Set.of(a.id(), b.id()));
        fetch(a);
        fetch(b);
        byte[] old = a.protectGroup("hall", utf8("before c"));

        GroupInfo joined = f.hub.join("hall", c.id());
        assertEquals(2, joined.epoch());
        fetch(c);
        assertEquals(List.of(2L), c.groupEpochs("hall"));
        assertEquals(Refusal.WRONG_BINDING,
                assertThrows(OffloadException.class, () -> c.unprotectGroup("hall", old)).refusal());

        fetch(a);
        fetch(b);
        byte[] withC = a.protectGroup("hall", utf8("with c"));
        assertArrayEquals(utf8("with c"), c.unprotectGroup("hall", withC));

        GroupInfo left = f.hub.leave("hall", b.id());
        assertEquals(3, left.epoch());
        assertEquals(Refusal.UNKNOWN_MEMBER,
                assertThrows(OffloadException.class, () -> fetch(b)).refusal());
        fetch(a);
        fetch(c);
        byte[] afterB = c.protectGroup("hall", utf8("after b"));
        assertArrayEquals(utf8("after b"), a.unprotectGroup("hall", afterB));
        assertEquals(Refusal.WRONG_BINDING,
                assertThrows(OffloadException.class, () -> b.unprotectGroup("hall", afterB)).refusal());
    }

    @Test
    void theWindowKeepsThePreviousEpochSoTrafficInFlightIsReadable() {
        f.hub.create("hall", Set.of(a.id(), b.id()));
        fetch(a);
        fetch(b);
        byte[] inFlight = a.protectGroup("hall", utf8("in flight"));
        f.hub.join("hall", c.id());
        fetch(b); // b moves to epoch 2 and still holds epoch 1
        assertEquals(List.of(1L, 2L), b.groupEpochs("hall"));
        assertArrayEquals(utf8("in flight"), b.unprotectGroup("hall", inFlight));
        assertEquals(List.of(1L, 2L), f.hub.group("hall").orElseThrow().epochsKept());
        f.hub.leave("hall", c.id());
        assertEquals(List.of(2L, 3L), f.hub.group("hall").orElseThrow().epochsKept());
    }

    @Test
    void groupMessagesAreProtectedAgainstReplayAndForgery() {
        f.hub.create("hall", Set.of(a.id(), b.id()));
        fetch(a);
        fetch(b);
        byte[] m = a.protectGroup("hall", utf8("off"));
        b.unprotectGroup("hall", m);
        assertEquals(Refusal.REPLAYED,
                assertThrows(OffloadException.class, () -> b.unprotectGroup("hall", m)).refusal());
        byte[] forged = a.protectGroup("hall", utf8("off"));
        forged[forged.length - 2] ^= 1;
        assertEquals(Refusal.FORGED,
                assertThrows(OffloadException.class, () -> b.unprotectGroup("hall", forged)).refusal());
    }

    @Test
    void everyRekeyUsesFreshRandomness() {
        f.hub.create("hall", Set.of(a.id(), b.id()));
        fetch(a);
        byte[] e1 = a.protectGroup("hall", utf8("same"));
        f.hub.leave("hall", b.id());
        f.hub.join("hall", b.id()); // same membership as epoch 1, different key
        fetch(b);
        assertEquals(List.of(3L), b.groupEpochs("hall"));
        assertEquals(Refusal.WRONG_BINDING,
                assertThrows(OffloadException.class, () -> b.unprotectGroup("hall", e1)).refusal());
    }
}
