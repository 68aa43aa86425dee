package org.trusthub.binding.coap.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.coap.testing.CoapTestPeers;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.oscore.internal.OscoreComponent;
import org.trusthub.security.transport.dtls.internal.DtlsComponent;
import org.trusthub.storage.StoreException;

/**
 * What the hub holds for its CoAP things survives a restart: the values a thing wrote and the values the hub set, not
 * the values read or observed from the thing (its own state, read again when needed).
 */
class ThingValuesStoreTest {

    static final ThingId METER = ThingId.of("meter-1");

    @TempDir
    Path dir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writtenAndHubValuesComeBackReadOnesDoNot() throws Exception {
        Path values = dir.resolve("values");
        try (ThingModel m = ThingModel.open(values)) {
            assertTrue(m.put(METER, "setpoint", utf8("20"), MediaTypeRegistry.APPLICATION_JSON, "written"));
            m.put(METER, "mode", utf8("eco"), MediaTypeRegistry.TEXT_PLAIN, ThingModel.HUB);
            m.put(METER, "temperature", utf8("21.5"), MediaTypeRegistry.TEXT_PLAIN, "observed");
            m.put(METER, "mode", utf8("away"), MediaTypeRegistry.TEXT_PLAIN, ThingModel.HUB);
            m.put(ThingId.of("valve-2"), "state", utf8("open"), MediaTypeRegistry.TEXT_PLAIN, "written");
        }
        try (ThingModel m = ThingModel.open(values)) {
            assertEquals(List.of("mode", "setpoint"), List.copyOf(m.all(METER).keySet()));
            ThingModel.Value setpoint = m.get(METER, "setpoint").orElseThrow();
            assertArrayEquals(utf8("20"), setpoint.bytes());
            assertEquals(MediaTypeRegistry.APPLICATION_JSON, setpoint.contentFormat());
            assertEquals("written", setpoint.source());
            assertArrayEquals(utf8("away"), m.get(METER, "mode").orElseThrow().bytes(), "the last one set");

            // A value read from the thing replaces a kept one: the kept one must not come back after a restart.
            m.put(METER, "setpoint", utf8("19"), MediaTypeRegistry.APPLICATION_JSON, "read");
            m.forget(ThingId.of("valve-2"));
        }
        try (ThingModel m = ThingModel.open(values)) {
            assertEquals(List.of("mode"), List.copyOf(m.all(METER).keySet()));
            assertTrue(m.things().equals(java.util.Set.of(METER)), "the forgotten thing stays forgotten");
        }
    }

    @Test
    void manyWritesCompactAndStillComeBack() throws Exception {
        Path values = dir.resolve("values");
        try (ThingModel m = ThingModel.open(values)) {
            for (int i = 0; i < 3000; i++) {
                m.put(METER, "counter", utf8(Integer.toString(i)), MediaTypeRegistry.TEXT_PLAIN, "written");
            }
        }
        try (ThingModel m = ThingModel.open(values)) {
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
        try (ThingModel m = ThingModel.open(values)) {
            m.put(METER, "setpoint", utf8("20"), MediaTypeRegistry.TEXT_PLAIN, "written");
        }
        Path journal = values.resolve("coap-values.journal");
        byte[] before = Files.readAllBytes(journal);
        byte[] damaged = before.clone();
        damaged[damaged.length - 3] ^= 0x40;
        Files.write(journal, damaged, StandardOpenOption.TRUNCATE_EXISTING);
        assertThrows(StoreException.class, () -> ThingModel.open(values));
        assertArrayEquals(damaged, Files.readAllBytes(journal));
    }

    @Test
    void theBindingServesWhatAThingWroteBeforeTheHubRestarted() throws Exception {
        Path values = dir.resolve("values");
        try (FileThingKeyStore keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
                ThingRegistryCore registry = new ThingRegistryCore(dir.resolve("registry"), keys,
                        LifecycleEventSink.NONE, Clock.systemUTC())) {
            CoapTestPeers.operational(registry, METER.value());
            CoapBindingComponent first = binding(keys, registry, values);
            try {
                assertEquals(ResponseCode.CREATED, exchange(keys, first, c -> c.put(utf8("21"),
                        MediaTypeRegistry.APPLICATION_JSON)).getCode());
            } finally {
                first.deactivate();
            }
            CoapBindingComponent second = binding(keys, registry, values);
            try {
                CoapResponse r = exchange(keys, second, CoapClient::get);
                assertEquals(ResponseCode.CONTENT, r.getCode());
                assertEquals("21", r.getResponseText());
                assertEquals(MediaTypeRegistry.APPLICATION_JSON, r.getOptions().getContentFormat());
            } finally {
                second.deactivate();
            }
        }
    }

    private static CoapBindingComponent binding(FileThingKeyStore keys, ThingRegistryCore registry, Path values)
            throws Exception {
        return new CoapBindingComponent(registry, new DtlsComponent(keys, registry),
                new OscoreComponent(keys, registry), CoapTestPeers.config(), values);
    }

    private interface Call {
        CoapResponse on(CoapClient client) throws Exception;
    }

    private static CoapResponse exchange(FileThingKeyStore keys, CoapBindingComponent binding, Call call)
            throws Exception {
        CoapEndpoint endpoint = CoapTestPeers.pskEndpoint(keys, METER);
        CoapClient client = CoapTestPeers.client(endpoint);
        try {
            client.setURI("coaps://127.0.0.1:" + binding.secureAddress().orElseThrow().getPort()
                    + "/things/meter-1/setpoint");
            CoapResponse r = call.on(client);
            assertTrue(r != null, "the hub answered");
            return r;
        } finally {
            client.shutdown();
            endpoint.destroy();
        }
    }
}
