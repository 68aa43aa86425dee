package org.trusthub.offload.internal.hub;

import org.trusthub.offload.wstrust.WsTrust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.dpws.spi.HostedRequest;
import org.trusthub.binding.dpws.spi.HostedServiceException;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.device.WsTrustClient;
import org.trusthub.offload.wstrust.SctFormat;
import org.trusthub.offload.internal.dpws.StsService;

/**
 * Until a request's MAC verifies, the refusal says nothing about the thing it names: unknown, revoked, in maintenance
 * or in service with a wrong key all get the same answer, on the token service and on DPWS offload-sts. Only an
 * authenticated requester learns that it is not in service.
 */
class EnumerationTest {
    @TempDir
    Path dir;
    Fixture f;
    ConstrainedDevice audience;
    final SecureRandom random = new SecureRandom();

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
        audience = f.operational("lamp-1");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    /** A device that claims {@code id} without its root secret. */
    private ConstrainedDevice impostor(String id) {
        byte[] root = new byte[32];
        random.nextBytes(root);
        return ConstrainedDevice.bootstrap(ThingId.of(id), root, 1, f.clock, random);
    }

    private List<ConstrainedDevice> unauthenticated() {
        f.operational("in-service");
        f.operational("maintained");
        f.registry.transition(ThingId.of("maintained"), Transition.MAINTAIN);
        f.enrolled("manufactured");
        f.operational("revoked");
        f.keystore.revoke(ThingId.of("revoked"));
        return List.of(impostor("never-enrolled"), impostor("in-service"), impostor("maintained"),
                impostor("manufactured"), impostor("revoked"));
    }

    @Test
    void theTokenServiceRefusesEveryUnauthenticatedRequestAlike() {
        List<ConstrainedDevice> callers = unauthenticated();
        String first = null;
        for (ConstrainedDevice d : callers) {
            OffloadException e = assertThrows(OffloadException.class,
                    () -> f.hub.requestToken(d.requestToken(audience.id(), "read")));
            assertEquals(Refusal.FORGED, e.refusal(), d.id() + ": " + e.getMessage());
            String answer = e.getMessage();
            assertTrue(!answer.contains(d.id().value()), answer);
            first = first == null ? answer : first;
            assertEquals(first, answer, "the answer to " + d.id() + " differs");
            // Pairwise keys go through the same gate.
            assertEquals(first.replace("token request", "pairwise key request"), assertThrows(OffloadException.class,
                    () -> f.hub.requestPairwiseKey(d.requestPairwiseKey(audience.id()))).getMessage());
        }
        assertEquals(2L * callers.size(), f.hub.refusals().get(Refusal.FORGED));
        assertTrue(f.hub.issued().isEmpty());
    }

    @Test
    void offloadStsAnswersEveryUnauthenticatedRequestWithTheSameFault() throws Exception {
        StsService sts = new StsService(f.hub);
        HostedServiceException first = null;
        for (ConstrainedDevice d : unauthenticated()) {
            WsTrustClient client = new WsTrustClient(d, java.time.Duration.ofMinutes(5));
            HostedRequest call = new HostedRequest(ThingId.of("hub-device"), SctFormat.ISSUE_ACTION,
                    Optional.of(client.requestSecurityToken(audience.id(), "invoke")), Optional.empty());
            HostedServiceException e = assertThrows(HostedServiceException.class, () -> sts.invoke(call));
            first = first == null ? e : first;
            assertEquals(first.subcode(), e.subcode(), d.id().toString());
            assertEquals(first.getMessage(), e.getMessage(), d.id().toString());
        }
        assertEquals(new javax.xml.namespace.QName(WsTrust.WST, "FailedAuthentication"), first.subcode());
    }

    @Test
    void onlyAnAuthenticatedRequesterLearnsItIsNotInService() {
        ConstrainedDevice maintained = f.operational("maintained");
        f.registry.transition(maintained.id(), Transition.MAINTAIN);
        OffloadException e = assertThrows(OffloadException.class,
                () -> f.hub.requestToken(maintained.requestToken(audience.id(), "read")));
        assertEquals(Refusal.NOT_OPERATIONAL, e.refusal());
        assertTrue(e.getMessage().contains("MAINTENANCE"), e.getMessage());
    }
}
