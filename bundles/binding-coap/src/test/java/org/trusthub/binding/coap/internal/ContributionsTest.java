package org.trusthub.binding.coap.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.cose.AlgorithmID;
import org.eclipse.californium.elements.util.Bytes;
import org.eclipse.californium.oscore.HashMapCtxDB;
import org.eclipse.californium.oscore.OSCoreCoapStackFactory;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.coap.spi.CoapCall;
import org.trusthub.binding.coap.spi.CoapContribution;
import org.trusthub.binding.coap.spi.CoapHandler;
import org.trusthub.binding.coap.spi.CoapReply;
import org.trusthub.binding.coap.testing.CoapTestPeers;
import org.trusthub.binding.coap.testing.TestPolicy;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.security.oscore.OscoreIds;
import org.trusthub.security.oscore.internal.OscoreComponent;
import org.trusthub.security.transport.dtls.internal.DtlsComponent;

/** Resources of other bundles through the SPI, with the real providers and Californium clients on loopback. */
public class ContributionsTest {

    @TempDir
    Path dir;
    FileThingKeyStore keys;
    ThingRegistryCore registry;
    CoapBindingComponent binding;
    final List<Runnable> cleanup = new ArrayList<>();
    final List<CoapCall> calls = new CopyOnWriteArrayList<>();

    /** Echoes who called and what it sent, so the test sees exactly what a handler receives. */
    final CoapHandler echo = call -> {
        calls.add(call);
        if (call.payload().length == 0) {
            return CoapReply.error(CoapReply.Status.BAD_REQUEST, "empty");
        }
        byte[] answer = (call.caller().value() + "|" + call.authenticated().mechanism() + "|" + call.method() + "|" + call.resource() + "|"
                + call.contentFormat() + "|" + new String(call.payload(), StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8);
        return CoapReply.of(CoapReply.Status.CHANGED, answer, CoapReply.TEXT_PLAIN);
    };

    public static CoapContribution contribution(String prefix, Map<String, CoapHandler> resources) {
        return new CoapContribution() {
            @Override
            public String prefix() {
                return prefix;
            }

            @Override
            public Map<String, CoapHandler> resources() {
                return resources;
            }
        };
    }

    @BeforeEach
    void start() throws Exception {
        keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keys, LifecycleEventSink.NONE, Clock.systemUTC());
        binding = CoapTestPeers.binding(registry, new DtlsComponent(keys, registry),
                new OscoreComponent(keys, registry), CoapTestPeers.config(), new TestPolicy());
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

    private CoapClient dtlsClient(ThingId thing) {
        CoapEndpoint endpoint = CoapTestPeers.pskEndpoint(keys, thing);
        CoapClient client = CoapTestPeers.client(endpoint);
        cleanup.add(() -> {
            client.shutdown();
            endpoint.destroy();
        });
        return client;
    }

    private CoapResponse post(CoapClient client, String uri, String payload, boolean oscore) throws Exception {
        Request r = Request.newPost();
        r.setURI(uri);
        r.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_CBOR);
        r.setPayload(payload);
        if (oscore) {
            r.getOptions().setOscore(Bytes.EMPTY);
        }
        return client.advanced(r);
    }

    private String secure(String path) {
        return "coaps://127.0.0.1:" + binding.secureAddress().orElseThrow().getPort() + path;
    }

    private String plain(String path) {
        return "coap://127.0.0.1:" + binding.plainAddress().orElseThrow().getPort() + path;
    }

    @Test
    void handlerGetsTheDtlsCallerPayloadAndFormatAndItsReplyGoesBack() throws Exception {
        assertTrue(binding.contribute(contribution("demo", Map.of("echo", echo)), "demo-bundle"));
        ThingId lamp = operational("lamp-1");
        CoapResponse r = post(dtlsClient(lamp), secure("/demo/echo"), "hello", false);
        assertEquals(ResponseCode.CHANGED, r.getCode());
        assertEquals("lamp-1|dtls-psk|POST|echo|60|hello", r.getResponseText());
        assertEquals(MediaTypeRegistry.TEXT_PLAIN, r.getOptions().getContentFormat());
        assertEquals(1, calls.size());
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), calls.get(0).payload());
        Authenticated who = calls.get(0).authenticated();
        assertEquals(Layer.TRANSPORT, who.layer());
        assertEquals(Protection.confidentiality(), who.protection());
        assertTrue(who.session().matches("[0-9a-f]{2,64}"), "the DTLS session id in hex: " + who.session());

        CoapResponse refused = post(dtlsClient(lamp), secure("/demo/echo"), "", false);
        assertEquals(ResponseCode.BAD_REQUEST, refused.getCode());
        assertEquals("empty", refused.getResponseText());
        assertEquals(ResponseCode.NOT_FOUND, post(dtlsClient(lamp), secure("/demo/other"), "x", false).getCode());
        assertEquals(ResponseCode.NOT_FOUND, post(dtlsClient(lamp), secure("/demo/echo/deeper"), "x", false)
                .getCode());
    }

    @Test
    void handlerGetsTheOscoreCaller() throws Exception {
        binding.contribute(contribution("demo", Map.of("echo", echo)), "demo-bundle");
        ThingId meter = operational("meter-1");
        DerivedKey key = OscoreIds.masterSecret(keys, meter);
        byte[] secret = key.bytes();
        key.destroy();
        OSCoreCtx ctx = new OSCoreCtx(secret, true, AlgorithmID.AES_CCM_16_64_128, OscoreIds.thingSenderId(meter),
                OscoreIds.hubSenderId(), AlgorithmID.HKDF_HMAC_SHA_256, 32, null, null, 4096);
        HashMapCtxDB db = new HashMapCtxDB();
        db.addContext(plain(""), ctx);
        CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(CoapBindingComponent.configuration())
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setCoapStackFactory(new OSCoreCoapStackFactory()).setCustomCoapStackArgument(db).build();
        CoapClient client = CoapTestPeers.client(endpoint);
        cleanup.add(endpoint::destroy);
        CoapResponse r = post(client, plain("/demo/echo"), "hi", true);
        assertEquals(ResponseCode.CHANGED, r.getCode());
        assertEquals("meter-1|oscore|POST|echo|60|hi", r.getResponseText());
        Authenticated who = calls.get(0).authenticated();
        assertEquals(new Authenticated(meter, Layer.APPLICATION, "oscore", Protection.confidentiality().endToEnd(),
                java.util.HexFormat.of().formatHex(OscoreIds.thingSenderId(meter))), who);
    }

    @Test
    void plainCoapAndThingsNotOperationalAreRefusedBeforeTheHandler() throws Exception {
        binding.contribute(contribution("demo", Map.of("echo", echo)), "demo-bundle");
        CoapClient anonymous = new CoapClient();
        anonymous.setTimeout(3000L);
        cleanup.add(anonymous::shutdown);
        assertEquals(ResponseCode.UNAUTHORIZED, post(anonymous, plain("/demo/echo"), "x", false).getCode());
        ThingId lamp = operational("lamp-2");
        CoapClient client = dtlsClient(lamp);
        assertEquals(ResponseCode.CHANGED, post(client, secure("/demo/echo"), "x", false).getCode());
        registry.transition(lamp, Transition.MAINTAIN);
        assertEquals(ResponseCode.UNAUTHORIZED, post(client, secure("/demo/echo"), "x", false).getCode());
        assertEquals(1, calls.size(), "only the operational thing's request reached the handler");
    }

    @Test
    void clashesAndBadNamesAreRefusedWithAStatusAndTheFirstOwnerKeepsServing() throws Exception {
        CoapContribution first = contribution("demo", Map.of("echo", echo));
        CoapContribution second = contribution("demo", Map.of("echo", c -> CoapReply.error(
                CoapReply.Status.FORBIDDEN, "second")));
        assertTrue(binding.contribute(first, "first-bundle"));
        assertFalse(binding.contribute(second, "second-bundle"));
        assertFalse(binding.contribute(contribution("rd", Map.of("x", echo)), "greedy-bundle"));
        assertFalse(binding.contribute(contribution("Bad/Prefix", Map.of("x", echo)), "odd-bundle"));
        assertFalse(binding.contribute(contribution("empty", Map.of()), "idle-bundle"));
        assertFalse(binding.contribute(contribution("names", Map.of("a/b", echo)), "odd-bundle"));
        List<CoapBindingStatus.ContributionView> views = binding.contributions();
        assertEquals(6, views.size());
        assertEquals("served", views.get(0).status());
        assertEquals("refused: /demo is owned by first-bundle", views.get(1).status());
        assertEquals("refused: /rd is the binding's own", views.get(2).status());
        assertTrue(views.get(3).status().startsWith("refused: prefix must be"), views.get(3).status());
        assertEquals("refused: no resources", views.get(4).status());
        assertTrue(views.get(5).status().startsWith("refused: resource name"), views.get(5).status());

        ThingId lamp = operational("lamp-3");
        assertEquals("lamp-3|dtls-psk|POST|echo|60|x",
                post(dtlsClient(lamp), secure("/demo/echo"), "x", false).getResponseText());
        // The binding's own /rd still answers as before (a refused registration, not the greedy handler).
        assertEquals(ResponseCode.BAD_REQUEST, post(dtlsClient(lamp), secure("/rd?lt=1"), "x", false).getCode());
    }

    @Test
    void resourcesAppearAndDisappearWithTheContribution() throws Exception {
        ThingId lamp = operational("lamp-4");
        CoapClient client = dtlsClient(lamp);
        assertEquals(ResponseCode.NOT_FOUND, post(client, secure("/demo/echo"), "x", false).getCode());
        CoapContribution c = contribution("demo", Map.of("echo", echo));
        binding.contribute(c, "demo-bundle");
        assertEquals(ResponseCode.CHANGED, post(client, secure("/demo/echo"), "x", false).getCode());
        binding.removeContribution(c);
        assertEquals(ResponseCode.NOT_FOUND, post(client, secure("/demo/echo"), "x", false).getCode());
        assertTrue(binding.contributions().isEmpty());
        binding.contribute(contribution("demo", Map.of("echo", echo)), "again-bundle");
        assertEquals(ResponseCode.CHANGED, post(client, secure("/demo/echo"), "x", false).getCode());
    }

    @Test
    void aFailingHandlerIsAnsweredWithoutItsMessage() throws Exception {
        binding.contribute(contribution("demo", Map.of("boom", call -> {
            throw new IllegalStateException("secret detail");
        }, "nothing", call -> null)), "demo-bundle");
        ThingId lamp = operational("lamp-5");
        CoapResponse r = post(dtlsClient(lamp), secure("/demo/boom"), "x", false);
        assertEquals(ResponseCode.INTERNAL_SERVER_ERROR, r.getCode());
        assertEquals("internal error", r.getResponseText());
        assertEquals(ResponseCode.INTERNAL_SERVER_ERROR,
                post(dtlsClient(lamp), secure("/demo/nothing"), "x", false).getCode());
    }
}
