package org.trusthub.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.lifecycle.HistoryEntry;

class RegistryRecordsTest {

    private static final Thing THING = new Thing(ThingId.of("lamp-1"), LifecycleState.OPERATIONAL, "Zoë",
            Instant.parse("2026-01-01T00:00:00.123456789Z"), Instant.parse("2026-02-01T00:00:00Z"), 3);

    @Test
    void changeRoundTrips() {
        HistoryEntry e = new HistoryEntry("ACTIVATE", LifecycleState.BOOTSTRAPPING, LifecycleState.OPERATIONAL,
                THING.changed());
        RegistryRecords.Decoded d = RegistryRecords.decode(RegistryRecords.change(THING, e));
        assertEquals(RegistryRecords.CHANGE, d.type());
        assertEquals(THING, d.thing());
        assertEquals(List.of(e), d.entries());
    }

    @Test
    void snapshotRoundTripsWithEnrollEntry() {
        List<HistoryEntry> history = List.of(
                new HistoryEntry(HistoryEntry.ENROLL, null, LifecycleState.MANUFACTURED, THING.enrolled()),
                new HistoryEntry("BOOTSTRAP", LifecycleState.MANUFACTURED, LifecycleState.BOOTSTRAPPING,
                        THING.changed()));
        RegistryRecords.Decoded d = RegistryRecords.decode(RegistryRecords.snapshot(THING, history));
        assertEquals(RegistryRecords.SNAPSHOT, d.type());
        assertEquals(THING, d.thing());
        assertEquals(history, d.entries());
    }

    @Test
    void unknownVersionTruncationAndTrailingBytesAreRefused() {
        byte[] good = RegistryRecords.change(THING,
                new HistoryEntry("RESUME", LifecycleState.MAINTENANCE, LifecycleState.OPERATIONAL, THING.changed()));
        byte[] version = good.clone();
        version[0] = 9;
        assertTrue(assertThrows(RegistryRecords.MalformedRecordException.class, () -> RegistryRecords.decode(version))
                .getMessage().contains("format version 9"));
        assertThrows(RegistryRecords.MalformedRecordException.class,
                () -> RegistryRecords.decode(Arrays.copyOf(good, good.length - 3)));
        assertThrows(RegistryRecords.MalformedRecordException.class,
                () -> RegistryRecords.decode(Arrays.copyOf(good, good.length + 1)));
    }

    @Test
    void rebootstrapIntentsRoundTrip() {
        RegistryRecords.Intent intent = new RegistryRecords.Intent(THING.id(), true, new int[] {1, 2, 3, 4});
        RegistryRecords.Decoded d = RegistryRecords.decode(RegistryRecords.intent(intent));
        assertEquals(RegistryRecords.REBOOTSTRAP_INTENT, d.type());
        assertEquals(THING.id(), d.intent().thing());
        assertTrue(d.intent().pending());
        assertArrayEquals(new int[] {1, 2, 3, 4}, d.intent().generations());
        assertFalse(RegistryRecords.decode(RegistryRecords.intent(new RegistryRecords.Intent(THING.id(), false,
                new int[0]))).intent().pending());
    }

    @Test
    void enrollIntentsRoundTripAndRefuseTrailingBytes() {
        RegistryRecords.Decoded d = RegistryRecords.decode(RegistryRecords.enrollIntent(THING.id(), true));
        assertEquals(RegistryRecords.ENROLL_INTENT, d.type());
        assertEquals(new RegistryRecords.EnrollIntent(THING.id(), true), d.enrollment());
        assertNull(d.thing());
        assertFalse(RegistryRecords.decode(RegistryRecords.enrollIntent(THING.id(), false)).enrollment().pending());
        byte[] longer = Arrays.copyOf(RegistryRecords.enrollIntent(THING.id(), true),
                RegistryRecords.enrollIntent(THING.id(), true).length + 1);
        assertThrows(RegistryRecords.MalformedRecordException.class, () -> RegistryRecords.decode(longer));
    }
}
