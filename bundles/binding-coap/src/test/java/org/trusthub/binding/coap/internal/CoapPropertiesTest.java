package org.trusthub.binding.coap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.model.InvalidValueException;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyType;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.coap.testing.CoapTestPeers;
import org.trusthub.binding.coap.testing.TestPolicy;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.model.internal.ModelCore;
import org.trusthub.model.internal.RawValueStore;
import org.trusthub.security.oscore.internal.OscoreComponent;
import org.trusthub.security.transport.dtls.internal.DtlsComponent;
import org.trusthub.testkit.Await;

import com.upokecenter.cbor.CBORObject;

/**
 * A CoAP thing's values in the hub's thing model: the real binding, DTLS provider, keystore, registry and model, and
 * a thing speaking DTLS-PSK on loopback. What the thing writes shows as typed properties; what the model writes
 * reaches the thing in its own format, and its observation is told.
 */
class CoapPropertiesTest {

    @TempDir
    Path dir;
    FileThingKeyStore keys;
    ThingRegistryCore registry;
    CoapBindingComponent binding;
    CoapProperties properties;
    RawValueStore values;
    ModelCore model;
    ThingId meter;
    CoapEndpoint endpoint;
    CoapClient client;
    String base;
    final List<Runnable> cleanup = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keys, LifecycleEventSink.NONE, Clock.systemUTC());
        binding = CoapTestPeers.binding(registry, new DtlsComponent(keys, registry),
                new OscoreComponent(keys, registry), CoapTestPeers.config(), new TestPolicy());
        values = new RawValueStore(Clock.systemUTC());
        binding.bindValues(values);
        properties = new CoapProperties(values);
        model = new ModelCore((topic, p) -> { }, id -> registry.find(id).map(Thing::state), Clock.systemUTC());
        model.attach(properties);
        meter = CoapTestPeers.operational(registry, "meter-1");
        endpoint = CoapTestPeers.pskEndpoint(keys, meter);
        client = CoapTestPeers.client(endpoint);
        base = "coaps://127.0.0.1:" + binding.secureAddress().orElseThrow().getPort() + "/things/meter-1/";
    }

    @AfterEach
    void stop() {
        cleanup.forEach(Runnable::run);
        client.shutdown();
        endpoint.destroy();
        model.close();
        properties.deactivate();
        binding.deactivate();
        registry.close();
        keys.close();
    }

    private ResponseCode put(String name, byte[] payload, int format) throws Exception {
        client.setURI(base + name);
        return client.put(payload, format).getCode();
    }

    private ResponseCode put(String name, String text, int format) throws Exception {
        return put(name, text.getBytes(StandardCharsets.UTF_8), format);
    }

    private Property property(String id) throws Exception {
        return Await.nonNull("property " + id + " with a value", () -> model.model(meter).flatMap(
                m -> m.property(id)).filter(p -> p.value().isPresent()).orElse(null));
    }

    @Test
    void whatTheThingWritesShowsAsTypedProperties() throws Exception {
        assertEquals(ResponseCode.CREATED, put("temperature", "21.5", MediaTypeRegistry.TEXT_PLAIN));
        assertEquals(ResponseCode.CREATED, put("setpoint", "20", MediaTypeRegistry.APPLICATION_JSON));
        assertEquals(ResponseCode.CREATED, put("heating", CBORObject.True.EncodeToBytes(),
                MediaTypeRegistry.APPLICATION_CBOR));
        assertEquals(ResponseCode.CREATED, put("mode", "\"eco\"", MediaTypeRegistry.APPLICATION_JSON));
        assertEquals(ResponseCode.CREATED, put("fw_version", "1.2.3", MediaTypeRegistry.TEXT_PLAIN));
        assertEquals(ResponseCode.CREATED, put("config", "{\"a\": 1}", MediaTypeRegistry.APPLICATION_JSON));

        Property t = property("temperature");
        assertEquals(PropertyType.TEMPERATURE, t.descriptor().type(), "the well-known name keeps its meaning");
        assertEquals(21.5, t.last().value());
        assertEquals(Origin.REPORT, t.last().origin());
        assertEquals(PropertyType.NUMBER, property("setpoint").descriptor().type());
        assertEquals(20.0, property("setpoint").last().value());
        assertEquals(Boolean.TRUE, property("heating").last().value());
        assertEquals("eco", property("mode").last().value());

        ThingModel m = model.model(meter).orElseThrow();
        assertEquals("coap", m.binding());
        assertEquals(List.of("temperature", "setpoint", "heating", "mode"),
                m.properties().stream().map(Property::id).toList(),
                "fw_version (no property id) and an object are not properties, and still values at the hub");
        assertEquals(6, binding.values(meter).size());
    }

    @Test
    void aModelWriteReachesTheThingInItsOwnFormatAndItsObservationIsTold() throws Exception {
        assertEquals(ResponseCode.CREATED, put("setpoint", "20", MediaTypeRegistry.APPLICATION_JSON));
        property("setpoint");
        BlockingQueue<String> told = new LinkedBlockingQueue<>();
        CoapClient observer = CoapTestPeers.client(endpoint);
        observer.setURI(base + "setpoint");
        CoapObserveRelation relation = observer.observe(new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                told.add(response.getResponseText());
            }

            @Override
            public void onError() {
                told.add("error");
            }
        });
        cleanup.add(relation::proactiveCancel);
        assertEquals("20", told.poll(3, TimeUnit.SECONDS), "the observation's first answer");

        Property written = model.writeText(meter, "setpoint", "22.5");
        assertEquals(22.5, written.last().value());
        assertEquals(Origin.WRITE, written.last().origin());
        assertEquals("22.5", told.poll(3, TimeUnit.SECONDS), "the thing is told over its DTLS session");
        client.setURI(base + "setpoint");
        CoapResponse read = client.get();
        assertEquals("22.5", read.getResponseText());
        assertEquals(MediaTypeRegistry.APPLICATION_JSON, read.getOptions().getContentFormat());

        InvalidValueException bad = assertThrows(InvalidValueException.class,
                () -> model.writeText(meter, "setpoint", "warm"));
        assertTrue(bad.getMessage().contains("number"), bad.getMessage());
        assertEquals("22.5", client.get().getResponseText(), "a refused write reaches no thing");
        assertTrue(told.isEmpty(), "and tells no observer");

        assertEquals(ResponseCode.CREATED, put("mode", CBORObject.FromObject("eco").EncodeToBytes(),
                MediaTypeRegistry.APPLICATION_CBOR));
        property("mode");
        model.writeText(meter, "mode", "away");
        client.setURI(base + "mode");
        assertEquals("away", CBORObject.DecodeFromBytes(client.get().getPayload()).AsString());
    }

    @Test
    void aValueThatChangesTypeIsDescribedAgain() throws Exception {
        assertEquals(ResponseCode.CREATED, put("state", "1", MediaTypeRegistry.TEXT_PLAIN));
        assertEquals(PropertyType.NUMBER, property("state").descriptor().type());
        assertEquals(ResponseCode.CHANGED, put("state", "idle", MediaTypeRegistry.TEXT_PLAIN));
        Property p = Await.nonNull("state described again as STRING", () -> model.model(meter).flatMap(
                m -> m.property("state")).filter(x -> x.descriptor().type() == PropertyType.STRING
                        && x.value().isPresent()).orElse(null));
        assertEquals("idle", p.last().value());
        assertEquals(1, model.model(meter).orElseThrow().properties().size());
    }
}
