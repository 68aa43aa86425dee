package org.trusthub.offload.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import javax.xml.namespace.QName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.HostedRequest;
import org.trusthub.binding.dpws.spi.HostedServiceException;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.device.WsTrustClient;
import org.trusthub.offload.internal.dpws.SctFormat;
import org.trusthub.offload.internal.dpws.StsService;

/**
 * A thing gets only what a grant allows, on every path (ACE token, WS-Trust, DPWS offload-sts, pairwise keys), and a
 * request no grant allows changes nothing: no sequence number, no token record, nothing issued.
 */
class AuthorizationTest {
    @TempDir
    Path dir;
    Fixture f;
    OffloadHub hub;
    final AtomicReference<GrantTable> grants = new AtomicReference<>(GrantTable.EMPTY);
    ConstrainedDevice sensor;
    ConstrainedDevice lock;
    ConstrainedDevice lamp;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
        hub = f.durableHub(dir.resolve("state"));
        hub.grants(grants::get);
        sensor = f.operational("sensor-1");
        lock = f.operational("lock-1");
        lamp = f.operational("lamp-1");
    }

    @AfterEach
    void tearDown() {
        hub.close();
        f.close();
    }

    private void refusedForWantOfAGrant(Executable request) {
        assertEquals(Refusal.POLICY, assertThrows(OffloadException.class, request).refusal());
        assertTrue(hub.issued().isEmpty(), "nothing issued: " + hub.issued());
        assertTrue(hub.issuedTokens().isEmpty());
        assertTrue(hub.state().tokens().isEmpty());
        assertFalse(hub.state().marks().containsKey(sensor.id()), "no sequence number consumed");
        assertFalse(hub.state().marks().containsKey(lamp.id()), "no sequence number consumed");
    }

    @Test
    void aTokenNoGrantAllowsIsRefusedCountedAndChangesNothingThenTheGrantedOneIsIssued() {
        byte[] unlock = sensor.requestToken(lock.id(), "unlock");
        refusedForWantOfAGrant(() -> hub.requestToken(unlock));
        grants.set(GrantTable.parse("token sensor-1 lock-1 read"));
        refusedForWantOfAGrant(() -> hub.requestToken(unlock));
        grants.set(GrantTable.parse("token lock-1 sensor-1 unlock, token sensor-1 lamp-1 unlock"));
        refusedForWantOfAGrant(() -> hub.requestToken(unlock));
        assertEquals(Map.of("token", 3L), hub.notGranted());
        assertEquals(3L, hub.refusals().get(Refusal.POLICY));

        grants.set(GrantTable.parse("token sensor-1 lock-1 read unlock"));
        // The very request refused three times: it consumed nothing.
        sensor.acceptTokenResponse(hub.requestToken(unlock));
        assertEquals(1, hub.issuedTokens().size());
        assertEquals("unlock", hub.issuedTokens().get(0).scope());
        assertTrue(hub.state().marks().containsKey(sensor.id()));
    }

    @Test
    void aPairwiseKeyNoGrantAllowsIsRefusedCountedAndChangesNothingThenTheGrantedOneIsIssued() {
        byte[] rq = lamp.requestPairwiseKey(sensor.id());
        refusedForWantOfAGrant(() -> hub.requestPairwiseKey(rq));
        grants.set(GrantTable.parse("pair sensor-1 lamp-1, token lamp-1 sensor-1 *"));
        refusedForWantOfAGrant(() -> hub.requestPairwiseKey(rq));
        assertEquals(Map.of("pairwise-key", 2L), hub.notGranted());

        grants.set(GrantTable.parse("pair lamp-1 sensor-1"));
        lamp.acceptPairwiseKey(hub.requestPairwiseKey(rq));
        assertEquals(1L, hub.issued().get("pairwise-key"));
    }

    @Test
    void aGroupGrantFollowsTheGroupsMembers() {
        grants.set(GrantTable.parse("token @hall lock-1 read"));
        refusedForWantOfAGrant(() -> hub.requestToken(sensor.requestToken(lock.id(), "read")));
        hub.create("hall", Set.of(sensor.id(), lamp.id()));
        sensor.acceptTokenResponse(hub.requestToken(sensor.requestToken(lock.id(), "read")));
        hub.leave("hall", sensor.id());
        assertEquals(Refusal.POLICY, assertThrows(OffloadException.class,
                () -> hub.requestToken(sensor.requestToken(lock.id(), "read"))).refusal());
        lamp.acceptTokenResponse(hub.requestToken(lamp.requestToken(lock.id(), "read")));
        assertEquals(Map.of("token", 2L), hub.notGranted());
    }

    @Test
    void wsTrustAndTheDpwsTokenServiceAskTheSameGrants() throws Exception {
        refusedForWantOfAGrant(() -> hub.requestSecurityToken(WsTrust.rst(lock.id().value(),
                sensor.requestToken(lock.id(), "invoke"))));
        StsService sts = new StsService(hub);
        WsTrustClient client = new WsTrustClient(sensor, java.time.Duration.ofMinutes(5));
        HostedRequest call = new HostedRequest(ThingId.of("hub-device"), SctFormat.ISSUE_ACTION,
                Optional.of(client.requestSecurityToken(lock.id(), "invoke")), Optional.empty());
        HostedServiceException e = assertThrows(HostedServiceException.class, () -> sts.invoke(call));
        assertEquals(new QName(WsTrust.WST, "InvalidRequest"), e.subcode());
        assertTrue(e.getMessage().contains("no grant lets 'sensor-1' get a token for 'lock-1' with scope 'invoke'"),
                e.getMessage());
        assertEquals(Map.of("token", 2L), hub.notGranted());
        assertTrue(hub.issuedTokens().isEmpty());

        grants.set(GrantTable.parse("token sensor-1 lock-1 invoke"));
        HostedRequest again = new HostedRequest(ThingId.of("hub-device"), SctFormat.ISSUE_ACTION,
                Optional.of(client.requestSecurityToken(lock.id(), "invoke")), Optional.empty());
        client.acceptResponse(sts.invoke(again).body().orElseThrow());
        assertEquals(1, hub.issuedTokens().size());
    }

    @Test
    void aClientWithoutAGrantLearnsNothingAboutTheAudienceOrPeerItNames() {
        ThingId ghost = ThingId.of("ghost-1");
        refusedForWantOfAGrant(() -> hub.requestToken(sensor.requestToken(ghost, "read")));
        refusedForWantOfAGrant(() -> hub.requestPairwiseKey(sensor.requestPairwiseKey(ghost)));
        refusedForWantOfAGrant(() -> hub.requestSecurityToken(WsTrust.rst(ghost.value(),
                sensor.requestToken(ghost, "read"))));
        assertEquals(Map.of("token", 2L, "pairwise-key", 1L), hub.notGranted());

        // Once granted, the audience's and the peer's state is checked as before.
        grants.set(GrantTable.parse("token sensor-1 * read, pair sensor-1 *"));
        assertEquals(Refusal.UNKNOWN_THING, assertThrows(OffloadException.class,
                () -> hub.requestToken(sensor.requestToken(ghost, "read"))).refusal());
        assertEquals(Refusal.UNKNOWN_THING, assertThrows(OffloadException.class,
                () -> hub.requestPairwiseKey(sensor.requestPairwiseKey(ghost))).refusal());
        assertTrue(hub.issued().isEmpty());
    }

    @Test
    void noWildcardGrantsAThingATokenForItselfOrAKeyWithItself() {
        grants.set(GrantTable.parse("token * * *, pair * *"));
        assertEquals(Refusal.WRONG_BINDING, assertThrows(OffloadException.class,
                () -> hub.requestToken(sensor.requestToken(sensor.id(), "read"))).refusal());
        assertEquals(Refusal.WRONG_BINDING, assertThrows(OffloadException.class,
                () -> hub.requestPairwiseKey(sensor.requestPairwiseKey(sensor.id()))).refusal());
        assertTrue(hub.issued().isEmpty());
    }
}
