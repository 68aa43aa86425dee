package org.trusthub.model.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.RawValue;
import org.trusthub.api.thing.ThingId;
import org.trusthub.storage.StoreException;

/**
 * A hub upgraded from the release where the CoAP binding kept its own value store keeps what its things wrote: the
 * store below (test resource {@code old-coap-values/}) was written by that release's binding code. meter-1 wrote
 * {@code setpoint} (JSON) and the hub set its {@code mode} twice; lamp-1 wrote {@code state} (then read back from the
 * thing, so dropped) and {@code level} (CBOR); valve-2's values were forgotten.
 */
class CoapValuesImportTest {

    static final ThingId METER = ThingId.of("meter-1");
    static final ThingId LAMP = ThingId.of("lamp-1");

    @TempDir
    Path dir;

    private Path oldStore() throws IOException {
        Path coap = dir.resolve("coap");
        Files.createDirectories(coap);
        for (String file : List.of("coap-values.journal")) {
            try (InputStream in = getClass().getResourceAsStream("old-coap-values/" + file)) {
                Files.copy(in, coap.resolve(file));
            }
        }
        return coap;
    }

    @Test
    void theOldStoresValuesAreTakenOverOnceAndSurviveTheNextRestart() throws Exception {
        Path coap = oldStore();
        Path model = dir.resolve("model");
        try (RawValueStore values = RawValueStore.open(model, Clock.systemUTC())) {
            assertEquals(3, CoapValuesImport.run(coap, values));
            assertEquals(Set.of(METER, LAMP), values.things());
            RawValue setpoint = values.get(METER, "setpoint").orElseThrow();
            assertArrayEquals("20".getBytes(StandardCharsets.UTF_8), setpoint.bytes());
            assertEquals(50, setpoint.format());
            assertEquals(Origin.REPORT, setpoint.origin(), "the thing wrote it");
            assertTrue(setpoint.held());
            assertTrue(setpoint.changed().isBefore(Instant.now()));
            RawValue mode = values.get(METER, "mode").orElseThrow();
            assertEquals("away", new String(mode.bytes(), StandardCharsets.UTF_8));
            assertEquals(Origin.WRITE, mode.origin(), "the hub set it");
            assertEquals(List.of("level"), List.copyOf(values.values(LAMP).keySet()));
            assertArrayEquals(new byte[] {0x18, 0x2a}, values.get(LAMP, "level").orElseThrow().bytes());
            assertEquals(60, values.get(LAMP, "level").orElseThrow().format());
        }
        assertFalse(Files.exists(coap.resolve("coap-values.journal")), "taken once");
        assertTrue(Files.exists(coap.resolve("coap-values.journal.imported")), "and kept aside");
        try (RawValueStore values = RawValueStore.open(model, Clock.systemUTC())) {
            assertEquals(0, CoapValuesImport.run(coap, values), "nothing left to take");
            assertEquals(Set.of("mode", "setpoint"), values.values(METER).keySet(), "on the model's own disk");
        }
    }

    @Test
    void valuesWrittenSinceWinOverAnImportRunAgain() throws Exception {
        Path coap = oldStore();
        try (RawValueStore values = RawValueStore.open(dir.resolve("model"), Clock.systemUTC())) {
            values.put(METER, "setpoint", "23".getBytes(StandardCharsets.UTF_8), 0, Origin.REPORT, true);
            assertEquals(2, CoapValuesImport.run(coap, values));
            assertEquals("23", new String(values.get(METER, "setpoint").orElseThrow().bytes(),
                    StandardCharsets.UTF_8));
        }
    }

    @Test
    void aDamagedOldStoreStopsTheModelAndIsLeftAsFound() throws Exception {
        Path coap = oldStore();
        Path journal = coap.resolve("coap-values.journal");
        byte[] damaged = Files.readAllBytes(journal);
        damaged[damaged.length - 3] ^= 0x40;
        Files.write(journal, damaged, StandardOpenOption.TRUNCATE_EXISTING);
        try (RawValueStore values = RawValueStore.open(dir.resolve("model"), Clock.systemUTC())) {
            assertThrows(StoreException.class, () -> CoapValuesImport.run(coap, values));
            assertTrue(values.things().isEmpty(), "nothing taken");
        }
        assertArrayEquals(damaged, Files.readAllBytes(journal));
    }

    @Test
    void noOldStoreNothingToDo() throws Exception {
        try (RawValueStore values = RawValueStore.open(dir.resolve("model"), Clock.systemUTC())) {
            assertEquals(0, CoapValuesImport.run(dir.resolve("coap"), values));
            assertEquals(0, CoapValuesImport.run(null, values));
        }
        assertFalse(Files.exists(dir.resolve("coap")), "no directory made for it");
    }
}
