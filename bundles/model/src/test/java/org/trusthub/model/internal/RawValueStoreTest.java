package org.trusthub.model.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.RawValue;
import org.trusthub.api.model.RawValues;
import org.trusthub.api.thing.ThingId;
import org.trusthub.storage.StoreException;

/**
 * The model's raw values: held ones (a thing wrote them, the hub set them) survive a restart, values read or
 * observed from the thing do not (its own state, read again when needed); bounded; bad input changes nothing.
 */
class RawValueStoreTest {

    static final ThingId METER = ThingId.of("meter-1");
    static final int JSON = 50;
    static final int TEXT = 0;
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T18:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void heldValuesComeBackReadAndObservedOnesDoNot() throws Exception {
        Path values = dir.resolve("values");
        try (RawValueStore m = RawValueStore.open(values, CLOCK)) {
            assertTrue(m.put(METER, "setpoint", utf8("20"), JSON, Origin.REPORT, true));
            m.put(METER, "mode", utf8("eco"), TEXT, Origin.WRITE, true);
            m.put(METER, "temperature", utf8("21.5"), TEXT, Origin.REPORT, false);
            assertFalse(m.put(METER, "mode", utf8("away"), TEXT, Origin.WRITE, true));
            m.put(ThingId.of("valve-2"), "state", utf8("open"), TEXT, Origin.REPORT, true);
        }
        try (RawValueStore m = RawValueStore.open(values, CLOCK)) {
            assertEquals(List.of("mode", "setpoint"), List.copyOf(m.values(METER).keySet()));
            RawValue setpoint = m.get(METER, "setpoint").orElseThrow();
            assertEquals(new RawValue(utf8("20"), JSON, CLOCK.instant(), Origin.REPORT, true), setpoint);
            assertArrayEquals(utf8("away"), m.get(METER, "mode").orElseThrow().bytes(), "the last one set");
            assertEquals(Origin.WRITE, m.get(METER, "mode").orElseThrow().origin());

            // A value read from the thing replaces a held one: the held one must not come back after a restart.
            m.put(METER, "setpoint", utf8("19"), JSON, Origin.READ, false);
            m.forget(ThingId.of("valve-2"));
        }
        try (RawValueStore m = RawValueStore.open(values, CLOCK)) {
            assertEquals(List.of("mode"), List.copyOf(m.values(METER).keySet()));
            assertEquals(Set.of(METER), m.things(), "the forgotten thing stays forgotten");
        }
    }

    @Test
    void observedValuesCostNoDiskWrite() throws Exception {
        Path values = dir.resolve("values");
        try (RawValueStore m = RawValueStore.open(values, CLOCK)) {
            m.put(METER, "setpoint", utf8("20"), JSON, Origin.REPORT, true);
            long before = Files.size(values.resolve(RawValueStore.STORE_NAME + ".journal"));
            for (int i = 0; i < 100; i++) {
                m.put(METER, "temperature", utf8(Integer.toString(i)), TEXT, Origin.REPORT, false);
            }
            assertEquals(before, Files.size(values.resolve(RawValueStore.STORE_NAME + ".journal")));
        }
    }

    @Test
    void badValuesAreRefusedNamingWhatIsWrongAndChangeNothing() {
        RawValueStore m = new RawValueStore(CLOCK);
        List<String> told = new ArrayList<>();
        m.listen(new RawValues.Listener() {
            @Override
            public void changed(ThingId thing, String name, RawValue value) {
                told.add(thing + "/" + name);
            }

            @Override
            public void forgotten(ThingId thing) {
                told.add(thing + " forgotten");
            }
        });
        m.put(METER, "state", utf8("on"), TEXT, Origin.REPORT, true);
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> m.put(METER, "state",
                new byte[RawValues.MAX_BYTES + 1], TEXT, Origin.REPORT, true));
        assertEquals("value is 1025 bytes; at most 1024", big.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> m.put(METER, "Bad Name",
                utf8("on"), TEXT, Origin.REPORT, true));
        assertTrue(name.getMessage().startsWith("value name must be"), name.getMessage());
        for (int i = 1; i < RawValues.MAX_VALUES; i++) {
            m.put(METER, "v" + i, utf8("1"), TEXT, Origin.REPORT, true);
        }
        IllegalArgumentException many = assertThrows(IllegalArgumentException.class, () -> m.put(METER,
                "one-too-many", utf8("1"), TEXT, Origin.REPORT, true));
        assertEquals("thing already has 32 values", many.getMessage());
        m.put(METER, "state", utf8("off"), TEXT, Origin.REPORT, true);
        assertEquals(RawValues.MAX_VALUES, m.values(METER).size(), "an existing value may still change");
        assertArrayEquals(utf8("off"), m.get(METER, "state").orElseThrow().bytes());
        assertEquals(RawValues.MAX_VALUES + 1, told.size(), "only the changes made were told");
        m.forget(METER);
        assertEquals(METER + " forgotten", told.get(told.size() - 1));
        assertTrue(m.values(METER).isEmpty());
    }

    @Test
    void valueNames() {
        assertTrue(RawValues.isName("sensors.temp"));
        assertTrue(RawValues.isName("0_a-b"));
        assertTrue(RawValues.isName("a".repeat(64)));
        assertFalse(RawValues.isName("a".repeat(65)));
        assertFalse(RawValues.isName(".hidden"));
        assertFalse(RawValues.isName("Upper"));
        assertFalse(RawValues.isName(""));
        assertFalse(RawValues.isName(null));
    }

    @Test
    void manyWritesCompactAndStillComeBack() throws Exception {
        Path values = dir.resolve("values");
        try (RawValueStore m = RawValueStore.open(values, CLOCK)) {
            for (int i = 0; i < 3000; i++) {
                m.put(METER, "counter", utf8(Integer.toString(i)), TEXT, Origin.REPORT, true);
            }
        }
        try (RawValueStore m = RawValueStore.open(values, CLOCK)) {
            assertArrayEquals(utf8("2999"), m.get(METER, "counter").orElseThrow().bytes());
        }
        long onDisk;
        try (var files = Files.list(values)) {
            onDisk = files.mapToLong(f -> f.toFile().length()).sum();
        }
        assertTrue(onDisk < 200_000, "compacted, not 3000 records long: " + onDisk + " bytes");
    }

    @Test
    void aDamagedStoreIsRefusedAndLeftAsFound() throws Exception {
        Path values = dir.resolve("values");
        try (RawValueStore m = RawValueStore.open(values, CLOCK)) {
            m.put(METER, "setpoint", utf8("20"), TEXT, Origin.REPORT, true);
        }
        Path journal = values.resolve(RawValueStore.STORE_NAME + ".journal");
        byte[] before = Files.readAllBytes(journal);
        byte[] damaged = before.clone();
        damaged[damaged.length - 3] ^= 0x40;
        Files.write(journal, damaged, StandardOpenOption.TRUNCATE_EXISTING);
        assertThrows(StoreException.class, () -> RawValueStore.open(values, CLOCK));
        assertArrayEquals(damaged, Files.readAllBytes(journal));
    }
}
