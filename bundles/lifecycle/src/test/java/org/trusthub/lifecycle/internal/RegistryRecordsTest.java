package org.trusthub.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
