package org.trusthub.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.JournalEntry;

class RegistryRecordsTest {

    private static final Thing THING = new Thing(ThingId.of("lamp-1"), LifecycleState.OPERATIONAL, "Zoë",
            Instant.parse("2026-01-01T00:00:00.123456789Z"), Instant.parse("2026-02-01T00:00:00Z"), 3);

    @Test
    void changeRoundTrips() {
        JournalEntry e = new JournalEntry(THING.changed(), LifecycleState.BOOTSTRAPPING, LifecycleState.OPERATIONAL,
                "ACTIVATE", "web:alice");
        RegistryRecords.Decoded d = RegistryRecords.decode(RegistryRecords.change(THING, e));
        assertEquals(RegistryRecords.CHANGE, d.type());
        assertEquals(THING, d.thing());
        assertEquals(List.of(e), d.entries());
    }

    @Test
    void snapshotRoundTripsWithEnrollEntry() {
        List<JournalEntry> history = List.of(
                new JournalEntry(THING.enrolled(), null, LifecycleState.MANUFACTURED, JournalEntry.ENROLL,
                        "bundle:org.trusthub.demo"),
                new JournalEntry(THING.changed(), LifecycleState.MANUFACTURED, LifecycleState.BOOTSTRAPPING,
                        "BOOTSTRAP", null));
        RegistryRecords.Decoded d = RegistryRecords.decode(RegistryRecords.snapshot(THING, history));
        assertEquals(RegistryRecords.SNAPSHOT, d.type());
        assertEquals(THING, d.thing());
        assertEquals(history, d.entries());
    }

    @Test
    void unknownVersionTruncationAndTrailingBytesAreRefused() {
        byte[] good = RegistryRecords.change(THING,
                new JournalEntry(THING.changed(), LifecycleState.MAINTENANCE, LifecycleState.OPERATIONAL, "RESUME",
                        JournalEntry.HUB));
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

    /** A store written before journal entries named who made them still opens: those steps have no actor. */
    @Test
    void aVersion1ChangeDecodesWithoutActor() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeByte(RegistryRecords.CHANGE);
            out.writeUTF(THING.id().value());
            out.writeUTF(THING.state().name());
            out.writeUTF(THING.owner());
            out.writeLong(THING.enrolled().getEpochSecond());
            out.writeInt(THING.enrolled().getNano());
            out.writeLong(THING.changed().getEpochSecond());
            out.writeInt(THING.changed().getNano());
            out.writeInt(THING.commissionCount());
            out.writeInt(1);
            out.writeUTF("ACTIVATE");
            out.writeBoolean(true);
            out.writeUTF("BOOTSTRAPPING");
            out.writeUTF("OPERATIONAL");
            out.writeLong(THING.changed().getEpochSecond());
            out.writeInt(THING.changed().getNano());
        }
        RegistryRecords.Decoded d = RegistryRecords.decode(bytes.toByteArray());
        assertEquals(THING, d.thing());
        assertEquals(List.of(new JournalEntry(THING.changed(), LifecycleState.BOOTSTRAPPING,
                LifecycleState.OPERATIONAL, "ACTIVATE", null)), d.entries());
    }
}
