package org.trusthub.security.transport.dtls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.security.transport.dtls.ThingPsk;

/** What the PSK store answers: a real key for an operational thing, a decoy shaped like one for anything else. */
class KeystorePskStoreTest {
    @TempDir
    Path dir;
    TestHub hub;
    KeystorePskStore store;

    @BeforeEach
    void start() throws Exception {
        hub = new TestHub(dir);
        LogLimiter limiter = new LogLimiter(Duration.ofMinutes(1), 1);
        store = new KeystorePskStore(hub.keys, new PeerThings(hub.keys), new ThingGate(hub.registry), new DecoyPsk(),
                new PskGuessWatch(limiter, new DtlsRefusals()), limiter, new DtlsRefusals());
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private byte[] answer(String identity) {
        return store.requestPskSecretResult(new ConnectionId(new byte[] {1, 2, 3}), null,
                new PskPublicInformation(identity), "HmacSHA256", null, new byte[64], false).getSecret().getEncoded();
    }

    @Test
    void operationalThingGetsItsKey() {
        ThingId lamp = hub.secretThing("lamp-1");
        assertArrayEquals(ThingPsk.secret(hub.keys, lamp), answer("lamp-1"));
    }

    @Test
    void unknownIdentityGetsAStableDecoyShapedLikeAKey() {
        byte[] decoy = answer("nobody");
        assertEquals(2 * ThingPsk.KEY_LENGTH, decoy.length);
        assertEquals(true, new String(decoy, StandardCharsets.US_ASCII).matches("[0-9a-f]+"));
        assertArrayEquals(decoy, answer("nobody"), "the same identity, the same decoy");
        assertFalse(Arrays.equals(decoy, answer("nobody-else")));
        assertEquals(2 * ThingPsk.KEY_LENGTH, answer("NOT a thing id!").length);
    }

    @Test
    void thingThatIsNotOperationalGetsADecoyNotItsKey() {
        ThingId lamp = hub.secretThing("lamp-2");
        byte[] real = ThingPsk.secret(hub.keys, lamp);
        hub.registry.transition(lamp, Transition.MAINTAIN);
        byte[] decoy = answer("lamp-2");
        assertEquals(real.length, decoy.length);
        assertFalse(Arrays.equals(real, decoy));
    }
}
