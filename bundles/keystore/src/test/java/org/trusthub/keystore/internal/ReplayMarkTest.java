package org.trusthub.keystore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.CounterExhaustedException;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeyRevokedException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ReplayMarks;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.StaleKeyException;
import org.trusthub.api.thing.ThingId;

/** ThingKeyStore 1.2: incoming replay marks bound to a key, written ahead in blocks, surviving restarts and crashes. */
class ReplayMarkTest {

    private static final ThingId NET = ThingId.of("zigbee-network:00124b00c0ffee01");
    private static final ThingId DEVICE = ThingId.of("zigbee:00124b0000000a01");
    private static final String NWK = "zigbee-nwk";
    private static final String LINK = "zigbee-aps-link";
    private static final String A = ReplayMarks.fromAddress(0x00124B0000000A01L);
    private static final String B = ReplayMarks.fromAddress(0x00124B0000000B02L);
    private static final byte[] NET_ROOT = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] LINK_KEY = HexFormat.of().parseHex("4c494e4b2d4b45592d4c494e4b2d4b45");
    private static final int BLOCK = 8;

    @TempDir
    Path dir;
    Fixture fx;
    FileThingKeyStore ks;

    @BeforeEach
    void open() {
        fx = new Fixture(dir);
        ks = fx.open(16, BLOCK);
        ks.enroll(NET, RootCredential.secret(NET_ROOT));
        ks.enroll(DEVICE, RootCredential.secret(new byte[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6}));
    }

    @AfterEach
    void close() {
        ks.close();
    }

    private DerivedKey netKey(FileThingKeyStore store) {
        return store.deriveKey(NET, Layer.NETWORK, NWK, 16);
    }

    @Test
    void aFullMarkTableRefusesNewSourcesAsCounterExhaustedAndKeepsTheKnownOnes() {
        DerivedKey key = netKey(ks);
        for (int i = 0; i < ReplayMarkTable.MAX_MARKS_PER_KEY; i++) {
            assertTrue(ks.advanceReplayMark(key, ReplayMarks.fromAddress(i), 0));
        }
        CounterExhaustedException e = assertThrows(CounterExhaustedException.class,
                () -> ks.advanceReplayMark(key, A, 0));
        assertTrue(e.getMessage().contains("replay marks") && e.getMessage().contains("rotate"), e.getMessage());
        assertEquals(-1, ks.replayMark(key, A), "nothing accepted");
        assertTrue(ks.advanceReplayMark(key, ReplayMarks.fromAddress(7), 1), "a known source goes on");
    }

    @Test
    void aMarkAcceptsOnlyRisingCountersPerSourceAndKey() {
        DerivedKey key = netKey(ks);
        assertEquals(-1, ks.replayMark(key, A));
        assertTrue(ks.advanceReplayMark(key, A, 0));
        assertFalse(ks.advanceReplayMark(key, A, 0), "the same counter again is a replay");
        assertTrue(ks.advanceReplayMark(key, A, 7));
        assertFalse(ks.advanceReplayMark(key, A, 5), "a lower counter is a replay");
        assertEquals(7, ks.replayMark(key, A));
        assertTrue(ks.advanceReplayMark(key, B, 3), "sources are independent");
        assertEquals(Map.of(A, 7L, B, 3L), ks.replayMarks(key));
        DerivedKey other = ks.deriveKey(NET, Layer.NETWORK, "ieee802154-ccm-star", 16);
        assertEquals(-1, ks.replayMark(other, A), "another mechanism's key has marks of its own");
    }

    @Test
    void aCleanRestartKeepsTheExactMark() {
        DerivedKey key = netKey(ks);
        for (long c = 0; c < 5; c++) {
            assertTrue(ks.advanceReplayMark(key, A, c));
        }
        ks.close();
        ks = fx.open(16, BLOCK);
        DerivedKey again = netKey(ks);
        assertEquals(4, ks.replayMark(again, A), "a clean close writes the mark as accepted");
        assertFalse(ks.advanceReplayMark(again, A, 4), "a frame accepted before the restart is refused after it");
        assertTrue(ks.advanceReplayMark(again, A, 5), "the next fresh frame is accepted");
    }

    @Test
    void afterACrashEverythingUpToTheWrittenAheadMarkIsRefused() throws Exception {
        DerivedKey key = netKey(ks);
        for (long c = 0; c < 5; c++) {
            assertTrue(ks.advanceReplayMark(key, A, c));
        }
        try (FileThingKeyStore copy = fx.crashCopy(dir.resolve("crash")).open(16, BLOCK)) {
            DerivedKey k = netKey(copy);
            long mark = copy.replayMark(k, A);
            assertEquals(BLOCK - 1, mark, "the block written ahead when counter 0 was accepted");
            for (long c = 0; c <= mark; c++) {
                assertFalse(copy.advanceReplayMark(k, A, c), "counter " + c + " refused after the crash");
            }
            assertTrue(copy.advanceReplayMark(k, A, mark + 1));
            assertTrue(mark - 4 < BLOCK, "at most one block of fresh counters is lost");
        }
    }

    @Test
    void countersWithinTheBlockWriteNothingAndTheNextBlockOneRecord() throws Exception {
        DerivedKey key = netKey(ks);
        assertTrue(ks.advanceReplayMark(key, A, 100)); // writes 107
        Path journal = fx.storeDir.resolve(FileThingKeyStore.STORE_NAME + ".journal");
        long size = Files.size(journal);
        for (long c = 101; c <= 107; c++) {
            assertTrue(ks.advanceReplayMark(key, A, c));
        }
        assertEquals(size, Files.size(journal), "counters inside the reserved block cause no write");
        assertTrue(ks.advanceReplayMark(key, A, 108));
        assertTrue(Files.size(journal) > size, "the first counter past the block writes the next one");
    }

    @Test
    void aBlockOfOneWritesEveryCounterSoACrashLosesNoFreshFrame() throws Exception {
        ks.close();
        ks = fx.open(16, 1);
        DerivedKey key = netKey(ks);
        assertTrue(ks.advanceReplayMark(key, A, 41));
        assertTrue(ks.advanceReplayMark(key, A, 42));
        try (FileThingKeyStore copy = fx.crashCopy(dir.resolve("crash")).open(16, 1)) {
            DerivedKey k = netKey(copy);
            assertEquals(42, copy.replayMark(k, A));
            assertTrue(copy.advanceReplayMark(k, A, 43));
        }
    }

    @Test
    void marksSurviveACompaction() throws Exception {
        DerivedKey key = netKey(ks);
        assertTrue(ks.advanceReplayMark(key, A, 3));
        assertTrue(ks.advanceReplayMark(key, B, 30));
        ks.compact();
        try (FileThingKeyStore copy = fx.crashCopy(dir.resolve("crash")).open(16, BLOCK)) {
            DerivedKey k = netKey(copy);
            assertEquals(Map.of(A, 3L + BLOCK - 1, B, 30L + BLOCK - 1), copy.replayMarks(k));
        }
    }

    @Test
    void aRotationStartsWithNoMarksAndTheOldKeyIsStale() {
        DerivedKey old = netKey(ks);
        assertTrue(ks.advanceReplayMark(old, A, 500));
        ks.rotate(NET, Layer.NETWORK);
        assertThrows(StaleKeyException.class, () -> ks.replayMark(old, A));
        assertThrows(StaleKeyException.class, () -> ks.advanceReplayMark(old, A, 501));
        DerivedKey fresh = netKey(ks);
        assertEquals(-1, ks.replayMark(fresh, A), "the new key's senders start over");
        assertTrue(ks.advanceReplayMark(fresh, A, 0));
        ks.close();
        ks = fx.open(16, BLOCK);
        DerivedKey reopened = netKey(ks);
        assertEquals(0, ks.replayMark(reopened, A), "the old generation's mark does not come back");
    }

    @Test
    void aRevocationDropsTheMarksAndAReEnrollmentStartsOver() {
        DerivedKey old = netKey(ks);
        assertTrue(ks.advanceReplayMark(old, A, 77));
        assertTrue(ks.revoke(NET));
        assertThrows(KeyRevokedException.class, () -> ks.replayMark(old, A));
        assertThrows(KeyRevokedException.class, () -> ks.advanceReplayMark(old, A, 78));
        ks.enroll(NET, RootCredential.secret(HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")));
        StaleKeyException e = assertThrows(StaleKeyException.class, () -> ks.replayMark(old, A),
                "a key of the revoked root is not the new root's key, though both are generation 1");
        assertTrue(e.getMessage().contains("earlier root credential"), e.getMessage());
        DerivedKey fresh = netKey(ks);
        assertEquals(-1, ks.replayMark(fresh, A));
        ks.close();
        ks = fx.open(16, BLOCK);
        assertEquals(-1, ks.replayMark(netKey(ks), A), "nothing of the revoked root's marks is replayed");
    }

    @Test
    void aReplacedStoredKeyStartsOverTheSameKeyStoredAgainKeepsItsMarks() {
        ks.storeKey(DEVICE, Layer.NETWORK, LINK, LINK_KEY);
        DerivedKey link = ks.storedKey(DEVICE, Layer.NETWORK, LINK).orElseThrow();
        assertTrue(ks.advanceReplayMark(link, A, 10));
        ks.storeKey(DEVICE, Layer.NETWORK, LINK, LINK_KEY.clone());
        assertEquals(10, ks.replayMark(link, A), "storing the same key again must not reopen old counters");
        byte[] other = LINK_KEY.clone();
        other[0] ^= 1;
        ks.storeKey(DEVICE, Layer.NETWORK, LINK, other);
        assertThrows(StaleKeyException.class, () -> ks.replayMark(link, A));
        DerivedKey replaced = ks.storedKey(DEVICE, Layer.NETWORK, LINK).orElseThrow();
        assertEquals(-1, ks.replayMark(replaced, A), "a new link key's sender starts over");
        assertTrue(ks.advanceReplayMark(replaced, A, 1));
        assertTrue(ks.deleteStoredKey(DEVICE, Layer.NETWORK, LINK));
        ks.storeKey(DEVICE, Layer.NETWORK, LINK, other);
        DerivedKey back = ks.storedKey(DEVICE, Layer.NETWORK, LINK).orElseThrow();
        assertEquals(-1, ks.replayMark(back, A), "deleting a stored key drops its marks");
        ks.close();
        ks = fx.open(16, BLOCK);
        assertEquals(-1, ks.replayMark(ks.storedKey(DEVICE, Layer.NETWORK, LINK).orElseThrow(), A),
                "after a restart too");
    }

    @Test
    void badNamesAndCountersAreRefusedClearlyWithoutAChangeOrASecret() throws Exception {
        DerivedKey key = netKey(ks);
        assertTrue(ks.advanceReplayMark(key, A, 5));
        Map<String, byte[]> before = fx.files();
        List<String> messages = new ArrayList<>();
        for (String bad : new String[] {"", "From-A", "-a", "a b", "a/b", "x".repeat(65)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ks.advanceReplayMark(key, bad, 6));
            assertTrue(e.getMessage().startsWith("malformed replay mark name"), e.getMessage());
            messages.add(e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ks.replayMark(key, bad));
        }
        assertEquals("malformed replay mark name: 65 characters, at most 64 allowed", messages.get(5));
        assertEquals("malformed replay mark name: it is missing", assertThrows(IllegalArgumentException.class,
                () -> ks.advanceReplayMark(key, null, 6)).getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> ks.advanceReplayMark(key, A, -1));
        assertEquals("incoming counter -1 is negative", negative.getMessage());
        messages.add(negative.getMessage());
        DerivedKey forged = new DerivedKey(NET, Layer.NETWORK, NWK, 1, new byte[16]);
        StaleKeyException stale = assertThrows(StaleKeyException.class, () -> ks.advanceReplayMark(forged, A, 6));
        messages.add(stale.getMessage());
        assertEquals(5, ks.replayMark(key, A), "nothing moved");
        assertTrue(ks.replayMarks(key).keySet().equals(java.util.Set.of(A)), "no mark was made for a bad name");
        byte[] keyBytes = key.bytes();
        Secrets.assertNoneIn(List.of(keyBytes, NET_ROOT), messages);
        ks.close();
        Map<String, byte[]> after = fx.files();
        // closing writes the exact mark; the refused calls themselves wrote nothing before it
        assertEquals(before.keySet(), after.keySet());
        ks = fx.open(16, BLOCK);
        assertEquals(5, ks.replayMark(netKey(ks), A));
    }

    @Test
    void aReservationBelowOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fx.open(16, 0));
        assertEquals("replayMarkReservation is 0; it must be at least 1", e.getMessage());
    }

    @Test
    void theLargestCountersDoNotOverflowTheReservation() {
        DerivedKey key = netKey(ks);
        assertTrue(ks.advanceReplayMark(key, A, Long.MAX_VALUE - 2));
        assertTrue(ks.advanceReplayMark(key, A, Long.MAX_VALUE));
        assertFalse(ks.advanceReplayMark(key, A, Long.MAX_VALUE));
        ks.close();
        ks = fx.open(16, BLOCK);
        assertEquals(Long.MAX_VALUE, ks.replayMark(netKey(ks), A));
    }

    @Test
    void concurrentReplaysOfTheSameCountersAreAcceptedOnceEach() throws Exception {
        DerivedKey key = netKey(ks);
        int threads = 4;
        int counters = 200;
        java.util.concurrent.atomic.AtomicIntegerArray accepted = new java.util.concurrent.atomic.AtomicIntegerArray(
                counters);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int c = 0; c < counters; c++) {
                    if (ks.advanceReplayMark(key, A, c)) {
                        accepted.incrementAndGet(c);
                    }
                }
            });
            workers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        int total = 0;
        for (int c = 0; c < counters; c++) {
            assertTrue(accepted.get(c) <= 1, "counter " + c + " accepted " + accepted.get(c) + " times");
            total += accepted.get(c);
        }
        assertTrue(total >= 1, "some thread got through");
        assertEquals(counters - 1, ks.replayMark(key, A));
    }

    /**
     * The contract an OSCORE context or the offload gate relies on when it keeps its own sliding window and uses the
     * mark as the durable part: out-of-order counters below the newest change nothing and cost no write, and whatever
     * order counters were accepted in, a crash leaves a floor at or above every one of them.
     */
    @Test
    void aCallerWithItsOwnWindowHasEveryAcceptedCounterBelowTheFloorAfterACrash() throws Exception {
        DerivedKey key = netKey(ks);
        Path journal = fx.storeDir.resolve(FileThingKeyStore.STORE_NAME + ".journal");
        List<Long> accepted = List.of(3L, 20L, 10L, 19L, 21L, 4L);
        assertTrue(ks.advanceReplayMark(key, A, 3));
        assertTrue(ks.advanceReplayMark(key, A, 20)); // past the block of 3: writes 27
        long size = Files.size(journal);
        assertFalse(ks.advanceReplayMark(key, A, 10), "below the newest: the window decides, the mark stays");
        assertFalse(ks.advanceReplayMark(key, A, 19));
        assertTrue(ks.advanceReplayMark(key, A, 21));
        assertFalse(ks.advanceReplayMark(key, A, 4));
        assertEquals(size, Files.size(journal), "no counter of the window cost a write");
        assertEquals(21, ks.replayMark(key, A));
        try (FileThingKeyStore copy = fx.crashCopy(dir.resolve("crash")).open(16, BLOCK)) {
            long floor = copy.replayMark(netKey(copy), A);
            for (long c : accepted) {
                assertTrue(c <= floor, "counter " + c + " accepted before the crash lies at or below the floor "
                        + floor + " a restarted window starts from");
            }
        }
    }
}
