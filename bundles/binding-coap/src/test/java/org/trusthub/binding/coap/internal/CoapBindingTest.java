package org.trusthub.binding.coap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.cose.AlgorithmID;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.util.Bytes;
import org.eclipse.californium.oscore.HashMapCtxDB;
import org.eclipse.californium.oscore.OSCoreCoapStackFactory;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.model.RawValues;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.coap.testing.CoapTestPeers;
import org.trusthub.binding.coap.testing.TestPolicy;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.model.internal.RawValueStore;
import org.trusthub.security.oscore.OscoreIds;
import org.trusthub.security.oscore.internal.OscoreComponent;
import org.trusthub.security.transport.dtls.internal.DtlsComponent;
import org.trusthub.testkit.Await;

/** The binding with the real keystore, registry, DTLS and OSCORE providers, and Californium things on loopback. */
public class CoapBindingTest {

    @TempDir
    Path dir;
    FileThingKeyStore keys;
    ThingRegistryCore registry;
    DtlsComponent dtls;
    OscoreComponent oscore;
    CoapBindingComponent binding;
    RawValueStore values;
    final List<Runnable> cleanup = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keys, LifecycleEventSink.NONE, Clock.systemUTC());
        dtls = new DtlsComponent(keys, registry);
        oscore = new OscoreComponent(keys, registry);
        binding = CoapTestPeers.binding(registry, dtls, oscore, CoapTestPeers.config(), new TestPolicy());
        values = new RawValueStore(Clock.systemUTC());
        binding.bindValues(values);
    }

    @AfterEach
    void stop() {
        cleanup.forEach(Runnable::run);
        binding.deactivate();
        registry.close();
        keys.close();
    }

    private ThingId operational(String id) {
        return CoapTestPeers.operational(registry, id);
    }

    /** A thing speaking CoAP over DTLS (PSK) that also serves resources over its session. */
    private final class DtlsThing {
        final CoapServer server;
        final CoapEndpoint endpoint;
        final String hub;
        volatile String temperature = "21.5";
        CoapResource temp;

        DtlsThing(ThingId thing) {
            endpoint = CoapTestPeers.pskEndpoint(keys, thing);
            server = new CoapServer(endpoint.getConfig());
            server.addEndpoint(endpoint);
            temp = new CoapResource("temp") {
                @Override
                public void handleGET(CoapExchange exchange) {
                    exchange.respond(ResponseCode.CONTENT, temperature, MediaTypeRegistry.TEXT_PLAIN);
                }
            };
            temp.setObservable(true);
            server.add(new CoapResource("sensors").add(temp));
            server.start();
            cleanup.add(server::destroy);
            hub = "coaps://127.0.0.1:" + binding.secureAddress().orElseThrow().getPort();
        }

        CoapResponse send(Request request, String path) throws Exception {
            request.setURI(hub + path);
            return CoapTestPeers.client(endpoint).advanced(request);
        }

        CoapResponse get(String path) throws Exception {
            return send(Request.newGet(), path);
        }

        CoapResponse put(String path, String payload) throws Exception {
            Request r = Request.newPut();
            r.setPayload(payload);
            return send(r, path);
        }

        CoapResponse register(String query, String links) throws Exception {
            Request r = Request.newPost();
            r.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_LINK_FORMAT);
            r.setPayload(links);
            return send(r, "/rd" + query);
        }
    }

    @Test
    void thingWritesReadsAndOnlyItsOwnResourcesOverDtls() throws Exception {
        ThingId lamp = operational("lamp-1");
        DtlsThing t = new DtlsThing(lamp);
        assertEquals("trusthub: lamp-1 via dtls-psk", t.get("/hub").getResponseText());
        assertEquals(ResponseCode.CREATED, t.put("/things/lamp-1/state", "on").getCode());
        assertEquals(ResponseCode.CHANGED, t.put("/things/lamp-1/state", "off").getCode());
        assertEquals("off", t.get("/things/lamp-1/state").getResponseText());
        assertEquals("</things/lamp-1/state>", t.get("/things/lamp-1").getResponseText());
        assertEquals(ResponseCode.FORBIDDEN, t.get("/things/lamp-2/state").getCode());
        assertEquals(ResponseCode.FORBIDDEN, t.put("/things/lamp-2/state", "on").getCode());
        assertEquals(ResponseCode.NOT_FOUND, t.get("/things/lamp-1/nothing").getCode());
    }

    @Test
    void badWritesAreRefusedAndChangeNothing() throws Exception {
        ThingId lamp = operational("lamp-3");
        DtlsThing t = new DtlsThing(lamp);
        assertEquals(ResponseCode.CREATED, t.put("/things/lamp-3/state", "on").getCode());
        assertEquals(ResponseCode.REQUEST_ENTITY_TOO_LARGE,
                t.put("/things/lamp-3/state", "x".repeat(RawValues.MAX_BYTES + 1)).getCode());
        assertEquals(ResponseCode.BAD_REQUEST, t.put("/things/lamp-3/BAD%20NAME", "on").getCode());
        assertEquals("on", t.get("/things/lamp-3/state").getResponseText());
        for (int i = 1; i < RawValues.MAX_VALUES; i++) {
            assertEquals(ResponseCode.CREATED, t.put("/things/lamp-3/v" + i, "1").getCode());
        }
        assertEquals(ResponseCode.BAD_REQUEST, t.put("/things/lamp-3/one-too-many", "1").getCode());
        assertEquals(RawValues.MAX_VALUES, binding.values(lamp).size());
    }

    @Test
    void withoutTheThingModelValuesAreRefusedAndTheRestIsServed() throws Exception {
        ThingId lamp = operational("lamp-9");
        DtlsThing t = new DtlsThing(lamp);
        assertEquals(ResponseCode.CREATED, t.put("/things/lamp-9/state", "on").getCode());
        binding.unbindValues(values);
        assertEquals(ResponseCode.SERVICE_UNAVAILABLE, t.get("/things/lamp-9/state").getCode());
        assertEquals(ResponseCode.SERVICE_UNAVAILABLE, t.put("/things/lamp-9/state", "off").getCode());
        assertEquals("trusthub: lamp-9 via dtls-psk", t.get("/hub").getResponseText());
        binding.bindValues(values);
        assertEquals("on", t.get("/things/lamp-9/state").getResponseText(), "the refused write changed nothing");
    }

    @Test
    void plainRequestsWithoutOscoreAreRefused() throws Exception {
        CoapClient anonymous = new CoapClient("coap://127.0.0.1:" + binding.plainAddress().orElseThrow().getPort()
                + "/hub");
        anonymous.setTimeout(3000L);
        cleanup.add(anonymous::shutdown);
        assertEquals(ResponseCode.UNAUTHORIZED, anonymous.get().getCode());
        Request register = Request.newPost();
        register.setURI("coap://127.0.0.1:" + binding.plainAddress().orElseThrow().getPort() + "/rd?ep=lamp-1");
        register.setPayload("</a>");
        assertEquals(ResponseCode.UNAUTHORIZED, anonymous.advanced(register).getCode());
    }

    @Test
    void malformedDatagramsAreDroppedAndTheHubGoesOn() throws Exception {
        ThingId lamp = operational("lamp-4");
        DtlsThing t = new DtlsThing(lamp);
        try (DatagramSocket junk = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            byte[][] garbage = {{}, {0x40}, {(byte) 0xff, 1, 2, 3}, {0x44, 0x01, 0, 1, 9, 9, 9, 9, (byte) 0xfe},
                    "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)};
            for (byte[] g : garbage) {
                junk.send(new DatagramPacket(g, g.length, binding.plainAddress().orElseThrow()));
                junk.send(new DatagramPacket(g, g.length, binding.secureAddress().orElseThrow()));
            }
        }
        assertEquals("trusthub: lamp-4 via dtls-psk", t.get("/hub").getResponseText());
    }

    @Test
    void floodOfUnauthenticatedRequestsLeavesALinePerReason() throws Exception {
        ThingId lamp = operational("lamp-9");
        DtlsThing t = new DtlsThing(lamp);
        InetSocketAddress plain = binding.plainAddress().orElseThrow();
        String log = capturingStandardError(() -> {
            try (DatagramSocket spoofed = new DatagramSocket(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                for (int mid = 0; mid < 2000; mid++) {
                    // NON GET /hub, no OSCORE
                    byte[] get = {0x50, 0x01, (byte) (mid >> 8), (byte) mid, (byte) 0xb3, 'h', 'u', 'b'};
                    spoofed.send(new DatagramPacket(get, get.length, plain));
                    // NON POST under OSCORE with a well-formed key id that names no thing
                    byte[] oscore = {0x50, 0x02, (byte) (mid >> 8 | 0x40), (byte) mid, (byte) 0x99, 0x09, 0x01, 'n',
                            'o', 'b', 'o', 'd', 'y', '!', (byte) 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
                    spoofed.send(new DatagramPacket(oscore, oscore.length, plain));
                }
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            CoapClient anonymous = new CoapClient("coap://127.0.0.1:" + plain.getPort() + "/hub");
            anonymous.setTimeout(3000L);
            cleanup.add(anonymous::shutdown);
            try {
                assertEquals(ResponseCode.UNAUTHORIZED, anonymous.get().getCode());
                assertEquals("trusthub: lamp-9 via dtls-psk", t.get("/hub").getResponseText());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(count(log, "org.trusthub.binding.coap.refused") <= 1, log.length() + " characters");
        assertTrue(count(log, "OSCORE request refused") <= 1, log.length() + " characters");
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    private static String capturingStandardError(Runnable action) {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(copy, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return copy.toString(StandardCharsets.UTF_8);
    }

    @Test
    void registrationInTheResourceDirectoryAndTheHubReadsAndObservesTheThing() throws Exception {
        ThingId sensor = operational("sensor-1");
        DtlsThing t = new DtlsThing(sensor);
        CoapResponse created = t.register("?ep=sensor-1&lt=3600", "</sensors/temp>;rt=\"temperature\";obs");
        assertEquals(ResponseCode.CREATED, created.getCode());
        String location = created.getOptions().getLocationPathString();
        assertTrue(location.matches("rd/[0-9a-f]{12}"), location);
        Registration r = binding.registration(sensor).orElseThrow();
        assertEquals("dtls-psk", r.by().mechanism());
        assertEquals(1, r.links().size());
        String lookup = t.get("/rd-lookup/res").getResponseText();
        assertTrue(lookup.contains("/sensors/temp") && lookup.contains("anchor=\"coaps://127.0.0.1:"), lookup);

        assertEquals("2.05 21.5", binding.read(sensor, "/sensors/temp").replace("CONTENT", "2.05"));
        assertEquals("21.5", new String(binding.values(sensor).get("sensors.temp").bytes(), StandardCharsets.UTF_8));

        binding.observe(sensor, "/sensors/temp");
        t.temperature = "22.0";
        t.temp.changed();
        Await.until("the observed temperature in the model", () -> "22.0".equals(
                new String(binding.values(sensor).get("sensors.temp").bytes(), StandardCharsets.UTF_8)));
        assertEquals(1, binding.views().get(0).observations());

        // Refresh, then remove.
        assertEquals(ResponseCode.CHANGED, t.send(Request.newPost(), "/" + location + "?lt=120").getCode());
        assertEquals(ResponseCode.DELETED, t.send(Request.newDelete(), "/" + location).getCode());
        assertTrue(binding.registration(sensor).isEmpty());
    }

    @Test
    void badRegistrationsAreRefusedWithTheRightCode() throws Exception {
        ThingId sensor = operational("sensor-2");
        DtlsThing t = new DtlsThing(sensor);
        assertEquals(ResponseCode.FORBIDDEN, t.register("?ep=someone-else", "</a>").getCode());
        assertEquals(ResponseCode.BAD_REQUEST, t.register("?lt=5", "</a>").getCode());
        assertEquals(ResponseCode.BAD_REQUEST, t.register("?lt=abc", "</a>").getCode());
        assertEquals(ResponseCode.BAD_REQUEST, t.register("", "not link format").getCode());
        assertEquals(ResponseCode.BAD_REQUEST, t.register("", "<//evil.example/x>").getCode());
        assertEquals(ResponseCode.BAD_REQUEST, t.register("?base=coap://10.0.0.1", "</a>").getCode());
        Request wrongFormat = Request.newPost();
        wrongFormat.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
        wrongFormat.setPayload("{}");
        assertEquals(ResponseCode.UNSUPPORTED_CONTENT_FORMAT, t.send(wrongFormat, "/rd").getCode());
        assertTrue(binding.registration(sensor).isEmpty(), "no refused registration was kept");
        assertEquals(ResponseCode.NOT_FOUND, t.send(Request.newDelete(), "/rd/000000000000").getCode());
    }

    @Test
    void oscoreThingIsServedAndTheHubReadsItUnderOscore() throws Exception {
        ThingId meter = operational("meter-1");
        DerivedKey key = OscoreIds.masterSecret(keys, meter);
        byte[] secret = key.bytes();
        key.destroy();
        int hubPort = binding.plainAddress().orElseThrow().getPort();
        OSCoreCtx ctx = new OSCoreCtx(secret, true, AlgorithmID.AES_CCM_16_64_128, OscoreIds.thingSenderId(meter),
                OscoreIds.hubSenderId(), AlgorithmID.HKDF_HMAC_SHA_256, 32, null, null, 4096);
        HashMapCtxDB db = new HashMapCtxDB();
        db.addContext("coap://127.0.0.1:" + hubPort, ctx);
        Configuration c = CoapBindingComponent.configuration();
        CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(c)
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setCoapStackFactory(new OSCoreCoapStackFactory()).setCustomCoapStackArgument(db).build();
        CoapServer thing = new CoapServer(c);
        thing.addEndpoint(endpoint);
        thing.add(new CoapResource("energy") {
            @Override
            public void handleGET(CoapExchange exchange) {
                boolean protectedRequest = exchange.advanced().getRequest().getOptions().hasOscore();
                exchange.respond(protectedRequest ? "42 kWh" : "refused: not OSCORE");
            }
        });
        thing.start();
        cleanup.add(thing::destroy);
        CoapClient client = CoapTestPeers.client(endpoint);

        Request hello = Request.newGet();
        hello.setURI("coap://127.0.0.1:" + hubPort + "/hub");
        hello.getOptions().setOscore(Bytes.EMPTY);
        assertEquals("trusthub: meter-1 via oscore", client.advanced(hello).getResponseText());

        Request register = Request.newPost();
        register.setURI("coap://127.0.0.1:" + hubPort + "/rd?ep=meter-1");
        register.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_LINK_FORMAT);
        register.setPayload("</energy>");
        register.getOptions().setOscore(Bytes.EMPTY);
        assertEquals(ResponseCode.CREATED, client.advanced(register).getCode());
        assertEquals("oscore", binding.registration(meter).orElseThrow().by().mechanism());

        assertTrue(binding.read(meter, "/energy").endsWith("42 kWh"), binding.read(meter, "/energy"));
    }

    @Test
    void decommissioningEndsEverythingAtOnce() throws Exception {
        ThingId lamp = operational("lamp-5");
        DtlsThing t = new DtlsThing(lamp);
        assertEquals(ResponseCode.CREATED, t.register("", "</sensors/temp>").getCode());
        assertEquals(ResponseCode.CREATED, t.put("/things/lamp-5/state", "on").getCode());
        assertEquals(1, dtls.openSessions(lamp));
        registry.transition(lamp, Transition.DECOMMISSION);
        // What the lifecycle dispatcher does when a thing leaves OPERATIONAL.
        binding.release(lamp);
        assertEquals(0, dtls.openSessions(lamp));
        assertTrue(binding.registration(lamp).isEmpty());
        // its values are the model's: the model forgets them on the DECOMMISSION event, not the binding on release
        assertEquals(Set.of("state"), binding.values(lamp).keySet());
        assertFalse(binding.things().contains(lamp));
        CoapResponse after = t.get("/hub");
        assertTrue(after == null || after.getCode() != ResponseCode.CONTENT, "refused after decommissioning");
    }

    @Test
    void rotationOfTheTransportKeyClosesTheSessionAtOnce() throws Exception {
        ThingId lamp = operational("lamp-7");
        DtlsThing t = new DtlsThing(lamp);
        assertEquals(ResponseCode.CREATED, t.register("", "</sensors/temp>").getCode());
        assertEquals(1, dtls.openSessions(lamp));
        keys.rotate(lamp, org.trusthub.api.keystore.Layer.TRANSPORT);
        // What the lifecycle dispatcher does when the transport keys are rotated.
        dtls.forget(lamp);
        assertEquals(0, dtls.openSessions(lamp));
        IllegalArgumentException gone = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> binding.read(lamp, "/sensors/temp"));
        assertTrue(gone.getMessage().contains("registers again"), gone.getMessage());
        assertTrue(binding.registration(lamp).isEmpty(), "the thing registers again under its new key");
        CoapResponse after = t.get("/hub");
        assertTrue(after == null || after.getCode() != ResponseCode.CONTENT, "its old key no longer works");
        assertEquals("trusthub: lamp-7 via dtls-psk", new DtlsThing(lamp).get("/hub").getResponseText());
    }

    @Test
    void releaseOfAThingInMaintenanceEndsItsSessionsButKeepsItsValues() throws Exception {
        ThingId lamp = operational("lamp-8");
        DtlsThing t = new DtlsThing(lamp);
        assertEquals(ResponseCode.CREATED, t.put("/things/lamp-8/state", "on").getCode());
        registry.transition(lamp, Transition.MAINTAIN);
        binding.release(lamp);
        binding.release(lamp);
        binding.release(ThingId.of("never-seen"));
        assertEquals(0, dtls.openSessions(lamp));
        assertEquals(Set.of("state"), binding.values(lamp).keySet(), "it comes back to its values");
    }

    @Test
    void maintenanceIsRefusedBeforeTheEventArrives() throws Exception {
        ThingId lamp = operational("lamp-6");
        DtlsThing t = new DtlsThing(lamp);
        assertEquals(ResponseCode.CREATED, t.put("/things/lamp-6/state", "on").getCode());
        registry.transition(lamp, Transition.MAINTAIN);
        // No event delivered yet: the registry is asked on every request.
        assertEquals(ResponseCode.UNAUTHORIZED, t.get("/things/lamp-6/state").getCode());
    }
}
