package org.trusthub.offload.internal.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.offload.device.AcceptedToken;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.device.TokenGrant;

/**
 * Forged, expired, replayed and wrongly bound tokens and requests, things that are not operational, unknown group
 * members: refused with the specific reason, counted, nothing issued.
 */
class BadInputTest {
    @TempDir
    Path dir;
    Fixture f;
    ConstrainedDevice client;
    ConstrainedDevice server;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
        client = f.operational("sensor-1");
        server = f.operational("valve-1");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    /** Refused by the hub with this reason, counted once, and nothing issued. */
    private void hubRefuses(Refusal reason, Executable call) {
        Map<Refusal, Long> before = f.hub.refusals();
        Map<String, Long> issuedBefore = f.hub.issued();
        int tokens = f.hub.issuedTokens().size();
        OffloadException e = assertThrows(OffloadException.class, call);
        assertEquals(reason, e.refusal(), e.getMessage());
        assertEquals(before.get(reason) + 1, f.hub.refusals().get(reason));
        assertEquals(issuedBefore, f.hub.issued());
        assertEquals(tokens, f.hub.issuedTokens().size());
    }

    @Test
    void aRequestMacdUnderAnotherThingsKeyIsForged() {
        // An impostor holding a different root secret claims to be sensor-1.
        ConstrainedDevice impostor = ConstrainedDevice.bootstrap(client.id(), new byte[32], 1, f.clock,
                new java.security.SecureRandom());
        hubRefuses(Refusal.FORGED, () -> f.hub.requestToken(impostor.requestToken(server.id(), "write")));
    }

    @Test
    void aForgedRequestWritesNothingToTheKeystoreAndAGenuineOneRecordsTheUse() throws Exception {
        ConstrainedDevice fresh = f.operational("sensor-2");
        ConstrainedDevice impostor = ConstrainedDevice.bootstrap(fresh.id(), new byte[32], 1, f.clock,
                new java.security.SecureRandom());
        var appLayer = org.trusthub.api.keystore.Layer.APPLICATION.ordinal();
        assertEquals(null, f.keystore.metadata(fresh.id()).layers().get(appLayer).lastUsed(), "no key used yet");
        var metadata = f.keystore.metadata(fresh.id());
        Map<String, byte[]> files = f.keystoreFiles();
        f.clock.advance(Duration.ofSeconds(5));

        hubRefuses(Refusal.FORGED, () -> f.hub.requestToken(impostor.requestToken(server.id(), "write")));
        assertEquals(metadata, f.keystore.metadata(fresh.id()), "a forged request recorded a key use");
        Fixture.assertSameFiles(files, f.keystoreFiles());

        f.hub.requestToken(fresh.requestToken(server.id(), "write"));
        var used = f.keystore.metadata(fresh.id()).layers().get(appLayer);
        assertEquals(f.clock.instant(), used.lastUsed());
        assertTrue(used.mechanisms().contains(org.trusthub.offload.wire.Wire.MECH_REQUEST), used.toString());
        assertFalse(f.keystore.discardEnrollment(fresh.id()), "the genuine request's key use is durable");
    }

    @Test
    void aTamperedRequestIsForged() {
        byte[] rq = client.requestToken(server.id(), "write");
        rq[rq.length - 1] ^= 1;
        hubRefuses(Refusal.FORGED, () -> f.hub.requestToken(rq));
    }

    @Test
    void aRequestForOneServiceIsNotAcceptedByAnother() {
        byte[] rq = client.requestToken(server.id(), "write");
        hubRefuses(Refusal.FORGED, () -> f.hub.requestPairwiseKey(rq));
    }

    @Test
    void aReplayedRequestIsRefusedAndTheFirstStillCounts() {
        byte[] rq = client.requestToken(server.id(), "write");
        f.hub.requestToken(rq);
        hubRefuses(Refusal.REPLAYED, () -> f.hub.requestToken(rq));
        assertEquals(1, f.hub.issuedTokens().size());
    }

    @Test
    void garbageIsMalformed() {
        hubRefuses(Refusal.MALFORMED, () -> f.hub.requestToken(new byte[] {1, 2, 3}));
        hubRefuses(Refusal.MALFORMED, () -> f.hub.requestToken(new byte[0]));
        hubRefuses(Refusal.MALFORMED, () -> f.hub.verify("not cbor at all {".getBytes(StandardCharsets.UTF_8)));
        hubRefuses(Refusal.MALFORMED, () -> f.hub.requestSecurityToken("<!DOCTYPE x [<!ENTITY e SYSTEM "
                + "\"file:///etc/passwd\">]><x>&e;</x>"));
    }

    @Test
    void aRequesterThatIsNotOperationalGetsNothing() {
        f.registry.transition(client.id(), Transition.MAINTAIN);
        hubRefuses(Refusal.NOT_OPERATIONAL, () -> f.hub.requestToken(client.requestToken(server.id(), "write")));
        ConstrainedDevice fresh = f.enrolled("new-1");
        hubRefuses(Refusal.NOT_OPERATIONAL, () -> f.hub.requestPairwiseKey(fresh.requestPairwiseKey(server.id())));
    }

    @Test
    void anAudienceOrPeerThatIsNotOperationalGetsNothingIssuedForIt() {
        f.registry.transition(server.id(), Transition.DECOMMISSION);
        hubRefuses(Refusal.NOT_OPERATIONAL, () -> f.hub.requestToken(client.requestToken(server.id(), "write")));
        hubRefuses(Refusal.NOT_OPERATIONAL, () -> f.hub.requestPairwiseKey(client.requestPairwiseKey(server.id())));
    }

    @Test
    void unknownThingsAreRefused() {
        hubRefuses(Refusal.UNKNOWN_THING,
                () -> f.hub.requestToken(client.requestToken(ThingId.of("ghost-1"), "write")));
        ConstrainedDevice stranger = ConstrainedDevice.bootstrap(ThingId.of("stranger-1"), new byte[32], 1, f.clock,
                new java.security.SecureRandom());
        // A requester the hub does not know cannot authenticate: refused as any forgery (EnumerationTest).
        hubRefuses(Refusal.FORGED, () -> f.hub.requestToken(stranger.requestToken(server.id(), "write")));
    }

    @Test
    void aRefusedRequestDoesNotConsumeItsSequenceNumber() {
        f.registry.transition(server.id(), Transition.MAINTAIN);
        byte[] rq = client.requestToken(server.id(), "write");
        hubRefuses(Refusal.NOT_OPERATIONAL, () -> f.hub.requestToken(rq));
        f.registry.transition(server.id(), Transition.RESUME);
        f.hub.requestToken(rq); // the same request goes through once the audience is back in service
        assertEquals(1, f.hub.issuedTokens().size());
    }

    @Test
    void badScopesAndSelfAudiencesAreRefused() {
        hubRefuses(Refusal.POLICY, () -> f.hub.requestToken(client.requestToken(server.id(), "a\nb")));
        hubRefuses(Refusal.WRONG_BINDING, () -> f.hub.requestToken(client.requestToken(client.id(), "x")));
    }

    @Test
    void unknownGroupsAndMembersAreRefused() {
        ConstrainedDevice other = f.operational("other-1");
        f.hub.create("hall", Set.of(client.id(), server.id()));
        hubRefuses(Refusal.UNKNOWN_GROUP, () -> f.hub.requestGroupKeys(client.requestGroupKeys("attic")));
        hubRefuses(Refusal.UNKNOWN_MEMBER, () -> f.hub.requestGroupKeys(other.requestGroupKeys("hall")));
        hubRefuses(Refusal.UNKNOWN_MEMBER, () -> f.hub.leave("hall", other.id()));
        f.registry.transition(other.id(), Transition.MAINTAIN);
        hubRefuses(Refusal.NOT_OPERATIONAL, () -> f.hub.join("hall", other.id()));
        assertEquals(1, f.hub.group("hall").orElseThrow().epoch());
    }

    // ------------------------------------------------- with durable state: refusals write nothing, anywhere

    /** The state files' bytes and what the keystore holds for each group: a refusal must change none of it. */
    private String durableSnapshot(Path state, OffloadHub hub) throws Exception {
        StringBuilder b = new StringBuilder();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(state)) {
            for (Path p : files.sorted().toList()) {
                b.append(p.getFileName()).append('=').append(java.util.HexFormat.of().formatHex(
                        java.nio.file.Files.readAllBytes(p))).append('\n');
            }
        }
        for (var g : hub.groups()) {
            b.append(g).append(f.keystore.metadata(EpochVault.groupId(g.name())).layers()
                    .get(org.trusthub.api.keystore.Layer.APPLICATION.ordinal()).mechanisms()).append('\n');
        }
        b.append(f.keystore.things()).append(hub.issuedTokens());
        return b.toString();
    }

    private void durableRefuses(Path state, OffloadHub hub, Refusal reason, Executable call) throws Exception {
        String before = durableSnapshot(state, hub);
        Map<Refusal, Long> refusalsBefore = hub.refusals();
        Map<String, Long> issuedBefore = hub.issued();
        OffloadException e = assertThrows(OffloadException.class, call);
        assertEquals(reason, e.refusal(), e.getMessage());
        assertEquals(refusalsBefore.get(reason) + 1, hub.refusals().get(reason));
        assertEquals(issuedBefore, hub.issued());
        assertEquals(before, durableSnapshot(state, hub), "a refusal changed durable state");
    }

    @Test
    void requestsUnderReplacedKeysAndStrangersToAGroupChangeNoDurableState() throws Exception {
        Path state = dir.resolve("durable");
        ConstrainedDevice other = f.operational("other-2");
        try (OffloadHub hub = f.durableHub(state)) {
            hub.create("hall", Set.of(client.id(), server.id()));
            hub.requestToken(client.requestToken(server.id(), "write"));
            byte[] underOldKeys = client.requestToken(server.id(), "write");
            f.keystore.rotate(client.id(), org.trusthub.api.keystore.Layer.APPLICATION);
            OffloadException stale = assertThrows(OffloadException.class, () -> hub.requestToken(underOldKeys));
            assertEquals(Refusal.FORGED, stale.refusal());
            assertTrue(stale.getMessage().contains("replaced keys is stale"), stale.getMessage());
            durableRefuses(state, hub, Refusal.FORGED, () -> hub.requestToken(underOldKeys));
            // a stranger to the group asks for its keys; a member asks for a group that does not exist
            durableRefuses(state, hub, Refusal.UNKNOWN_MEMBER,
                    () -> hub.requestGroupKeys(other.requestGroupKeys("hall")));
            durableRefuses(state, hub, Refusal.UNKNOWN_GROUP,
                    () -> hub.requestGroupKeys(server.requestGroupKeys("attic")));
            durableRefuses(state, hub, Refusal.UNKNOWN_MEMBER, () -> hub.leave("hall", other.id()));
            durableRefuses(state, hub, Refusal.UNKNOWN_THING, () -> hub.join("hall", ThingId.of("ghost-2")));
            // the group's own keystore id is no thing: it cannot ask, and cannot be asked for
            ConstrainedDevice groupAsThing = ConstrainedDevice.bootstrap(EpochVault.groupId("hall"), new byte[32], 1,
                    f.clock, new java.security.SecureRandom());
            durableRefuses(state, hub, Refusal.FORGED,
                    () -> hub.requestGroupKeys(groupAsThing.requestGroupKeys("hall")));
            durableRefuses(state, hub, Refusal.UNKNOWN_THING,
                    () -> hub.requestToken(server.requestToken(EpochVault.groupId("hall"), "read")));
            // members and requesters out of service
            f.registry.transition(other.id(), Transition.MAINTAIN);
            durableRefuses(state, hub, Refusal.NOT_OPERATIONAL, () -> hub.join("hall", other.id()));
            durableRefuses(state, hub, Refusal.NOT_OPERATIONAL, () -> hub.create("porch", Set.of(other.id(),
                    server.id())));
            assertTrue(hub.group("porch").isEmpty());
            assertFalse(f.keystore.things().contains(EpochVault.groupId("porch")), "no id enrolled for a refused group");
            durableRefuses(state, hub, Refusal.NOT_OPERATIONAL,
                    () -> hub.requestGroupKeys(other.requestGroupKeys("hall")));
            assertEquals(1, hub.group("hall").orElseThrow().epoch());
        }
    }

    // ----------------------------------------------------------------- tokens refused by the audience, offline

    private TokenGrant grant(ConstrainedDevice audience) {
        return client.acceptTokenResponse(f.hub.requestToken(client.requestToken(audience.id(), "write")));
    }

    @Test
    void theAudienceRefusesAnExpiredToken() {
        TokenGrant g = grant(server);
        byte[] posted = client.postToken(g);
        f.clock.advance(Duration.ofHours(1));
        assertEquals(Refusal.EXPIRED,
                assertThrows(OffloadException.class, () -> server.acceptPostedToken(posted)).refusal());
    }

    @Test
    void theAudienceRefusesAReplayedToken() {
        TokenGrant g = grant(server);
        byte[] posted = client.postToken(g);
        AcceptedToken first = server.acceptPostedToken(posted);
        assertEquals(Refusal.REPLAYED,
                assertThrows(OffloadException.class, () -> server.acceptPostedToken(posted)).refusal());
        assertTrue(first.channel().expires().isAfter(f.clock.instant()));
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        ConstrainedDevice other = f.operational("valve-2");
        byte[] posted = client.postToken(grant(server));
        assertEquals(Refusal.WRONG_BINDING,
                assertThrows(OffloadException.class, () -> other.acceptPostedToken(posted)).refusal());
    }

    @Test
    void aForgedTokenIsRefused() {
        TokenGrant g = grant(server);
        byte[] posted = client.postToken(g);
        posted[posted.length - 12] ^= 1; // inside the token's ciphertext
        OffloadException e = assertThrows(OffloadException.class, () -> server.acceptPostedToken(posted));
        assertTrue(e.refusal() == Refusal.FORGED || e.refusal() == Refusal.MALFORMED, e.getMessage());
    }

    @Test
    void aTokenResponseForAnotherRequestIsRefusedByTheClient() {
        byte[] first = f.hub.requestToken(client.requestToken(server.id(), "write"));
        client.acceptTokenResponse(first);
        client.requestToken(server.id(), "write");
        assertEquals(Refusal.WRONG_BINDING,
                assertThrows(OffloadException.class, () -> client.acceptTokenResponse(first)).refusal());
    }

    @Test
    void errorsNeverCarryKeyBytes() {
        byte[] rq = client.requestToken(server.id(), "write");
        rq[rq.length - 1] ^= 1;
        OffloadException e = assertThrows(OffloadException.class, () -> f.hub.requestToken(rq));
        assertFalse(e.getMessage().matches(".*[0-9a-f]{32}.*"), e.getMessage());
    }
}
