package org.trusthub.binding.coap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.coap.testing.CoapTestPeers;
import org.trusthub.binding.coap.testing.TestPolicy;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.model.internal.RawValueStore;
import org.trusthub.security.oscore.internal.OscoreComponent;
import org.trusthub.security.transport.dtls.internal.DtlsComponent;

/**
 * What a CoAP thing writes to the hub is held by the thing model and served again after a restart of the hub (the
 * model's store itself is tested in the model bundle).
 */
class CoapHeldValuesTest {

    static final ThingId METER = ThingId.of("meter-1");

    @TempDir
    Path dir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theBindingServesWhatAThingWroteBeforeTheHubRestarted() throws Exception {
        Path values = dir.resolve("values");
        try (FileThingKeyStore keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
                ThingRegistryCore registry = new ThingRegistryCore(dir.resolve("registry"), keys,
                        LifecycleEventSink.NONE, Clock.systemUTC())) {
            CoapTestPeers.operational(registry, METER.value());
            try (RawValueStore model = RawValueStore.open(values, Clock.systemUTC())) {
                CoapBindingComponent first = binding(keys, registry, model);
                try {
                    assertEquals(ResponseCode.CREATED, exchange(keys, first, c -> c.put(utf8("21"),
                            MediaTypeRegistry.APPLICATION_JSON)).getCode());
                } finally {
                    first.deactivate();
                }
            }
            try (RawValueStore model = RawValueStore.open(values, Clock.systemUTC())) {
                CoapBindingComponent second = binding(keys, registry, model);
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
    }

    private static CoapBindingComponent binding(FileThingKeyStore keys, ThingRegistryCore registry,
            RawValueStore values) throws Exception {
        CoapBindingComponent binding = CoapTestPeers.binding(registry, new DtlsComponent(keys, registry),
                new OscoreComponent(keys, registry), CoapTestPeers.config(), new TestPolicy());
        binding.bindValues(values);
        return binding;
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
