package org.trusthub.offload.internal.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.wire.OpCounts;
import org.trusthub.offload.device.PairGrant;

class PairwiseKeyTest {
    @TempDir
    Path dir;
    Fixture f;
    ConstrainedDevice a;
    ConstrainedDevice b;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
        a = f.operational("switch-1");
        b = f.operational("lamp-1");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void bothThingsGetTheKeyWithoutDiffieHellmanAndBNeverTalksToTheHub() {
        OpCounts a0 = a.counter().snapshot();
        OpCounts b0 = b.counter().snapshot();
        PairGrant ga = a.acceptPairwiseKey(f.hub.requestPairwiseKey(a.requestPairwiseKey(b.id())));
        PairGrant gb = b.acceptTicket(a.forwardTicket(ga));
        assertEquals(b.id(), ga.peer());
        assertEquals(a.id(), gb.peer());
        assertEquals(f.clock.instant().plus(Duration.ofHours(8)), ga.expires());
        assertArrayEquals(utf8("on"), gb.channel().unprotect(ga.channel().protect(utf8("on"))));
        assertArrayEquals(utf8("done"), ga.channel().unprotect(gb.channel().protect(utf8("done"))));
        OpCounts ua = a.counter().snapshot().minus(a0);
        OpCounts ub = b.counter().snapshot().minus(b0);
        assertEquals(0, ua.publicKey());
        assertEquals(0, ub.publicKey());
        assertEquals(1 + 1 + 3 + 2, ua.symmetric()); // request MAC, envelope, 3 HKDF, seal + open
        assertEquals(1 + 3 + 2, ub.symmetric()); // ticket, 3 HKDF, open + seal
    }

    @Test
    void aReplayedTicketIsRefusedAndTheFirstChannelStays() {
        PairGrant ga = a.acceptPairwiseKey(f.hub.requestPairwiseKey(a.requestPairwiseKey(b.id())));
        byte[] ticket = a.forwardTicket(ga);
        PairGrant gb = b.acceptTicket(ticket);
        OffloadException e = assertThrows(OffloadException.class, () -> b.acceptTicket(ticket));
        assertEquals(Refusal.REPLAYED, e.refusal());
        assertArrayEquals(utf8("x"), gb.channel().unprotect(ga.channel().protect(utf8("x"))));
    }

    @Test
    void anExpiredTicketIsRefused() {
        PairGrant ga = a.acceptPairwiseKey(f.hub.requestPairwiseKey(a.requestPairwiseKey(b.id())));
        f.clock.advance(Duration.ofHours(8));
        OffloadException e = assertThrows(OffloadException.class, () -> b.acceptTicket(a.forwardTicket(ga)));
        assertEquals(Refusal.EXPIRED, e.refusal());
    }

    @Test
    void aTicketForAnotherThingIsRefused() {
        ConstrainedDevice c = f.operational("lamp-2");
        PairGrant ga = a.acceptPairwiseKey(f.hub.requestPairwiseKey(a.requestPairwiseKey(b.id())));
        OffloadException e = assertThrows(OffloadException.class, () -> c.acceptTicket(a.forwardTicket(ga)));
        assertEquals(Refusal.WRONG_BINDING, e.refusal());
    }

    @Test
    void aReplayedMessageOnThePairwiseChannelIsRefused() {
        PairGrant ga = a.acceptPairwiseKey(f.hub.requestPairwiseKey(a.requestPairwiseKey(b.id())));
        PairGrant gb = b.acceptTicket(a.forwardTicket(ga));
        byte[] m = ga.channel().protect(utf8("unlock"));
        gb.channel().unprotect(m);
        assertEquals(Refusal.REPLAYED, assertThrows(OffloadException.class, () -> gb.channel().unprotect(m))
                .refusal());
        byte[] forged = ga.channel().protect(utf8("unlock"));
        forged[forged.length - 1] ^= 1;
        assertEquals(Refusal.FORGED, assertThrows(OffloadException.class, () -> gb.channel().unprotect(forged))
                .refusal());
    }
}
