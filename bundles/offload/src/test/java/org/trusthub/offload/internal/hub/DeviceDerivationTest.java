package org.trusthub.offload.internal.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.offload.device.ConstrainedDevice;
import org.trusthub.offload.wire.OpCounts;
import org.trusthub.offload.device.TokenGrant;

/**
 * The device model derives its keys from its root secret exactly as the real keystore does (otherwise nothing it
 * receives would open); bootstrapping is its only key derivation, and no step of it is public-key work.
 */
class DeviceDerivationTest {
    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new Fixture(dir);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void bootstrappingCostsOneExtractAndFiveExpandsAndNoPublicKeyOperation() {
        ConstrainedDevice d = f.operational("probe-1");
        OpCounts boot = d.counter().snapshot();
        assertEquals(new OpCounts(0, 6, 0, 0, 0), boot);
    }

    @Test
    void theDeviceAndTheKeystoreAgreeOnEveryOffloadKey() {
        ConstrainedDevice client = f.operational("probe-1");
        ConstrainedDevice server = f.operational("probe-2");
        // Each service opens only with the matching key: request, wrap, token (audience), verdict, group.
        TokenGrant g = client.acceptTokenResponse(f.hub.requestToken(client.requestToken(server.id(), "read")));
        server.acceptPostedToken(client.postToken(g));
        f.hub.create("g", java.util.Set.of(client.id()));
        assertEquals(1, client.acceptGroupKeys(f.hub.requestGroupKeys(client.requestGroupKeys("g"))));
        byte[] m = client.protectGroup("g", "x".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), client.unprotectGroup("g", m));
    }

    @Test
    void afterARotationTheOldDeviceKeysNoLongerWork() {
        ConstrainedDevice client = f.operational("probe-1");
        ConstrainedDevice server = f.operational("probe-2");
        f.keystore.rotate(client.id(), Layer.APPLICATION);
        OffloadException e = org.junit.jupiter.api.Assertions.assertThrows(OffloadException.class,
                () -> f.hub.requestToken(client.requestToken(server.id(), "read")));
        assertEquals(Refusal.FORGED, e.refusal());
    }
}
