package org.trusthub.offload.internal.coap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.coap.internal.CoapBindingComponent;
import org.trusthub.binding.coap.spi.CoapCall;
import org.trusthub.binding.coap.spi.CoapReply;
import org.trusthub.binding.coap.testing.CoapTestPeers;
import org.trusthub.binding.coap.testing.TestPolicy;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.offload.device.AcceptedToken;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.wire.OpCounts;
import org.trusthub.offload.device.PairGrant;
import org.trusthub.offload.device.SecureChannel;
import org.trusthub.offload.device.TokenGrant;
import org.trusthub.offload.device.Verdict;
import org.trusthub.offload.device.coap.CoapHubLink;
import org.trusthub.offload.device.coap.CoapHubLink.Security;
import org.trusthub.offload.internal.hub.FakePolicy;
import org.trusthub.offload.internal.hub.OffloadHub;
import org.trusthub.offload.internal.hub.Pki;
import org.trusthub.security.oscore.internal.OscoreComponent;
import org.trusthub.security.transport.dtls.internal.DtlsComponent;

/**
 * The offload services on the real CoAP binding (real keystore, registry, DTLS and OSCORE providers), reached by
 * device models over Californium on loopback, with keys the devices derive from their root secrets.
 */
class OffloadCoapTest {

    @TempDir
    Path dir;
    FileThingKeyStore keys;
    ThingRegistryCore registry;
    CoapBindingComponent binding;
    /** What the tests below use, and nothing more. */
    final FakePolicy policy = new FakePolicy().allowToken("client-1", "valve-1", "write").allowPair("lamp-a", "lamp-b")
            .allowToken("meter-a", "meter-b", "read").allowToken("meter-c", "meter-d", "read")
            .allowToken("meter-e", "meter-f", "read");
    OffloadHub hub;
    final SecureRandom random = new SecureRandom();
    final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        keys = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("etc/master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keys, LifecycleEventSink.NONE, Clock.systemUTC());
        binding = CoapTestPeers.binding(registry, new DtlsComponent(keys, registry),
                new OscoreComponent(keys, registry), CoapTestPeers.config(false, 0), new TestPolicy());
        hub = new OffloadHub(keys, registry, Clock.systemUTC(), OffloadHub.Settings.defaults());
        hub.policy(() -> policy);
        assertTrue(binding.contribute(new OffloadResources(hub, hub, hub, hub, hub::countRefusal), "offload"));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
        binding.deactivate();
        hub.close();
        registry.close();
        keys.close();
    }

    record Device(ConstrainedDevice model, byte[] root) {
    }

    private Device operational(String name) {
        byte[] root = new byte[32];
        random.nextBytes(root);
        ThingId id = ThingId.of(name);
        registry.enroll(id, "owner", RootCredential.secret(root));
        registry.transition(id, Transition.BOOTSTRAP);
        registry.transition(id, Transition.ACTIVATE);
        return new Device(ConstrainedDevice.bootstrap(id, root, 1, Clock.systemUTC(), random), root);
    }

    private CoapHubLink link(Device d, Security security) {
        CoapHubLink link = CoapHubLink.open(d.model(), d.root(), 1, security, security == Security.DTLS_PSK
                ? binding.secureAddress().orElseThrow() : binding.plainAddress().orElseThrow(), Duration.ofSeconds(3));
        cleanup.add(link);
        return link;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void tokenOverDtlsKeysAChannelAndNoDeviceDoesPublicKeyWork() {
        Device client = operational("client-1");
        Device server = operational("valve-1");
        CoapHubLink link = link(client, Security.DTLS_PSK);
        TokenGrant grant = link.token(server.model().id(), "write");
        // Every byte on the air is on the device's counter once: the COSE bodies (counted by the model) plus the
        // DTLS handshake, records and CoAP headers (counted by the link), exactly what went through the socket.
        OpCounts afterToken = client.model().counter().snapshot();
        assertEquals(link.wireBytes().get(0).longValue(), afterToken.bytesSent());
        assertEquals(link.wireBytes().get(1).longValue(), afterToken.bytesReceived());
        AcceptedToken accepted = server.model().acceptPostedToken(client.model().postToken(grant));
        SecureChannel channel = client.model().acceptTokenReply(grant, accepted.reply());
        assertArrayEquals(utf8("open"), accepted.channel().unprotect(channel.protect(utf8("open"))));
        assertEquals(1L, hub.issued().get("token"));

        OpCounts c = client.model().counter().snapshot();
        assertEquals(0, c.publicKey());
        assertEquals(0, server.model().counter().snapshot().publicKey());
        // The DTLS handshake and records are on the air too: far more than the COSE request and response alone.
        assertTrue(c.bytesSent() > 400 && c.bytesReceived() > 400, c.toString());
    }

    @Test
    void pairwiseAndGroupKeysOverOscore() {
        Device a = operational("lamp-a");
        Device b = operational("lamp-b");
        Device m = operational("lamp-m");
        hub.create("hall", Set.of(a.model().id(), b.model().id(), m.model().id()));
        CoapHubLink la = link(a, Security.OSCORE);
        PairGrant ga = la.pairwiseKey(b.model().id());
        assertEquals(la.wireBytes().get(0).longValue(), a.model().counter().snapshot().bytesSent());
        assertEquals(la.wireBytes().get(1).longValue(), a.model().counter().snapshot().bytesReceived());
        PairGrant gb = b.model().acceptTicket(a.model().forwardTicket(ga));
        assertArrayEquals(utf8("on"), gb.channel().unprotect(ga.channel().protect(utf8("on"))));

        assertEquals(1, la.groupKeys("hall"));
        assertEquals(1, link(m, Security.OSCORE).groupKeys("hall"));
        byte[] msg = a.model().protectGroup("hall", utf8("dim 40"));
        assertArrayEquals(utf8("dim 40"), m.model().unprotectGroup("hall", msg));
        assertEquals(0, a.model().counter().snapshot().publicKey());
        assertEquals(0, m.model().counter().snapshot().publicKey());
    }

    @Test
    void aSignatureAndItsChainAreCheckedByTheHubOverDtlsAndOscore() throws Exception {
        byte[] firmware = utf8("firmware image 1.2.3");
        Pki pki = new Pki(java.time.Instant.now());
        keys.addTrustAnchor("test-ca", pki.ca, java.util.Set.of(org.trusthub.api.keystore.TrustPurpose.FIRMWARE));
        hub.revocationLists(List.of(pki.crl()));
        java.security.KeyPair signerKeys = Pki.ec();
        java.security.cert.X509Certificate signer = pki.leaf("vendor firmware signer", signerKeys);
        byte[] signature = Pki.sign(signerKeys.getPrivate(), "SHA256withECDSA", firmware);

        Device lock = operational("lock-1");
        CoapHubLink dtls = link(lock, Security.DTLS_PSK);
        Verdict good = dtls.verify("SHA256withECDSA", firmware, signature, List.of(signer));
        assertTrue(good.valid(), good.reason());
        assertEquals("CN=vendor firmware signer", good.subject());
        Verdict tampered = dtls.verifyDigest("SHA256withECDSA", utf8("firmware image 6.6.6"), signature,
                List.of(signer));
        assertFalse(tampered.valid());
        assertEquals("signature does not verify", tampered.reason());
        assertEquals(dtls.wireBytes().get(0).longValue(), lock.model().counter().snapshot().bytesSent());

        Device sensor = operational("sensor-1");
        Verdict overOscore = link(sensor, Security.OSCORE).verifyDigest("SHA256withECDSA", firmware, signature,
                List.of(signer));
        assertTrue(overOscore.valid(), overOscore.reason());

        assertEquals(0, lock.model().counter().snapshot().publicKey(), "the hub did the path and signature checks");
        assertEquals(0, sensor.model().counter().snapshot().publicKey());
        assertEquals(2L, hub.issued().get("verdict-valid"));
        assertEquals(1L, hub.issued().get("verdict-invalid"));
    }

    @Test
    void refusalsAreCoapErrorsWithTheReasonAndAreCounted() throws Exception {
        Device a = operational("meter-a");
        Device b = operational("meter-b");
        CoapHubLink la = link(a, Security.DTLS_PSK);

        // b's request carried over a's channel: refused, however valid its MAC.
        OffloadException relayed = assertThrows(OffloadException.class,
                () -> la.exchange("token", b.model().requestToken(a.model().id(), "read")));
        assertEquals(Refusal.WRONG_BINDING, relayed.refusal());
        assertTrue(relayed.getMessage().contains("4.01"), relayed.getMessage());
        assertEquals(1L, hub.refusals().get(Refusal.WRONG_BINDING));

        // The same request twice: the second is a replay.
        byte[] request = a.model().requestToken(b.model().id(), "read");
        la.exchange("token", request);
        OffloadException replayed = assertThrows(OffloadException.class, () -> la.exchange("token", request));
        assertEquals(Refusal.REPLAYED, replayed.refusal());
        assertEquals(1L, hub.refusals().get(Refusal.REPLAYED));

        OffloadException garbage = assertThrows(OffloadException.class, () -> la.exchange("pair", utf8("junk")));
        assertEquals(Refusal.MALFORMED, garbage.refusal());
        assertTrue(garbage.getMessage().contains("4.00"), garbage.getMessage());

        OffloadException unknown = assertThrows(OffloadException.class, () -> la.groupKeys("nowhere"));
        assertEquals(Refusal.UNKNOWN_GROUP, unknown.refusal());
        assertTrue(unknown.getMessage().contains("4.04"), unknown.getMessage());

        // A thing leaving service is refused by the binding before the offload resources see anything.
        registry.transition(a.model().id(), Transition.MAINTAIN);
        OffloadException maintained = assertThrows(OffloadException.class, () -> la.groupKeys("nowhere"));
        assertTrue(maintained.getMessage().contains("4.01"), maintained.getMessage());
        assertEquals(1L, hub.issued().get("token"), "only the one good request was answered");
    }

    @Test
    void overCoapAnUnauthenticatedRequestGetsOneAnswerWhateverItsKidNames() {
        Device a = operational("meter-a");
        Device b = operational("meter-b");
        Device r = operational("meter-r");
        keys.revoke(r.model().id());
        CoapHubLink la = link(a, Security.DTLS_PSK);
        // A request naming another thing, known, revoked or unknown, over a's channel: the same 4.01 and text, which
        // names only the channel's thing.
        String first = null;
        for (String kid : List.of("meter-b", "meter-r", "ghost-1")) {
            byte[] root = new byte[32];
            random.nextBytes(root);
            ConstrainedDevice claimant = ConstrainedDevice.bootstrap(ThingId.of(kid), root, 1, Clock.systemUTC(),
                    random);
            OffloadException e = assertThrows(OffloadException.class,
                    () -> la.exchange("token", claimant.requestToken(b.model().id(), "read")));
            assertEquals(Refusal.WRONG_BINDING, e.refusal(), kid);
            assertTrue(e.getMessage().contains("4.01"), e.getMessage());
            first = first == null ? e.getMessage() : first;
            assertEquals(first, e.getMessage(), kid);
        }
        // a's own kid under a key that is not a's: 4.01 as well.
        byte[] wrong = new byte[32];
        random.nextBytes(wrong);
        ConstrainedDevice forger = ConstrainedDevice.bootstrap(a.model().id(), wrong, 1, Clock.systemUTC(), random);
        OffloadException forged = assertThrows(OffloadException.class,
                () -> la.exchange("token", forger.requestToken(b.model().id(), "read")));
        assertEquals(Refusal.FORGED, forged.refusal());
        assertTrue(forged.getMessage().contains("4.01"), forged.getMessage());
        assertTrue(hub.issued().isEmpty());
    }

    @Test
    void whatThePolicyRefusesIsForbiddenOverCoapCountedAndIssuesNothing() {
        Device a = operational("meter-a");
        Device b = operational("meter-b");
        CoapHubLink lb = link(b, Security.DTLS_PSK);
        // meter-a may get tokens for meter-b; not the other way round, and no pairwise key at all.
        OffloadException token = assertThrows(OffloadException.class, () -> lb.token(a.model().id(), "read"));
        assertEquals(Refusal.POLICY, token.refusal());
        assertTrue(token.getMessage().contains("4.03"), token.getMessage());
        OffloadException pair = assertThrows(OffloadException.class, () -> lb.pairwiseKey(a.model().id()));
        assertEquals(Refusal.POLICY, pair.refusal());
        assertEquals(2L, hub.refusals().get(Refusal.POLICY));
        assertEquals(java.util.Map.of("token", 1L, "pairwise-key", 1L), hub.notGranted());
        assertTrue(hub.issued().isEmpty(), "nothing issued: " + hub.issued());
        assertTrue(hub.issuedTokens().isEmpty());
        assertEquals(List.of("token meter-b meter-a [read]", "pair meter-b meter-a"), policy.asked);
        // What the policy allows goes through on the same hub.
        link(a, Security.DTLS_PSK).token(b.model().id(), "read");
        assertEquals(1L, hub.issued().get("token"));
    }

    @Test
    void plainCoapWrongMethodAndWrongFormatAreRefused() throws Exception {
        Device a = operational("meter-c");
        operational("meter-d");
        CoapClient anonymous = new CoapClient("coap://127.0.0.1:" + binding.plainAddress().orElseThrow().getPort()
                + "/offload/token");
        anonymous.setTimeout(3000L);
        cleanup.add(anonymous::shutdown);
        CoapResponse plain = anonymous.post(a.model().requestToken(ThingId.of("meter-d"), "read"),
                MediaTypeRegistry.APPLICATION_CBOR);
        assertEquals(ResponseCode.UNAUTHORIZED, plain.getCode());

        OffloadResources resources = new OffloadResources(hub, hub, hub, hub, hub::countRefusal);
        byte[] request = a.model().requestToken(ThingId.of("meter-d"), "read");
        CoapReply get = resources.resources().get("token").handle(new CoapCall(oscore(a.model().id()), "GET",
                "token", request, CoapCall.NO_FORMAT));
        assertEquals(CoapReply.Status.METHOD_NOT_ALLOWED, get.status());
        CoapReply json = resources.resources().get("token").handle(new CoapCall(oscore(a.model().id()), "POST",
                "token", request, MediaTypeRegistry.APPLICATION_JSON));
        assertEquals(CoapReply.Status.UNSUPPORTED_CONTENT_FORMAT, json.status());
        assertEquals(1L, hub.refusals().get(Refusal.MALFORMED));
        assertEquals(0L, hub.issued().getOrDefault("token", 0L), "nothing issued");
        // The untouched request still works: the refusals consumed nothing.
        CoapReply ok = resources.resources().get("token").handle(new CoapCall(oscore(a.model().id()), "POST",
                "token", request, CoapCall.NO_FORMAT));
        assertEquals(CoapReply.Status.CREATED, ok.status());
        assertEquals(OffloadResources.ACE_CBOR, ok.contentFormat());
    }

    @Test
    void aHubThatIsGoneIsAnIoErrorNotARefusal() {
        Device a = operational("meter-e");
        Device b = operational("meter-f");
        CoapHubLink la = link(a, Security.OSCORE);
        la.token(b.model().id(), "read");
        binding.deactivate();
        CoapHubLink late = CoapHubLink.open(a.model(), a.root(), 1, Security.OSCORE,
                binding.plainAddress().orElseThrow(), Duration.ofMillis(1500));
        cleanup.add(late);
        assertThrows(UncheckedIOException.class, () -> late.token(b.model().id(), "read"));
        assertEquals(0, a.model().counter().snapshot().publicKey());
    }

    /** A call as the binding hands it over from a thing's OSCORE context. */
    private static org.trusthub.api.security.Authenticated oscore(ThingId thing) {
        return org.trusthub.api.security.Authenticated.message(thing, org.trusthub.api.keystore.Layer.APPLICATION,
                "oscore", org.trusthub.api.security.Protection.confidentiality().endToEnd());
    }
}
