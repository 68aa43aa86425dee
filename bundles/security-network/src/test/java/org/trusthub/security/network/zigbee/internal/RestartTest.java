package org.trusthub.security.network.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.network.zigbee.ApsHeader;
import org.trusthub.security.network.zigbee.InstallCode;
import org.trusthub.security.network.zigbee.KeyId;
import org.trusthub.security.network.zigbee.NwkHeader;
import org.trusthub.security.network.zigbee.ZigbeeAuxHeader;
import org.trusthub.security.network.zigbee.ZigbeeCodec;
import org.trusthub.security.network.zigbee.ZigbeeIds;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException.Reason;
import org.trusthub.security.link.testing.RecordingRefusals;

/**
 * NWK and APS incoming counters across a simulated hub restart with the real keystore: a frame accepted before the
 * restart is refused after it, fresh ones are accepted; after a crash at most one block of fresh counters is lost.
 */
class RestartTest {

    private static final long DEV = 0x00124B0000000001L;
    private static final long OTHER = 0x00124B0000000002L;
    private static final String CODE = "83FED3407A939723A5C639B26916D505C3B5";

    @TempDir
    Path dir;
    FileThingKeyStore keystore;
    NwkSecurityProvider nwk;
    ApsSecurityProvider aps;
    RecordingRefusals refusals;
    final ThingId network = ZigbeeIds.network(0xDDDDDDDDDDDDDDDDL);
    final ThingId device = ZigbeeIds.device(DEV);

    @BeforeEach
    void setUp() {
        start(dir);
        nwk.ensureNetwork(network);
    }

    @AfterEach
    void tearDown() {
        keystore.close();
    }

    private void start(Path root) {
        keystore = FileThingKeyStore.open(root.resolve("store"), root.resolve("master.key"));
        nwk = new NwkSecurityProvider(keystore);
        aps = new ApsSecurityProvider(keystore);
        refusals = new RecordingRefusals();
        nwk.bindRefusals(refusals);
    }

    private void restart() {
        keystore.close();
        start(dir);
    }

    /** The store files as a crash leaves them, the keystore still open; the providers start over on the copy. */
    private void crash() throws Exception {
        Path copy = dir.resolve("crash");
        Files.createDirectories(copy.resolve("store"));
        for (String f : new String[] {"keys.snapshot", "keys.journal"}) {
            if (Files.exists(dir.resolve("store").resolve(f))) {
                Files.copy(dir.resolve("store").resolve(f), copy.resolve("store").resolve(f));
            }
        }
        Files.copy(dir.resolve("master.key"), copy.resolve("master.key"));
        keystore.close();
        start(copy);
    }

    private byte[] networkKey() {
        return nwk.currentKey(network).bytes();
    }

    private static byte[] frame(byte[] key, int seq, long from, long counter, byte payload) {
        return ZigbeeCodec.protectNwk(NwkHeader.simple(0, true, 0, 0x1234, 30, 1, from),
                new ZigbeeAuxHeader(KeyId.NETWORK_KEY, counter, from, seq), new byte[] {payload}, new CcmStar(key));
    }

    @Test
    void nwkFramesAcceptedBeforeARestartAreRefusedAfterItFreshOnesGoIn() throws Exception {
        byte[] key = networkKey();
        int seq = nwk.keySequence(network);
        byte[] first = frame(key, seq, DEV, 5, (byte) 1);
        byte[] second = frame(key, seq, DEV, 6, (byte) 2);
        nwk.unprotect(network, first);
        nwk.unprotect(network, second);
        restart();
        assertEquals(seq, nwk.ensureNetwork(network), "the same network key after the restart");
        for (byte[] captured : new byte[][] {first, second}) {
            assertEquals(Reason.REPLAY, assertThrows(ZigbeeSecurityException.class,
                    () -> nwk.unprotect(network, captured)).reason());
        }
        assertArrayEquals(new byte[] {3}, nwk.unprotect(network, frame(key, seq, DEV, 7, (byte) 3)).payload(),
                "a clean restart refuses no fresh counter");
        assertArrayEquals(new byte[] {4}, nwk.unprotect(network, frame(key, seq, OTHER, 0, (byte) 4)).payload(),
                "each sender has its own mark");
        assertEquals(2L, refusals.count(org.trusthub.api.security.RefusalReason.REPLAY));
    }

    @Test
    void afterACrashAtMostOneBlockOfFreshNwkCountersIsRefused() throws Exception {
        byte[] key = networkKey();
        int seq = nwk.keySequence(network);
        byte[] captured = frame(key, seq, DEV, 40, (byte) 1);
        nwk.unprotect(network, captured);
        crash();
        long block = FileThingKeyStore.DEFAULT_REPLAY_RESERVATION;
        assertEquals(Reason.REPLAY, assertThrows(ZigbeeSecurityException.class,
                () -> nwk.unprotect(network, captured)).reason());
        assertEquals(Reason.REPLAY, assertThrows(ZigbeeSecurityException.class,
                () -> nwk.unprotect(network, frame(key, seq, DEV, 40 + block - 1, (byte) 2))).reason());
        assertArrayEquals(new byte[] {3}, nwk.unprotect(network, frame(key, seq, DEV, 40 + block, (byte) 3))
                .payload());
    }

    @Test
    void aKeySwitchAfterARestartCarriesThePreviousKeysMarksOver() throws Exception {
        byte[] oldKey = networkKey();
        int seq = nwk.keySequence(network);
        byte[] captured = frame(oldKey, seq, DEV, 9, (byte) 1);
        nwk.unprotect(network, captured);
        restart();
        // The sender has not been heard since the restart; during the switch the old key still opens frames.
        int next = nwk.rotate(network);
        assertEquals(Reason.REPLAY, assertThrows(ZigbeeSecurityException.class,
                () -> nwk.unprotect(network, captured)).reason(), "the mark came along into the key switch");
        assertArrayEquals(new byte[] {2}, nwk.unprotect(network, frame(oldKey, seq, DEV, 10, (byte) 2)).payload());
        byte[] newKey = networkKey();
        assertArrayEquals(new byte[] {3}, nwk.unprotect(network, frame(newKey, next, DEV, 0, (byte) 3)).payload(),
                "the new key's counters start over");
        nwk.completeSwitch(network);
        restart();
        assertEquals(Reason.REPLAY, assertThrows(ZigbeeSecurityException.class,
                () -> nwk.unprotect(network, frame(newKey, next, DEV, 0, (byte) 3))).reason());
    }

    @Test
    void aRotationBehindTheProvidersBackKeepsThePreviousKeyOnlyForSendersSeenUnderIt() throws Exception {
        byte[] oldKey = networkKey();
        int seq = nwk.keySequence(network);
        nwk.unprotect(network, frame(oldKey, seq, DEV, 3, (byte) 1));
        byte[] beforeRestart = frame(oldKey, seq, OTHER, 3, (byte) 1);
        nwk.unprotect(network, beforeRestart);
        restart();
        nwk.unprotect(network, frame(oldKey, seq, DEV, 4, (byte) 1));
        keystore.rotate(network, Layer.NETWORK);
        byte[] newKey = networkKey();
        int next = nwk.keySequence(network) == seq ? (seq + 1) & 0xFF : nwk.keySequence(network);
        // the provider learns of the rotation from the keystore with the next frame under the new key
        assertArrayEquals(new byte[] {2}, nwk.unprotect(network, frame(newKey, next, DEV, 0, (byte) 2)).payload());
        assertEquals(Reason.REPLAY, assertThrows(ZigbeeSecurityException.class,
                () -> nwk.unprotect(network, frame(oldKey, seq, DEV, 4, (byte) 1))).reason());
        assertArrayEquals(new byte[] {5}, nwk.unprotect(network, frame(oldKey, seq, DEV, 5, (byte) 5)).payload());
        assertEquals(Reason.UNKNOWN_KEY, assertThrows(ZigbeeSecurityException.class,
                () -> nwk.unprotect(network, beforeRestart)).reason(),
                "a sender not seen since the restart: its mark is gone with the rotation, so it is refused");
    }

    @Test
    void apsFramesAcceptedBeforeARestartAreRefusedAfterItAndANewLinkKeyStartsOver() throws Exception {
        keystore.enroll(device, RootCredential.secret(new byte[32]));
        aps.storeInstallCode(device, InstallCode.parse(CODE));
        byte[] link = InstallCode.parse(CODE).linkKey();
        byte[] reply = ZigbeeCodec.protectAps(ApsHeader.command(2), new ZigbeeAuxHeader(KeyId.DATA_KEY, 8, DEV, -1),
                DEV, new byte[] {0x0E}, new CcmStar(link));
        assertArrayEquals(new byte[] {0x0E}, aps.unprotect(device, reply, DEV).payload());
        restart();
        assertEquals(Reason.REPLAY, assertThrows(ZigbeeSecurityException.class,
                () -> aps.unprotect(device, reply, DEV)).reason());
        byte[] fresh = ZigbeeCodec.protectAps(ApsHeader.command(3), new ZigbeeAuxHeader(KeyId.DATA_KEY, 9, DEV, -1),
                DEV, new byte[] {0x0F}, new CcmStar(link));
        assertArrayEquals(new byte[] {0x0F}, aps.unprotect(device, fresh, DEV).payload());

        // Re-commissioned with another install code: its counters start over under the new link key.
        String other = "11223344556677884AF7";
        aps.storeInstallCode(device, InstallCode.parse(other));
        byte[] newLink = InstallCode.parse(other).linkKey();
        byte[] restarted = ZigbeeCodec.protectAps(ApsHeader.command(4), new ZigbeeAuxHeader(KeyId.DATA_KEY, 0, DEV,
                -1), DEV, new byte[] {0x10}, new CcmStar(newLink));
        assertArrayEquals(new byte[] {0x10}, aps.unprotect(device, restarted, DEV).payload());
        assertEquals(Reason.MIC_FAILURE, assertThrows(ZigbeeSecurityException.class,
                () -> aps.unprotect(device, reply, DEV)).reason(), "frames under the old link key no longer open");
    }
}
