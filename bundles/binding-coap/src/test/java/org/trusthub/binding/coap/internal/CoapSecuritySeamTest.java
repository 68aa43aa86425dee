package org.trusthub.binding.coap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.coap.testing.CoapTestPeers;
import org.trusthub.binding.coap.testing.RecordingRefusals;
import org.trusthub.binding.coap.testing.TestPolicy;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.model.internal.RawValueStore;
import org.trusthub.security.oscore.internal.OscoreComponent;
import org.trusthub.security.transport.dtls.internal.DtlsComponent;
import org.trusthub.testkit.Await;

/**
 * The binding on the security seam: it asks the security policy on every request, reports refusals, and reaches DTLS,
 * OSCORE, the policy and the refusal count through references that are bound and unbound while it runs, as the
 * framework does when a provider bundle is updated.
 */
class CoapSecuritySeamTest {

    @TempDir
    Path dir;
    FileThingKeyStore keys;
    ThingRegistryCore registry;
    CoapBindingComponent binding;
    final TestPolicy policy = new TestPolicy();
    final RecordingRefusals refusals = new RecordingRefusals();
    final List<Runnable> cleanup = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keys, LifecycleEventSink.NONE, Clock.systemUTC());
        // As the framework makes it: nothing bound yet.
        binding = new CoapBindingComponent(registry, CoapTestPeers.config());
    }

    @AfterEach
    void stop() {
        cleanup.forEach(Runnable::run);
        binding.deactivate();
        registry.close();
        keys.close();
    }

    private void bindAll(DtlsComponent dtls, OscoreComponent oscore) {
        binding.bindRefusals(refusals);
        binding.bindPolicy(policy);
        binding.bindDtls(dtls);
        binding.bindOscore(oscore);
        binding.bindValues(new RawValueStore(Clock.systemUTC()));
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

    private String plainBase() {
        return "coap://127.0.0.1:" + binding.plainAddress().orElseThrow().getPort();
    }

    private CoapClient oscoreClient(ThingId thing) {
        CoapEndpoint endpoint = CoapTestPeers.oscoreEndpoint(keys, thing, plainBase());
        CoapClient client = CoapTestPeers.client(endpoint);
        cleanup.add(() -> {
            client.shutdown();
            endpoint.destroy();
        });
        return client;
    }

    private CoapResponse dtls(CoapClient client, Request request, String path) throws Exception {
        request.setURI("coaps://127.0.0.1:" + binding.secureAddress().orElseThrow().getPort() + path);
        return client.advanced(request);
    }

    private CoapResponse oscore(CoapClient client, Request request, String path) throws Exception {
        request.setURI(plainBase() + path);
        request.getOptions().setOscore(Bytes.EMPTY);
        return client.advanced(request);
    }

    private static Request put(String payload) {
        Request r = Request.newPut();
        r.setPayload(payload);
        return r;
    }

    private static ResponseCode code(CoapResponse r) {
        return r == null ? null : r.getCode();
    }

    @Test
    void aThingWhoseProtectionIsBelowThePolicyIsRefusedAndCounted() throws Exception {
        bindAll(new DtlsComponent(keys, registry), new OscoreComponent(keys, registry));
        ThingId meter = CoapTestPeers.operational(registry, "meter-1");
        policy.requireInbound(meter, Protection.parse("confidentiality/end-to-end"));

        CoapResponse overDtls = dtls(dtlsClient(meter), Request.newGet(), "/hub");
        assertEquals(ResponseCode.UNAUTHORIZED, overDtls.getCode(), "DTLS is hop by hop only");
        assertTrue(overDtls.getResponseText().contains("confidentiality/end-to-end"), overDtls.getResponseText());
        assertEquals(List.of("meter-1 TRANSPORT dtls-psk POLICY"), refusals.reported, "as it authenticated");

        assertEquals("trusthub: meter-1 via oscore", oscore(oscoreClient(meter), Request.newGet(), "/hub")
                .getResponseText(), "OSCORE reaches end to end");
    }

    @Test
    void withoutAPolicyEveryRequestIsRefused() throws Exception {
        binding.bindRefusals(refusals);
        binding.bindDtls(new DtlsComponent(keys, registry));
        ThingId lamp = CoapTestPeers.operational(registry, "lamp-1");
        CoapClient client = dtlsClient(lamp);
        assertEquals(ResponseCode.SERVICE_UNAVAILABLE, code(dtls(client, Request.newGet(), "/hub")));
        assertEquals(List.of("lamp-1 TRANSPORT dtls-psk NOT_OPERATIONAL"), refusals.reported);

        binding.bindPolicy(policy);
        assertEquals("trusthub: lamp-1 via dtls-psk", dtls(client, Request.newGet(), "/hub").getResponseText());
        binding.unbindPolicy(policy);
        assertEquals(ResponseCode.SERVICE_UNAVAILABLE, code(dtls(client, Request.newGet(), "/hub")));
    }

    @Test
    void anotherThingsValuesAreReadAndWrittenOnlyAsThePolicyGrants() throws Exception {
        bindAll(new DtlsComponent(keys, registry), new OscoreComponent(keys, registry));
        ThingId lamp = CoapTestPeers.operational(registry, "lamp-2");
        ThingId wall = CoapTestPeers.operational(registry, "switch-1");
        CoapClient lampClient = dtlsClient(lamp);
        CoapClient wallClient = dtlsClient(wall);
        assertEquals(ResponseCode.CREATED, code(dtls(lampClient, put("on"), "/things/lamp-2/state")));
        assertEquals(ResponseCode.CREATED, code(dtls(lampClient, put("80"), "/things/lamp-2/level")));

        assertEquals(ResponseCode.FORBIDDEN, code(dtls(wallClient, Request.newGet(), "/things/lamp-2/state")));
        assertEquals(ResponseCode.FORBIDDEN, code(dtls(wallClient, put("off"), "/things/lamp-2/state")));
        assertEquals("", dtls(wallClient, Request.newGet(), "/things/lamp-2").getResponseText(),
                "the list shows only what it may read");
        assertEquals(List.of("switch-1 TRANSPORT dtls-psk POLICY", "switch-1 TRANSPORT dtls-psk POLICY"),
                refusals.reported);

        policy.grantRead(wall, lamp, "state").grantWrite(wall, lamp, "state");
        assertEquals("on", dtls(wallClient, Request.newGet(), "/things/lamp-2/state").getResponseText());
        assertEquals("</things/lamp-2/state>", dtls(wallClient, Request.newGet(), "/things/lamp-2")
                .getResponseText());
        assertEquals(ResponseCode.CHANGED, code(dtls(wallClient, put("off"), "/things/lamp-2/state")));
        assertEquals("off", dtls(lampClient, Request.newGet(), "/things/lamp-2/state").getResponseText());
        assertEquals(ResponseCode.FORBIDDEN, code(dtls(wallClient, Request.newGet(), "/things/lamp-2/level")),
                "a grant names its property");
    }

    @Test
    void aThingsAccessToItsOwnValuesIsThePolicysDecision() throws Exception {
        bindAll(new DtlsComponent(keys, registry), new OscoreComponent(keys, registry));
        ThingId lamp = CoapTestPeers.operational(registry, "lamp-3");
        CoapClient client = oscoreClient(lamp);
        assertEquals(ResponseCode.CREATED, code(oscore(client, put("on"), "/things/lamp-3/state")));

        policy.ownAccess(false);
        assertEquals(ResponseCode.FORBIDDEN, code(oscore(client, put("off"), "/things/lamp-3/state")));
        assertEquals(ResponseCode.FORBIDDEN, code(oscore(client, Request.newGet(), "/things/lamp-3/state")));
        assertEquals("", oscore(client, Request.newGet(), "/things/lamp-3").getResponseText());
        assertEquals(List.of("lamp-3 APPLICATION oscore POLICY", "lamp-3 APPLICATION oscore POLICY"),
                refusals.reported);
    }

    @Test
    void theDirectoryLookupListsOnlyTheLinksThePolicyLetsTheCallerRead() throws Exception {
        bindAll(new DtlsComponent(keys, registry), new OscoreComponent(keys, registry));
        ThingId sensor = CoapTestPeers.operational(registry, "sensor-3");
        ThingId lamp = CoapTestPeers.operational(registry, "lamp-4");
        CoapClient sensorClient = dtlsClient(sensor);
        CoapClient lampClient = dtlsClient(lamp);
        Request register = Request.newPost();
        register.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_LINK_FORMAT);
        register.setPayload("</sensors/temp>;rt=\"temperature\",</sensors/hum>");
        assertEquals(ResponseCode.CREATED, code(dtls(sensorClient, register, "/rd?ep=sensor-3")));

        String own = dtls(sensorClient, Request.newGet(), "/rd-lookup/res").getResponseText();
        assertTrue(own.contains("</sensors/temp>") && own.contains("</sensors/hum>"), own);
        assertEquals("", dtls(lampClient, Request.newGet(), "/rd-lookup/res").getResponseText(),
                "neither links nor the address of a thing it may read nothing of");

        policy.grantRead(lamp, sensor, "sensors.temp");
        String granted = dtls(lampClient, Request.newGet(), "/rd-lookup/res").getResponseText();
        assertTrue(granted.startsWith("</sensors/temp>") && granted.contains(";anchor=\"coaps://127.0.0.1:")
                && !granted.contains("hum"), granted);
    }

    @Test
    void aDtlsProviderSwapKeepsTheOscoreThingsContextAndServesTheNewProvidersSessions() throws Exception {
        DtlsComponent first = new DtlsComponent(keys, registry);
        OscoreComponent oscore = new OscoreComponent(keys, registry);
        bindAll(first, oscore);
        ThingId lamp = CoapTestPeers.operational(registry, "lamp-3");
        ThingId meter = CoapTestPeers.operational(registry, "meter-3");
        int securePort = binding.secureAddress().orElseThrow().getPort();
        int plainPort = binding.plainAddress().orElseThrow().getPort();
        CoapClient meterClient = oscoreClient(meter);
        assertEquals("trusthub: meter-3 via oscore", oscore(meterClient, Request.newGet(), "/hub").getResponseText());
        assertEquals("trusthub: lamp-3 via dtls-psk", dtls(dtlsClient(lamp), Request.newGet(), "/hub")
                .getResponseText());

        binding.unbindDtls(first);
        assertTrue(binding.secureAddress().isEmpty());
        refusals.reported.clear();
        CoapClient refused = dtlsClient(lamp);
        Request hello = Request.newGet();
        hello.setURI("coaps://127.0.0.1:" + securePort + "/hub");
        assertThrows(IOException.class, () -> refused.advanced(hello), "no DTLS provider: no handshake");
        assertTrue(refusals.reported.contains("- TRANSPORT dtls NOT_OPERATIONAL"), refusals.reported.toString());
        assertEquals("trusthub: meter-3 via oscore", oscore(meterClient, Request.newGet(), "/hub").getResponseText(),
                "OSCORE goes on, under the same context, while DTLS is away");

        DtlsComponent second = new DtlsComponent(keys, registry);
        binding.bindDtls(second);
        // A replacement is bound before the one it replaces is unbound (greedy): that unbind changes nothing.
        binding.unbindDtls(first);
        assertEquals(securePort, binding.secureAddress().orElseThrow().getPort(), "the same port");
        assertEquals(plainPort, binding.plainAddress().orElseThrow().getPort());
        assertEquals("trusthub: lamp-3 via dtls-psk", dtls(dtlsClient(lamp), Request.newGet(), "/hub")
                .getResponseText());
        assertEquals(1, second.openSessions(lamp));
        assertEquals("trusthub: meter-3 via oscore", oscore(meterClient, Request.newGet(), "/hub").getResponseText());
        assertEquals(java.util.Set.of(meter), oscore.things(), "the context was never dropped");
    }

    @Test
    void referencesUnboundAfterTheBindingStoppedLeaveItsPortsFreeForTheNextOne() throws Exception {
        DtlsComponent dtls = new DtlsComponent(keys, registry);
        bindAll(dtls, new OscoreComponent(keys, registry));
        int securePort = binding.secureAddress().orElseThrow().getPort();
        // The framework's order: deactivate, then unbind the dynamic references.
        binding.deactivate();
        binding.unbindDtls(dtls);
        try (java.net.DatagramSocket next = new java.net.DatagramSocket(new java.net.InetSocketAddress(
                java.net.InetAddress.getLoopbackAddress(), securePort))) {
            assertEquals(securePort, next.getLocalPort(), "the DTLS port is free again");
        }
        binding = new CoapBindingComponent(registry, CoapTestPeers.config());
    }

    @Test
    void whileOscoreIsAbsentItsRequestsAreRefusedAndDtlsSessionsGoOn() throws Exception {
        DtlsComponent dtls = new DtlsComponent(keys, registry);
        OscoreComponent first = new OscoreComponent(keys, registry);
        bindAll(dtls, first);
        ThingId lamp = CoapTestPeers.operational(registry, "lamp-4");
        ThingId meter = CoapTestPeers.operational(registry, "meter-4");
        CoapClient lampClient = dtlsClient(lamp);
        assertEquals("trusthub: lamp-4 via dtls-psk", dtls(lampClient, Request.newGet(), "/hub").getResponseText());
        CoapClient meterClient = oscoreClient(meter);
        assertEquals("trusthub: meter-4 via oscore", oscore(meterClient, Request.newGet(), "/hub").getResponseText());

        binding.unbindOscore(first);
        refusals.reported.clear();
        assertEquals(ResponseCode.UNAUTHORIZED, code(oscore(meterClient, Request.newGet(), "/hub")));
        assertEquals(List.of("- APPLICATION oscore NOT_OPERATIONAL"), refusals.reported, "counted once");
        assertEquals("trusthub: lamp-4 via dtls-psk", dtls(lampClient, Request.newGet(), "/hub").getResponseText(),
                "the DTLS session goes on");
        assertEquals(1, dtls.openSessions(lamp));

        OscoreComponent second = new OscoreComponent(keys, registry);
        binding.bindOscore(second);
        assertEquals("trusthub: meter-4 via oscore", oscore(meterClient, Request.newGet(), "/hub").getResponseText(),
                "the new provider serves it");
        assertEquals("Replay detected", oscore(oscoreClient(meter), Request.newGet(), "/hub").getResponseText(),
                "the replay marks are the keystore's, so the new provider knows the numbers the old one took");
        assertNotEquals(first, second);
        assertEquals(1, dtls.openSessions(lamp), "still the one session");
    }

    /**
     * An observation made under one OSCORE provider goes on under the next: its notifications are protected with the
     * thing's context as the new provider opens it, and the thing accepts them without observing again.
     */
    @Test
    void anObservationMadeBeforeAnOscoreProviderSwapIsNotifiedAfterIt() throws Exception {
        OscoreComponent first = new OscoreComponent(keys, registry);
        bindAll(new DtlsComponent(keys, registry), first);
        ThingId meter = CoapTestPeers.operational(registry, "meter-6");
        String path = "/things/meter-6/level";
        CoapClient client = oscoreClient(meter);
        assertEquals(ResponseCode.CREATED, code(oscore(client, put("1"), path)));
        List<String> seen = new CopyOnWriteArrayList<>();
        CoapObserveRelation observation = observeOverOscore(client, path, seen);
        Await.until("the first notification", () -> seen.contains("1"));
        assertEquals(ResponseCode.CHANGED, code(oscore(client, put("2"), path)));
        Await.until("a notification before the swap", () -> seen.contains("2"));

        OscoreComponent second = new OscoreComponent(keys, registry);
        binding.bindOscore(second);
        binding.unbindOscore(first);
        assertEquals(ResponseCode.CHANGED, code(oscore(client, put("3"), path)));
        Await.until("a notification of the same observation after the swap", () -> seen.contains("3"));
        assertTrue(!observation.isCanceled() && !seen.contains("error"), String.valueOf(seen));
    }

    @Test
    void anObservationWhoseContextTheProviderDroppedIsNotNotifiedUnderItAgain() throws Exception {
        OscoreComponent provider = new OscoreComponent(keys, registry);
        bindAll(new DtlsComponent(keys, registry), provider);
        ThingId meter = CoapTestPeers.operational(registry, "meter-7");
        String path = "/things/meter-7/level";
        CoapClient client = oscoreClient(meter);
        assertEquals(ResponseCode.CREATED, code(oscore(client, put("1"), path)));
        List<String> seen = new CopyOnWriteArrayList<>();
        CoapObserveRelation observation = observeOverOscore(client, path, seen);
        Await.until("the first notification", () -> seen.contains("1"));

        // the provider drops the thing's context (as for a revocation or a re-keying): the observation's token went
        // with it, and nothing may bring it back under this provider
        provider.forget(meter);
        assertEquals(ResponseCode.CHANGED, code(oscore(client, put("2"), path)));
        assertEquals(ResponseCode.CHANGED, code(oscore(client, put("3"), path)));
        assertFalse(seen.contains("2") || seen.contains("3"), "notified under a dropped context: " + seen);
    }

    /** Observes {@code path} over OSCORE; each notification's text (or "error") goes to {@code seen}. */
    private CoapObserveRelation observeOverOscore(CoapClient client, String path, List<String> seen) {
        Request get = Request.newGet();
        get.setURI(plainBase() + path);
        get.getOptions().setOscore(Bytes.EMPTY);
        get.setObserve();
        CoapObserveRelation observation = client.observe(get, new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                seen.add(response.getResponseText());
            }

            @Override
            public void onError() {
                seen.add("error");
            }
        });
        cleanup.add(observation::proactiveCancel);
        return observation;
    }
}
