package org.trusthub.security.link.ieee802154.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.security.link.ieee802154.AuxSecurityHeader;
import org.trusthub.security.link.ieee802154.FrameSecurityException;
import org.trusthub.security.link.ieee802154.FrameSecurityException.Reason;
import org.trusthub.security.link.ieee802154.Ieee802154Security;
import org.trusthub.security.link.ieee802154.KeyIdentifier;
import org.trusthub.security.link.ieee802154.MacAddress;
import org.trusthub.security.link.ieee802154.MacFrame;
import org.trusthub.security.link.ieee802154.SecurityLevel;

/** The provider against the real keystore: keys, counters, replay refusal, unknown keys, rotation, revocation. */
class Ieee802154SecurityProviderTest {

    private static final long HUB = 0x00124B00000000AAL;
    private static final long DEVICE = 0x00124B0000000001L;
    private static final ThingId THING = ThingId.of("sensor-1");

    @TempDir
    Path dir;
    FileThingKeyStore keystore;
    Ieee802154SecurityProvider hub;
    Ieee802154SecurityProvider device;

    @BeforeEach
    void setUp() {
        keystore = FileThingKeyStore.open(dir.resolve("store"), dir.resolve("master.key"));
        keystore.enroll(THING, RootCredential.secret(new byte[32]));
        hub = new Ieee802154SecurityProvider(keystore);
        // The same keystore stands in for the device's own key material (both ends derive the same key).
        device = new Ieee802154SecurityProvider(keystore);
        hub.bindKey(KeyIdentifier.implicit(DEVICE), THING);
        device.bindKey(KeyIdentifier.implicit(HUB), THING);
        hub.bindKey(KeyIdentifier.source4(0x01020304L, 5), THING);
        device.bindKey(KeyIdentifier.source4(0x01020304L, 5), THING);
    }

    @AfterEach
    void tearDown() {
        keystore.close();
    }

    private MacFrame data(long from, byte[] payload) {
        return MacFrame.unsecured(MacFrame.Type.DATA, 1, 0x1234, MacAddress.shortAddress(0), 0x1234,
                MacAddress.extended(from), new byte[0], payload);
    }

    @Test
    void framesTravelBothWaysAndCountersComeFromTheKeystore() throws Exception {
        byte[] payload = {1, 2, 3};
        MacFrame sent = device.protect(data(DEVICE, payload), SecurityLevel.ENC_MIC_64, KeyIdentifier.implicit(HUB),
                DEVICE);
        MacFrame opened = hub.unprotect(sent.encode(), SecurityLevel.ENC_MIC_32, null);
        assertArrayEquals(payload, opened.privatePayload());
        MacFrame second = device.protect(data(DEVICE, payload), SecurityLevel.ENC_MIC_64, KeyIdentifier.implicit(HUB),
                DEVICE);
        long c1 = sent.aux().orElseThrow().frameCounter();
        long c2 = second.aux().orElseThrow().frameCounter();
        assertTrue(c2 > c1, "each frame takes a fresh counter");
        assertArrayEquals(payload, hub.unprotect(second.encode(), SecurityLevel.ENC_MIC_32, null).privatePayload());
    }

    @Test
    void replayedFrameIsRefusedAndCounted() throws Exception {
        byte[] onAir = device.protect(data(DEVICE, new byte[] {7}), SecurityLevel.ENC_MIC_32,
                KeyIdentifier.implicit(HUB), DEVICE).encode();
        hub.unprotect(onAir, SecurityLevel.ENC_MIC_32, null);
        FrameSecurityException e = assertThrows(FrameSecurityException.class,
                () -> hub.unprotect(onAir, SecurityLevel.ENC_MIC_32, null));
        assertEquals(Reason.REPLAY, e.reason());
        assertEquals(1L, hub.refusals().get(Reason.REPLAY));
    }

    @Test
    void forgedFrameDoesNotMoveTheCounter() throws Exception {
        MacFrame good = device.protect(data(DEVICE, new byte[] {7}), SecurityLevel.ENC_MIC_32,
                KeyIdentifier.implicit(HUB), DEVICE);
        // A forger takes a frame, raises its counter and breaks the MIC: refused, and the real frame still goes in.
        AuxSecurityHeader aux = good.aux().orElseThrow();
        byte[] forged = good.encode();
        int counterAt = good.header().length - aux.length() + 1;
        forged[counterAt + 3] = 0x7F;
        FrameSecurityException e = assertThrows(FrameSecurityException.class,
                () -> hub.unprotect(forged, SecurityLevel.ENC_MIC_32, null));
        assertEquals(Reason.MIC_FAILURE, e.reason());
        assertArrayEquals(new byte[] {7}, hub.unprotect(good.encode(), SecurityLevel.ENC_MIC_32, null)
                .privatePayload());
    }

    @Test
    void unknownKeyAndLowSecurityLevelAreRefused() throws Exception {
        MacFrame f = device.protect(data(DEVICE, new byte[] {1}), SecurityLevel.ENC_MIC_32,
                KeyIdentifier.source4(0x01020304L, 5), DEVICE);
        assertTrue(hub.unbindKey(KeyIdentifier.source4(0x01020304L, 5)));
        assertEquals(Reason.UNKNOWN_KEY, assertThrows(FrameSecurityException.class,
                () -> hub.unprotect(f.encode(), SecurityLevel.ENC_MIC_32, null)).reason());
        MacFrame micOnly = device.protect(data(DEVICE, new byte[] {1}), SecurityLevel.MIC_32,
                KeyIdentifier.implicit(HUB), DEVICE);
        assertEquals(Reason.SECURITY_LEVEL, assertThrows(FrameSecurityException.class,
                () -> hub.unprotect(micOnly.encode(), SecurityLevel.ENC_MIC_32, null)).reason());
        assertEquals(Reason.SECURITY_LEVEL, assertThrows(FrameSecurityException.class,
                () -> hub.unprotect(data(DEVICE, new byte[] {1}).encode(), SecurityLevel.MIC_32, null)).reason());
    }

    @Test
    void rotationAndRevocationCutOffTheOldKey() throws Exception {
        MacFrame before = device.protect(data(DEVICE, new byte[] {1}), SecurityLevel.ENC_MIC_32,
                KeyIdentifier.implicit(HUB), DEVICE);
        keystore.rotate(THING, Layer.LINK);
        hub.forget(THING); // what the keystore's ROTATED event does in OSGi
        assertEquals(Reason.MIC_FAILURE, assertThrows(FrameSecurityException.class,
                () -> hub.unprotect(before.encode(), SecurityLevel.ENC_MIC_32, null)).reason());
        // The device's cached key is stale: protect notices, takes the new key, and the hub opens the frame.
        MacFrame after = device.protect(data(DEVICE, new byte[] {2}), SecurityLevel.ENC_MIC_32,
                KeyIdentifier.implicit(HUB), DEVICE);
        assertArrayEquals(new byte[] {2}, hub.unprotect(after.encode(), SecurityLevel.ENC_MIC_32, null)
                .privatePayload());
        keystore.revoke(THING);
        hub.forget(THING);
        assertEquals(Reason.UNKNOWN_KEY, assertThrows(FrameSecurityException.class,
                () -> hub.unprotect(after.encode(), SecurityLevel.ENC_MIC_32, null)).reason());
        device.forget(THING);
        assertEquals(Reason.UNKNOWN_KEY, assertThrows(FrameSecurityException.class, () -> device.protect(
                data(DEVICE, new byte[] {3}), SecurityLevel.ENC_MIC_32, KeyIdentifier.implicit(HUB), DEVICE))
                .reason());
    }

    @Test
    void refusalsNeverCarryKeyBytes() throws Exception {
        byte[] key = keystore.deriveKey(THING, Layer.LINK, Ieee802154Security.MECHANISM, 16).bytes();
        String hex = java.util.HexFormat.of().formatHex(key);
        byte[] onAir = device.protect(data(DEVICE, new byte[] {7}), SecurityLevel.ENC_MIC_32,
                KeyIdentifier.implicit(HUB), DEVICE).encode();
        onAir[onAir.length - 1] ^= 1;
        FrameSecurityException e = assertThrows(FrameSecurityException.class,
                () -> hub.unprotect(onAir, SecurityLevel.ENC_MIC_32, null));
        assertFalse(e.getMessage().toLowerCase().contains(hex.substring(0, 8)));
        Arrays.fill(key, (byte) 0);
    }
}
