package org.trusthub.security.link.ieee802154.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.link.ieee802154.AuxSecurityHeader;
import org.trusthub.security.link.ieee802154.FrameCodec;
import org.trusthub.security.link.ieee802154.KeyIdMode;
import org.trusthub.security.link.ieee802154.FrameSecurityException;
import org.trusthub.security.link.ieee802154.FrameSecurityException.Reason;
import org.trusthub.security.link.ieee802154.Ieee802154Security;
import org.trusthub.security.link.ieee802154.KeyIdentifier;
import org.trusthub.security.link.ieee802154.MacAddress;
import org.trusthub.security.link.ieee802154.MacFrame;
import org.trusthub.security.link.ieee802154.SecurityLevel;
import org.trusthub.security.link.testing.RecordingRefusals;

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
    RecordingRefusals refusals = new RecordingRefusals();

    @BeforeEach
    void setUp() {
        keystore = FileThingKeyStore.open(dir.resolve("store"), dir.resolve("master.key"));
        keystore.enroll(THING, RootCredential.secret(new byte[32]));
        hub = new Ieee802154SecurityProvider(keystore);
        hub.bindRefusals(refusals);
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
        assertEquals(List.of(new RecordingRefusals.Refusal(Optional.of(THING), Layer.LINK,
                Ieee802154Security.MECHANISM, RefusalReason.REPLAY)), refusals.seen);
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
        assertEquals(List.of(RefusalReason.UNKNOWN_KEY, RefusalReason.POLICY, RefusalReason.POLICY),
                refusals.seen.stream().map(RecordingRefusals.Refusal::reason).toList(),
                "each refusal reported once, in the hub's vocabulary");
        assertEquals(Optional.empty(), refusals.seen.get(0).thing(), "an unbound key names no thing");
    }

    @Test
    void aForgedFrameIsReportedAsForgedAndANoLongerBoundProviderReportsNothing() throws Exception {
        byte[] onAir = device.protect(data(DEVICE, new byte[] {7}), SecurityLevel.ENC_MIC_32,
                KeyIdentifier.implicit(HUB), DEVICE).encode();
        onAir[onAir.length - 1] ^= 1;
        assertThrows(FrameSecurityException.class, () -> hub.unprotect(onAir, SecurityLevel.ENC_MIC_32, null));
        assertEquals(1L, refusals.count(RefusalReason.FORGED));
        hub.unbindRefusals(refusals);
        assertThrows(FrameSecurityException.class, () -> hub.unprotect(onAir, SecurityLevel.ENC_MIC_32, null));
        assertEquals(1, refusals.seen.size(), "after the refusal service went, the provider still refuses");
    }

    @Test
    void sessionsNameTheKeyGenerationAndTheLastLevelNeverTheKey() throws Exception {
        assertEquals(List.of(), hub.sessions(THING), "no key held before the first frame");
        hub.unprotect(device.protect(data(DEVICE, new byte[] {1}), SecurityLevel.MIC_64, KeyIdentifier.implicit(HUB),
                DEVICE).encode(), SecurityLevel.MIC_32, null);
        Authenticated s = hub.sessions(THING).get(0);
        assertEquals(Protection.integrity(), s.protection(), "MIC only: integrity, hop by hop");
        assertEquals("key generation 1", s.session());
        hub.unprotect(device.protect(data(DEVICE, new byte[] {1}), SecurityLevel.ENC_MIC_32,
                KeyIdentifier.implicit(HUB), DEVICE).encode(), SecurityLevel.MIC_32, null);
        assertEquals(Protection.confidentiality(), hub.sessions(THING).get(0).protection());
        hub.forget(THING);
        assertEquals(List.of(), hub.sessions(THING));
    }

    @Test
    void rotationAndRevocationCutOffTheOldKey() throws Exception {
        MacFrame before = device.protect(data(DEVICE, new byte[] {1}), SecurityLevel.ENC_MIC_32,
                KeyIdentifier.implicit(HUB), DEVICE);
        keystore.rotate(THING, Layer.LINK);
        hub.forget(THING); // what the lifecycle dispatcher does on a LINK rotation
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
    // A frame from the device with a counter of our choosing, secured with the current LINK key.
    private byte[] withCounter(FileThingKeyStore store, long counter, byte payload) {
        var key = store.deriveKey(THING, Layer.LINK, Ieee802154Security.MECHANISM, 16);
        byte[] bytes = key.bytes();
        CcmStar ccm = new CcmStar(bytes);
        try {
            AuxSecurityHeader aux = new AuxSecurityHeader(SecurityLevel.ENC_MIC_32, KeyIdMode.IMPLICIT, counter, 0, 0);
            return FrameCodec.protect(data(DEVICE, new byte[] {payload}), aux, ccm, DEVICE).encode();
        } finally {
            ccm.destroy();
            key.destroy();
            Arrays.fill(bytes, (byte) 0);
        }
    }

    @Test
    void aFrameAcceptedBeforeARestartIsRefusedAfterItAndFreshOnesGoIn() throws Exception {
        byte[] first = device.protect(data(DEVICE, new byte[] {1}), SecurityLevel.ENC_MIC_32,
                KeyIdentifier.implicit(HUB), DEVICE).encode();
        byte[] second = device.protect(data(DEVICE, new byte[] {2}), SecurityLevel.ENC_MIC_32,
                KeyIdentifier.implicit(HUB), DEVICE).encode();
        hub.unprotect(first, SecurityLevel.ENC_MIC_32, null);
        hub.unprotect(second, SecurityLevel.ENC_MIC_32, null);
        keystore.close();

        keystore = FileThingKeyStore.open(dir.resolve("store"), dir.resolve("master.key"));
        Ieee802154SecurityProvider restarted = new Ieee802154SecurityProvider(keystore);
        RecordingRefusals afterRestart = new RecordingRefusals();
        restarted.bindRefusals(afterRestart);
        restarted.bindKey(KeyIdentifier.implicit(DEVICE), THING);
        for (byte[] captured : new byte[][] {first, second}) {
            FrameSecurityException e = assertThrows(FrameSecurityException.class,
                    () -> restarted.unprotect(captured, SecurityLevel.ENC_MIC_32, null));
            assertEquals(Reason.REPLAY, e.reason(), e.getMessage());
        }
        long last = MacFrame.parse(second).aux().orElseThrow().frameCounter();
        assertArrayEquals(new byte[] {3}, restarted.unprotect(withCounter(keystore, last + 1, (byte) 3),
                SecurityLevel.ENC_MIC_32, null).privatePayload(), "a clean restart refuses no fresh counter");
        assertEquals(2L, afterRestart.count(RefusalReason.REPLAY));
    }

    @Test
    void afterACrashAtMostOneBlockOfFreshCountersIsRefused() throws Exception {
        hub.unprotect(withCounter(keystore, 100, (byte) 1), SecurityLevel.ENC_MIC_32, null); // writes 100 + 31
        byte[] captured = withCounter(keystore, 101, (byte) 2);
        hub.unprotect(captured, SecurityLevel.ENC_MIC_32, null);
        // the files as a crash leaves them, the keystore still open
        Path crash = dir.resolve("crash");
        java.nio.file.Files.createDirectories(crash.resolve("store"));
        for (String f : new String[] {"keys.snapshot", "keys.journal"}) {
            Path from = dir.resolve("store").resolve(f);
            if (java.nio.file.Files.exists(from)) {
                java.nio.file.Files.copy(from, crash.resolve("store").resolve(f));
            }
        }
        java.nio.file.Files.copy(dir.resolve("master.key"), crash.resolve("master.key"));
        try (FileThingKeyStore after = FileThingKeyStore.open(crash.resolve("store"), crash.resolve("master.key"))) {
            Ieee802154SecurityProvider restarted = new Ieee802154SecurityProvider(after);
            restarted.bindKey(KeyIdentifier.implicit(DEVICE), THING);
            assertEquals(Reason.REPLAY, assertThrows(FrameSecurityException.class,
                    () -> restarted.unprotect(captured, SecurityLevel.ENC_MIC_32, null)).reason());
            long block = FileThingKeyStore.DEFAULT_REPLAY_RESERVATION;
            assertEquals(Reason.REPLAY, assertThrows(FrameSecurityException.class, () -> restarted.unprotect(
                    withCounter(after, 100 + block - 1, (byte) 3), SecurityLevel.ENC_MIC_32, null)).reason(),
                    "fresh counters within the block written ahead are the price of the crash");
            assertArrayEquals(new byte[] {4}, restarted.unprotect(withCounter(after, 100 + block, (byte) 4),
                    SecurityLevel.ENC_MIC_32, null).privatePayload());
        }
    }

    @Test
    void aRotationTheProviderHasNotHeardOfStillStartsTheNewKeysMarksOver() throws Exception {
        hub.unprotect(withCounter(keystore, 500, (byte) 1), SecurityLevel.ENC_MIC_32, null);
        keystore.rotate(THING, Layer.LINK); // no forget(): the provider finds out from the keystore
        assertArrayEquals(new byte[] {2}, hub.unprotect(withCounter(keystore, 0, (byte) 2), SecurityLevel.ENC_MIC_32,
                null).privatePayload(), "the new key's counters start at 0");
        assertEquals(Reason.REPLAY, assertThrows(FrameSecurityException.class, () -> hub.unprotect(
                withCounter(keystore, 0, (byte) 2), SecurityLevel.ENC_MIC_32, null)).reason());
    }
}
