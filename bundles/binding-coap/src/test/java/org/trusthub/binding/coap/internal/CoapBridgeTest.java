package org.trusthub.binding.coap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.util.Bytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.coap.testing.CoapTestPeers;
import org.trusthub.binding.coap.testing.RecordingRefusals;
import org.trusthub.binding.coap.testing.TestPolicy;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.model.internal.ModelCore;
import org.trusthub.model.internal.RawValueStore;
import org.trusthub.security.oscore.internal.OscoreComponent;
import org.trusthub.security.transport.dtls.internal.DtlsComponent;

import com.upokecenter.cbor.CBORObject;

/**
 * Things of other bindings as CoAP resources, through the hub's thing model only: the real binding, DTLS and OSCORE
 * providers, keystore, registry and model, a lamp and a thermometer published by stand-in bindings (a "zigbee" and a
 * "bluetooth" {@link PropertyProvider}), and CoAP things calling over DTLS-PSK and OSCORE on loopback.
 */
class CoapBridgeTest {

    static final String LAMP_ID = "zigbee:00124b0000000b02";
    static final String THERMO_ID = "ble:sim-thermo-1";

    @TempDir
    Path dir;
    FileThingKeyStore keys;
    ThingRegistryCore registry;
    CoapBindingComponent binding;
    OscoreComponent oscore;
    RawValueStore values;
    ModelCore model;
    TestPolicy policy = new TestPolicy();
    RecordingRefusals refusals = new RecordingRefusals();
    StandIn zigbee = new StandIn("zigbee");
    StandIn bluetooth = new StandIn("bluetooth");
    ThingId caller;
    ThingId lamp;
    ThingId thermo;
    final List<Runnable> cleanup = new ArrayList<>();

    /** A binding's side of the model as ZigBee's or Bluetooth's is: it describes things and carries out writes. */
    static final class StandIn implements PropertyProvider {
        final String binding;
        final List<String> writes = new CopyOnWriteArrayList<>();
        /** Each write waits for it: a device that takes its time to confirm. */
        volatile CountDownLatch confirm = new CountDownLatch(0);
        volatile PropertySink sink;
        /** When set, writes fail with this text, as a binding's own failure would say it. */
        volatile String failure;

        StandIn(String binding) {
            this.binding = binding;
        }

        @Override
        public String binding() {
            return binding;
        }

        @Override
        public boolean isSimulated() {
            return true;
        }

        @Override
        public void attach(PropertySink s) {
            sink = s;
        }

        @Override
        public void detach(PropertySink s) {
            sink = null;
        }

        @Override
        public void write(ThingId thing, PropertyDescriptor property, Object value) {
            writes.add(thing.value() + " " + property.id() + "=" + value);
            if (failure != null) {
                throw new PropertyWriteException(thing, property.id(), failure);
            }
            try {
                confirm.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PropertyWriteException(thing, property.id(), "interrupted");
            }
            // the device confirms and the binding reads it back
            sink.update(thing, property.id(), value, Origin.READ);
        }
    }

    @BeforeEach
    void start() throws Exception {
        keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keys, LifecycleEventSink.NONE, Clock.systemUTC());
        oscore = new OscoreComponent(keys, registry);
        binding = CoapTestPeers.binding(registry, new DtlsComponent(keys, registry), oscore, CoapTestPeers.config(),
                policy);
        binding.bindRefusals(refusals);
        values = new RawValueStore(Clock.systemUTC());
        binding.bindValues(values);
        // EventAdmin, as the model posts its changes in OSGi
        model = new ModelCore((topic, p) -> binding.handleEvent(new Event(topic, p)),
                id -> registry.find(id).map(Thing::state), Clock.systemUTC());
        binding.bindModel(model);
        model.attach(zigbee);
        model.attach(bluetooth);
        caller = CoapTestPeers.operational(registry, "thermostat-1");
        lamp = CoapTestPeers.operational(registry, LAMP_ID);
        thermo = CoapTestPeers.operational(registry, THERMO_ID);
        zigbee.sink.describe(lamp, List.of(PropertyDescriptor.onOff(), PropertyDescriptor.level()));
        zigbee.sink.update(lamp, "on", false, Origin.REPORT);
        zigbee.sink.update(lamp, "level", 40, Origin.REPORT);
        bluetooth.sink.describe(thermo, List.of(PropertyDescriptor.temperature()));
        bluetooth.sink.update(thermo, "temperature", 21.5, Origin.REPORT);
    }

    @AfterEach
    void stop() {
        cleanup.forEach(Runnable::run);
        model.close();
        binding.deactivate();
        registry.close();
        keys.close();
    }

    private String secure(String path) {
        return "coaps://127.0.0.1:" + binding.secureAddress().orElseThrow().getPort() + path;
    }

    private CoapClient dtlsClient(ThingId thing) {
        CoapEndpoint endpoint = CoapTestPeers.pskEndpoint(keys, thing);
        CoapClient client = CoapTestPeers.client(endpoint);
        cleanup.add(() -> {
            client.shutdown();
            endpoint.destroy();
        });
        return client;
    }

    private CoapResponse get(CoapClient client, String path) throws Exception {
        client.setURI(secure(path));
        CoapResponse r = client.get();
        assertNotNull(r, "the hub answered GET " + path);
        return r;
    }

    private CoapResponse put(CoapClient client, String path, String payload, int format) throws Exception {
        client.setURI(secure(path));
        CoapResponse r = client.put(payload.getBytes(StandardCharsets.UTF_8), format);
        assertNotNull(r, "the hub answered PUT " + path);
        return r;
    }

    @Test
    void aGrantedThingReadsAndWritesAZigbeeLampAndReadsABleThermometerThroughTheModel() throws Exception {
        policy.grantRead(caller, lamp, "*").grantWrite(caller, lamp, "on").grantWrite(caller, lamp, "level")
                .grantRead(caller, thermo, "temperature");
        CoapClient client = dtlsClient(caller);

        CoapResponse on = get(client, "/things/" + LAMP_ID + "/on");
        assertEquals(ResponseCode.CONTENT, on.getCode());
        assertEquals("false", on.getResponseText());
        assertEquals(MediaTypeRegistry.TEXT_PLAIN, on.getOptions().getContentFormat());
        assertEquals("21.5", get(client, "/things/" + THERMO_ID + "/temperature").getResponseText());

        assertEquals(ResponseCode.CHANGED, put(client, "/things/" + LAMP_ID + "/on", "true",
                MediaTypeRegistry.TEXT_PLAIN).getCode());
        assertEquals(ResponseCode.CHANGED, put(client, "/things/" + LAMP_ID + "/level", "60",
                MediaTypeRegistry.APPLICATION_JSON).getCode());
        assertEquals(List.of(LAMP_ID + " on=true", LAMP_ID + " level=60"), zigbee.writes,
                "each write reached the lamp's binding through the model, in the property's type");
        assertEquals(true, model.model(lamp).orElseThrow().property("on").orElseThrow().last().value());

        client.setURI(secure("/things/" + LAMP_ID + "/level"));
        CoapResponse cbor = client.get(MediaTypeRegistry.APPLICATION_CBOR);
        assertEquals(MediaTypeRegistry.APPLICATION_CBOR, cbor.getOptions().getContentFormat());
        assertEquals(60, CBORObject.DecodeFromBytes(cbor.getPayload()).AsInt32());

        CoapResponse links = get(client, "/things/" + LAMP_ID);
        assertEquals(MediaTypeRegistry.APPLICATION_LINK_FORMAT, links.getOptions().getContentFormat());
        assertTrue(links.getResponseText().contains("</things/" + LAMP_ID + "/level>;rt=\"trusthub.level\""),
                links.getResponseText());
    }

    /** Sends {@code count} PUTs of the lamp's level (from {@code first} up), each its own client; answers by code. */
    private void putLevels(BlockingQueue<String> answers, int first, int count) {
        CoapHandler handler = new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                answers.add(response.getCode().name());
            }

            @Override
            public void onError() {
                answers.add("error");
            }
        };
        for (int i = 0; i < count; i++) {
            CoapClient w = dtlsClient(caller);
            w.setURI(secure("/things/" + LAMP_ID + "/level"));
            w.put(handler, Integer.toString(first + i), MediaTypeRegistry.TEXT_PLAIN);
        }
    }

    @Test
    void writesWaitingForTheirThingsHoldUpNoOtherRequest() throws Exception {
        policy.grantWrite(caller, lamp, "*");
        zigbee.confirm = new CountDownLatch(1);
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        putLevels(answers, 10, 3);
        org.trusthub.testkit.Await.until("two writes waiting at the lamp", () -> zigbee.writes.size() >= 2);
        try {
            // more writes than the CoAP server has threads wait for the lamp: the hub still answers
            CoapResponse hub = get(dtlsClient(caller), "/hub");
            assertEquals("trusthub: thermostat-1 via dtls-psk", hub.getResponseText());
            assertTrue(answers.isEmpty(), "no write answered before its thing confirmed: " + answers);
        } finally {
            zigbee.confirm.countDown();
        }
        for (int i = 0; i < 3; i++) {
            assertEquals("CHANGED", answers.poll(CoapTestPeers.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void beyondTheWritesThatMayWaitAWriteIsRefusedAtOnceAndReachesNoThing() throws Exception {
        policy.grantWrite(caller, lamp, "*");
        zigbee.confirm = new CountDownLatch(1);
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        int held = BridgedWrites.THREADS + BridgedWrites.WAITING;
        try {
            putLevels(answers, 0, held + 1);
            assertEquals("SERVICE_UNAVAILABLE", answers.poll(CoapTestPeers.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS),
                    "the one write too many; at the lamp: " + zigbee.writes.size() + ", answers " + answers);
            assertEquals(BridgedWrites.THREADS, zigbee.writes.size(), "only the running writes reached the lamp");
        } finally {
            zigbee.confirm.countDown();
        }
        for (int i = 0; i < held; i++) {
            assertEquals("CHANGED", answers.poll(CoapTestPeers.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        }
        assertEquals(held, zigbee.writes.size());
    }

    @Test
    void badWritesAreRefusedAndReachNoThing() throws Exception {
        policy.grantRead(caller, lamp, "*").grantWrite(caller, lamp, "*").grantWrite(caller, thermo, "*");
        CoapClient client = dtlsClient(caller);
        assertEquals(ResponseCode.BAD_REQUEST, put(client, "/things/" + LAMP_ID + "/level", "140",
                MediaTypeRegistry.TEXT_PLAIN).getCode());
        assertEquals(ResponseCode.BAD_REQUEST, put(client, "/things/" + LAMP_ID + "/on", "{\"a\":1}",
                MediaTypeRegistry.APPLICATION_JSON).getCode());
        assertEquals(ResponseCode.METHOD_NOT_ALLOWED, put(client, "/things/" + THERMO_ID + "/temperature", "30",
                MediaTypeRegistry.TEXT_PLAIN).getCode());
        assertEquals(ResponseCode.NOT_FOUND, get(client, "/things/" + LAMP_ID + "/colour").getCode());
        assertEquals(List.of(), zigbee.writes);
        assertEquals(List.of(), bluetooth.writes);
    }

    @Test
    void anObserverIsToldOfEveryModelChangeAndWhenTheThingGoesUnavailable() throws Exception {
        policy.grantRead(caller, thermo, "temperature");
        CoapClient client = dtlsClient(caller);
        BlockingQueue<String> told = new LinkedBlockingQueue<>();
        client.setURI(secure("/things/" + THERMO_ID + "/temperature"));
        CoapObserveRelation relation = client.observe(new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                told.add(response.getCode().name() + " " + response.getResponseText());
            }

            @Override
            public void onError() {
                told.add("error");
            }
        });
        cleanup.add(relation::proactiveCancel);
        assertEquals("CONTENT 21.5", told.poll(CoapTestPeers.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        bluetooth.sink.update(thermo, "temperature", 22.0, Origin.REPORT);
        assertEquals("CONTENT 22", told.poll(CoapTestPeers.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));

        // unavailable: the last value may no longer hold
        bluetooth.sink.unavailable(thermo);
        assertEquals("SERVICE_UNAVAILABLE the thing is unavailable",
                told.poll(CoapTestPeers.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
    }

    @Test
    void aNotificationIsAuthorizedAgain() throws Exception {
        policy.grantRead(caller, thermo, "temperature");
        CoapClient client = dtlsClient(caller);
        BlockingQueue<String> told = new LinkedBlockingQueue<>();
        client.setURI(secure("/things/" + THERMO_ID + "/temperature"));
        CoapObserveRelation relation = client.observe(new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                told.add(response.getCode().name() + " " + response.getResponseText());
            }

            @Override
            public void onError() {
                told.add("error");
            }
        });
        cleanup.add(relation::proactiveCancel);
        assertEquals("CONTENT 21.5", told.poll(CoapTestPeers.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        policy.requireInbound(thermo, Protection.confidentiality().endToEnd());
        bluetooth.sink.update(thermo, "temperature", 23.5, Origin.REPORT);
        String next = told.poll(CoapTestPeers.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        assertTrue(next != null && next.startsWith("FORBIDDEN"), "the raised requirement holds: " + next);
    }

    @Test
    void withoutAGrantACallerGetsForbiddenCountedAndNothingReachesTheTarget() throws Exception {
        CoapClient client = dtlsClient(caller);
        assertEquals(ResponseCode.FORBIDDEN, get(client, "/things/" + LAMP_ID + "/on").getCode());
        assertEquals(ResponseCode.FORBIDDEN, put(client, "/things/" + LAMP_ID + "/on", "true",
                MediaTypeRegistry.TEXT_PLAIN).getCode());
        policy.grantRead(caller, lamp, "on");
        assertEquals(ResponseCode.FORBIDDEN, put(client, "/things/" + LAMP_ID + "/on", "true",
                MediaTypeRegistry.TEXT_PLAIN).getCode(), "a read grant lets no one write");
        assertEquals(ResponseCode.FORBIDDEN, get(client, "/things/" + LAMP_ID + "/level").getCode(),
                "a grant names its properties");
        assertEquals(List.of(), zigbee.writes, "nothing reached the lamp");
        assertEquals(false, model.model(lamp).orElseThrow().property("on").orElseThrow().last().value());
        assertEquals(4, refusals.reported.stream().filter("thermostat-1 TRANSPORT dtls-psk POLICY"::equals).count(),
                refusals.reported.toString());
    }

    @Test
    void theResourceDirectoryListsWhatTheCallerMayReadWithItsTypes() throws Exception {
        policy.grantRead(caller, lamp, "on").grantRead(caller, thermo, "temperature");
        CoapClient client = dtlsClient(caller);
        String links = get(client, "/rd-lookup/res").getResponseText();
        String hub = "anchor=\"coaps://127.0.0.1:" + binding.secureAddress().orElseThrow().getPort() + "\"";
        assertTrue(links.contains("</things/" + LAMP_ID + "/on>;rt=\"trusthub.switch\";if=\"core.a\";ct=\"0 50 60\";obs;"
                + hub), links);
        assertTrue(links.contains("</things/" + THERMO_ID + "/temperature>;rt=\"trusthub.temperature\";if=\"core.s\";"
                + "ct=\"0 50 60\";obs;" + hub), links);
        assertFalse(links.contains("/level>"), "what the caller may not read is not listed: " + links);
    }

    @Test
    void aValueIsNeverServedOverLessProtectionThanThePolicyRequiresOfIt() throws Exception {
        // The lamp's values must reach the hub confidential end to end (ZigBee APS): DTLS is hop by hop.
        policy.grantRead(caller, lamp, "on").grantWrite(caller, lamp, "on")
                .requireInbound(lamp, Protection.confidentiality().endToEnd());
        CoapClient dtls = dtlsClient(caller);
        CoapResponse refused = get(dtls, "/things/" + LAMP_ID + "/on");
        assertEquals(ResponseCode.FORBIDDEN, refused.getCode());
        assertTrue(refused.getResponseText().contains("confidentiality/end-to-end"), refused.getResponseText());
        assertEquals(ResponseCode.FORBIDDEN, put(dtls, "/things/" + LAMP_ID + "/on", "true",
                MediaTypeRegistry.TEXT_PLAIN).getCode());
        assertEquals(List.of(), zigbee.writes);
        assertEquals(2, refusals.reported.stream().filter("thermostat-1 TRANSPORT dtls-psk POLICY"::equals).count(),
                refusals.reported.toString());
        assertFalse(get(dtls, "/rd-lookup/res").getResponseText().contains(LAMP_ID), "nor listed");

        // OSCORE is end to end between the caller and the hub: served.
        String plain = "coap://127.0.0.1:" + binding.plainAddress().orElseThrow().getPort();
        CoapEndpoint endpoint = CoapTestPeers.oscoreEndpoint(keys, caller, plain);
        CoapClient client = CoapTestPeers.client(endpoint);
        cleanup.add(() -> {
            client.shutdown();
            endpoint.destroy();
        });
        Request request = Request.newGet();
        request.setURI(plain + "/things/" + LAMP_ID + "/on");
        request.getOptions().setOscore(Bytes.EMPTY);
        CoapResponse served = client.advanced(request);
        assertNotNull(served);
        assertEquals(ResponseCode.CONTENT, served.getCode(), served.getResponseText());
        assertEquals("false", served.getResponseText());
    }

    @Test
    void aValueThatCameUnderLessThanThePolicyNowRequiresIsNotServedEvenOverOscore() throws Exception {
        policy.grantRead(caller, lamp, "on");
        // NWK-secured only (hop by hop), then the policy is raised to APS (end to end)
        zigbee.sink.update(lamp, "on", true, Origin.REPORT, Protection.confidentiality());
        policy.requireInbound(lamp, Protection.confidentiality().endToEnd());
        String plain = "coap://127.0.0.1:" + binding.plainAddress().orElseThrow().getPort();
        CoapEndpoint endpoint = CoapTestPeers.oscoreEndpoint(keys, caller, plain);
        CoapClient client = CoapTestPeers.client(endpoint);
        cleanup.add(() -> {
            client.shutdown();
            endpoint.destroy();
        });
        CoapResponse refused = oscoreGet(client, plain + "/things/" + LAMP_ID + "/on");
        assertEquals(ResponseCode.FORBIDDEN, refused.getCode());
        assertTrue(refused.getResponseText().contains("came under confidentiality"), refused.getResponseText());
        assertTrue(refusals.reported.contains("thermostat-1 APPLICATION oscore POLICY"), refusals.reported.toString());

        // an APS-secured frame brings it again under enough
        zigbee.sink.update(lamp, "on", false, Origin.REPORT, Protection.confidentiality().endToEnd());
        CoapResponse served = oscoreGet(client, plain + "/things/" + LAMP_ID + "/on");
        assertEquals(ResponseCode.CONTENT, served.getCode(), served.getResponseText());
        assertEquals("false", served.getResponseText());
    }

    private static CoapResponse oscoreGet(CoapClient client, String uri) throws Exception {
        Request request = Request.newGet();
        request.setURI(uri);
        request.getOptions().setOscore(Bytes.EMPTY);
        CoapResponse r = client.advanced(request);
        assertNotNull(r, "the hub answered GET " + uri);
        return r;
    }

    @Test
    void aCoapThingsOwnValuesStayItsRawValues() throws Exception {
        CoapClient client = dtlsClient(caller);
        assertEquals(ResponseCode.CREATED, put(client, "/things/thermostat-1/setpoint", "20",
                MediaTypeRegistry.APPLICATION_JSON).getCode());
        CoapResponse r = get(client, "/things/thermostat-1/setpoint");
        assertEquals("20", r.getResponseText());
        assertEquals(MediaTypeRegistry.APPLICATION_JSON, r.getOptions().getContentFormat());
    }

    @Test
    void anotherCoapThingsValuesAreNeverServedOverLessThanThePolicyRequiresOfThemEither() throws Exception {
        ThingId window = CoapTestPeers.operational(registry, "window-1");
        assertEquals(ResponseCode.CREATED, put(dtlsClient(window), "/things/window-1/open", "true",
                MediaTypeRegistry.TEXT_PLAIN).getCode());
        policy.grantRead(caller, window, "open");
        CoapClient dtls = dtlsClient(caller);
        assertEquals("true", get(dtls, "/things/window-1/open").getResponseText());
        // from now on the window's own messages must be OSCORE: what it keeps at the hub leaves no weaker
        policy.requireInbound(window, Protection.confidentiality().endToEnd());
        assertEquals(ResponseCode.FORBIDDEN, get(dtls, "/things/window-1/open").getCode());
        assertTrue(refusals.reported.contains("thermostat-1 TRANSPORT dtls-psk POLICY"), refusals.reported.toString());
        String plain = "coap://127.0.0.1:" + binding.plainAddress().orElseThrow().getPort();
        CoapEndpoint endpoint = CoapTestPeers.oscoreEndpoint(keys, caller, plain);
        CoapClient oscoreClient = CoapTestPeers.client(endpoint);
        cleanup.add(() -> {
            oscoreClient.shutdown();
            endpoint.destroy();
        });
        assertEquals("true", oscoreGet(oscoreClient, plain + "/things/window-1/open").getResponseText());
    }

    @Test
    void withoutTheModelAnotherBindingsThingIsNotFound() throws Exception {
        policy.grantRead(caller, lamp, "on");
        binding.unbindModel(model);
        assertEquals(ResponseCode.NOT_FOUND, get(dtlsClient(caller), "/things/" + LAMP_ID + "/on").getCode());
    }

    @Test
    void aWriteGrantDoesNotTurnAnotherBindingsThingNotYetInTheModelIntoACoapThing() throws Exception {
        ThingId sensor = CoapTestPeers.operational(registry, "zigbee:00124b0000000c03");
        policy.grantWrite(caller, sensor, "level");
        CoapResponse r = put(dtlsClient(caller), "/things/" + sensor.value() + "/level", "99",
                MediaTypeRegistry.TEXT_PLAIN);
        assertEquals(ResponseCode.NOT_FOUND, r.getCode());
        assertTrue(values.values(sensor).isEmpty(), "nothing stored as the sensor's report");
        zigbee.sink.describe(sensor, List.of(PropertyDescriptor.level()));
        assertEquals("zigbee", model.model(sensor).orElseThrow().binding(), "its own binding still describes it");
    }

    @Test
    void aWriteThatWaitedIsCheckedAgainBeforeItReachesTheThing() throws Exception {
        policy.grantWrite(caller, lamp, "*");
        zigbee.confirm = new CountDownLatch(1);
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        // two writes hold the two writer threads at the lamp; the third waits in line
        putLevels(answers, 10, 3);
        org.trusthub.testkit.Await.until("two writes waiting at the lamp", () -> zigbee.writes.size() >= 2);
        policy.revokeWrite(caller, lamp, "*");
        zigbee.confirm.countDown();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            got.add(answers.poll(CoapTestPeers.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        }
        got.sort(null);
        assertEquals(List.of("CHANGED", "CHANGED", "FORBIDDEN"), got);
        assertEquals(2, zigbee.writes.size(), "the write that waited never reached the lamp: " + zigbee.writes);
    }

    @Test
    void aBindingsOwnFailureTextStaysAtTheHub() throws Exception {
        policy.grantWrite(caller, lamp, "*");
        zigbee.failure = "broker at 10.0.0.5 refused TLS: certificate for internal-ca";
        CoapResponse r = put(dtlsClient(caller), "/things/" + LAMP_ID + "/level", "30", MediaTypeRegistry.TEXT_PLAIN);
        assertEquals(ResponseCode.SERVICE_UNAVAILABLE, r.getCode());
        assertFalse(r.getResponseText().contains("10.0.0.5") || r.getResponseText().contains("internal-ca"),
                r.getResponseText());
        assertTrue(r.getResponseText().contains(LAMP_ID), r.getResponseText());
    }
}
