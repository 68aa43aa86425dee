package org.trusthub.offload.internal.hub;

import org.trusthub.offload.wstrust.WsTrust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import javax.xml.namespace.QName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.HostedRequest;
import org.trusthub.binding.dpws.spi.HostedServiceException;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.device.WsTrustClient;
import org.trusthub.offload.wstrust.SctFormat;
import org.trusthub.offload.internal.dpws.StsService;

/**
 * A thing gets only what the security policy allows, on every path (ACE token, WS-Trust, DPWS offload-sts, pairwise
 * keys); the policy is asked only once the request authenticated, and a request it refuses changes nothing: no
 * sequence number, no token record, nothing issued. With no policy service everything is refused (fail closed). Which
 * rules allow what is the policy bundle's business (and tests); here a {@link FakePolicy} answers.
 */
class AuthorizationTest {
    @TempDir
    Path dir;
    Fixture f;
    OffloadHub hub;
    final AtomicReference<SecurityPolicy> source = new AtomicReference<>();
    FakePolicy policy = new FakePolicy();
    ConstrainedDevice sensor;
    ConstrainedDevice lock;
    ConstrainedDevice lamp;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
        hub = f.durableHub(dir.resolve("state"));
        source.set(policy);
        hub.policy(source::get);
        sensor = f.operational("sensor-1");
        lock = f.operational("lock-1");
        lamp = f.operational("lamp-1");
    }

    @AfterEach
    void tearDown() {
        hub.close();
        f.close();
    }

    private void refusedByPolicy(Executable request) {
        assertEquals(Refusal.POLICY, assertThrows(OffloadException.class, request).refusal());
        assertTrue(hub.issued().isEmpty(), "nothing issued: " + hub.issued());
        assertTrue(hub.issuedTokens().isEmpty());
        assertTrue(hub.state().tokens().isEmpty());
        assertEquals(-1L, f.mark(sensor.id()), "no sequence number consumed");
        assertEquals(-1L, f.mark(lamp.id()), "no sequence number consumed");
    }

    @Test
    void aTokenThePolicyRefusesIsRefusedCountedAndChangesNothingThenTheAllowedOneIsIssued() {
        byte[] unlock = sensor.requestToken(lock.id(), "read unlock");
        refusedByPolicy(() -> hub.requestToken(unlock));
        policy.allowToken("sensor-1", "lock-1", "read");
        refusedByPolicy(() -> hub.requestToken(unlock));
        assertEquals(List.of("token sensor-1 lock-1 [read, unlock]", "token sensor-1 lock-1 [read, unlock]"),
                policy.asked, "asked for the client, the audience and every scope word");
        assertEquals(Map.of("token", 2L), hub.notGranted());
        assertEquals(2L, hub.refusals().get(Refusal.POLICY));

        policy.allowToken("sensor-1", "lock-1", "unlock");
        // The very request refused twice: it consumed nothing.
        sensor.acceptTokenResponse(hub.requestToken(unlock));
        assertEquals(1, hub.issuedTokens().size());
        assertEquals("read unlock", hub.issuedTokens().get(0).scope());
        assertTrue(f.mark(sensor.id()) >= 0);
    }

    @Test
    void aPairwiseKeyThePolicyRefusesIsRefusedCountedAndChangesNothingThenTheAllowedOneIsIssued() {
        byte[] rq = lamp.requestPairwiseKey(sensor.id());
        refusedByPolicy(() -> hub.requestPairwiseKey(rq));
        policy.allowPair("sensor-1", "lamp-1").allowToken("lamp-1", "sensor-1", "read");
        refusedByPolicy(() -> hub.requestPairwiseKey(rq));
        assertEquals(List.of("pair lamp-1 sensor-1", "pair lamp-1 sensor-1"), policy.asked);
        assertEquals(Map.of("pairwise-key", 2L), hub.notGranted());

        policy.allowPair("lamp-1", "sensor-1");
        lamp.acceptPairwiseKey(hub.requestPairwiseKey(rq));
        assertEquals(1L, hub.issued().get("pairwise-key"));
    }

    @Test
    void withoutAPolicyServiceEveryTokenAndPairwiseKeyIsRefused() throws Exception {
        source.set(null);
        refusedByPolicy(() -> hub.requestToken(sensor.requestToken(lock.id(), "read")));
        refusedByPolicy(() -> hub.requestPairwiseKey(lamp.requestPairwiseKey(sensor.id())));
        refusedByPolicy(() -> hub.requestSecurityToken(WsTrust.rst(lock.id().value(),
                sensor.requestToken(lock.id(), "invoke"))));
        assertEquals(Map.of("token", 2L, "pairwise-key", 1L), hub.notGranted());

        // A policy service arriving is used at once, without a restart.
        source.set(FakePolicy.allowingEverything());
        sensor.acceptTokenResponse(hub.requestToken(sensor.requestToken(lock.id(), "read")));
    }

    @Test
    void thePolicyIsAskedOnlyOnceTheRequestAuthenticated() {
        ConstrainedDevice forger = ConstrainedDevice.bootstrap(sensor.id(), new byte[32], 1, f.clock,
                new java.security.SecureRandom());
        assertEquals(Refusal.FORGED, assertThrows(OffloadException.class,
                () -> hub.requestToken(forger.requestToken(lock.id(), "read"))).refusal());
        assertEquals(Refusal.FORGED, assertThrows(OffloadException.class,
                () -> hub.requestPairwiseKey(forger.requestPairwiseKey(lock.id()))).refusal());
        assertTrue(policy.asked.isEmpty(), "asked: " + policy.asked);
        assertTrue(hub.notGranted().isEmpty());
    }

    @Test
    void wsTrustAndTheDpwsTokenServiceAskTheSamePolicy() throws Exception {
        refusedByPolicy(() -> hub.requestSecurityToken(WsTrust.rst(lock.id().value(),
                sensor.requestToken(lock.id(), "invoke"))));
        StsService sts = new StsService(hub);
        WsTrustClient client = new WsTrustClient(sensor, java.time.Duration.ofMinutes(5));
        HostedRequest call = new HostedRequest(ThingId.of("hub-device"), SctFormat.ISSUE_ACTION,
                Optional.of(client.requestSecurityToken(lock.id(), "invoke")), Optional.empty());
        HostedServiceException e = assertThrows(HostedServiceException.class, () -> sts.invoke(call));
        assertEquals(new QName(WsTrust.WST, "InvalidRequest"), e.subcode());
        assertTrue(e.getMessage().contains("the security policy does not let 'sensor-1' get a token for 'lock-1' "
                + "with scope 'invoke'"), e.getMessage());
        assertEquals(List.of("token sensor-1 lock-1 [invoke]", "token sensor-1 lock-1 [invoke]"), policy.asked);
        assertEquals(Map.of("token", 2L), hub.notGranted());
        assertTrue(hub.issuedTokens().isEmpty());

        policy.allowToken("sensor-1", "lock-1", "invoke");
        HostedRequest again = new HostedRequest(ThingId.of("hub-device"), SctFormat.ISSUE_ACTION,
                Optional.of(client.requestSecurityToken(lock.id(), "invoke")), Optional.empty());
        client.acceptResponse(sts.invoke(again).body().orElseThrow());
        assertEquals(1, hub.issuedTokens().size());
    }

    @Test
    void aClientThePolicyRefusesLearnsNothingAboutTheAudienceOrPeerItNames() {
        ThingId ghost = ThingId.of("ghost-1");
        refusedByPolicy(() -> hub.requestToken(sensor.requestToken(ghost, "read")));
        refusedByPolicy(() -> hub.requestPairwiseKey(sensor.requestPairwiseKey(ghost)));
        refusedByPolicy(() -> hub.requestSecurityToken(WsTrust.rst(ghost.value(),
                sensor.requestToken(ghost, "read"))));
        assertEquals(Map.of("token", 2L, "pairwise-key", 1L), hub.notGranted());

        // Once allowed, the audience's and the peer's state is checked as before.
        policy.allowToken("sensor-1", "ghost-1", "read").allowPair("sensor-1", "ghost-1");
        assertEquals(Refusal.UNKNOWN_THING, assertThrows(OffloadException.class,
                () -> hub.requestToken(sensor.requestToken(ghost, "read"))).refusal());
        assertEquals(Refusal.UNKNOWN_THING, assertThrows(OffloadException.class,
                () -> hub.requestPairwiseKey(sensor.requestPairwiseKey(ghost))).refusal());
        assertTrue(hub.issued().isEmpty());
    }

    @Test
    void noPolicyGrantsAThingATokenForItselfOrAKeyWithItself() {
        source.set(FakePolicy.allowingEverything());
        assertEquals(Refusal.WRONG_BINDING, assertThrows(OffloadException.class,
                () -> hub.requestToken(sensor.requestToken(sensor.id(), "read"))).refusal());
        assertEquals(Refusal.WRONG_BINDING, assertThrows(OffloadException.class,
                () -> hub.requestPairwiseKey(sensor.requestPairwiseKey(sensor.id()))).refusal());
        assertTrue(hub.issued().isEmpty());
    }
}
