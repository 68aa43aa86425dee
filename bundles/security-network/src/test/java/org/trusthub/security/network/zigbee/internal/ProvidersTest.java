package org.trusthub.security.network.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.security.network.zigbee.ZigbeeApsSecurity;
import org.trusthub.security.network.zigbee.ZigbeeNwkSecurity;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.CounterExhaustedException;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.ReplayMarks;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.network.zigbee.ApsCommand;
import org.trusthub.security.network.zigbee.ApsHeader;
import org.trusthub.security.network.zigbee.InstallCode;
import org.trusthub.security.network.zigbee.KeyId;
import org.trusthub.security.network.zigbee.NwkHeader;
import org.trusthub.security.network.zigbee.ZigbeeAuxHeader;
import org.trusthub.security.network.zigbee.ZigbeeCodec;
import org.trusthub.security.network.zigbee.ZigbeeFrame;
import org.trusthub.security.network.zigbee.ZigbeeIds;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException.Reason;
import org.trusthub.security.link.testing.RecordingRefusals;

/** The NWK and APS providers against the real keystore. */
class ProvidersTest {

    private static final long HUB = 0x00124B00000000AAL;
    private static final long DEV = 0x00124B0000000001L;
    private static final String CODE = "83FED3407A939723A5C639B26916D505C3B5";

    @TempDir
    Path dir;
    FileThingKeyStore keystore;
    NwkSecurityProvider nwk;
    ApsSecurityProvider aps;
    RecordingRefusals refusals = new RecordingRefusals();
    ThingId network = ZigbeeIds.network(0xDDDDDDDDDDDDDDDDL);
    ThingId device = ZigbeeIds.device(DEV);

    @BeforeEach
    void setUp() {
        keystore = FileThingKeyStore.open(dir.resolve("store"), dir.resolve("master.key"));
        nwk = new NwkSecurityProvider(keystore);
        aps = new ApsSecurityProvider(keystore);
        nwk.bindRefusals(refusals);
        aps.bindRefusals(refusals);
    }

    @AfterEach
    void tearDown() {
        keystore.close();
    }

    /** A device's NWK frame, secured with a key it holds (not through the hub's provider). */
    private static byte[] deviceFrame(byte[] key, int seq, long counter, byte[] payload) {
        return ZigbeeCodec.protectNwk(NwkHeader.simple(0, true, 0, 0x1234, 30, 1, DEV),
                new ZigbeeAuxHeader(KeyId.NETWORK_KEY, counter, DEV, seq), payload, new CcmStar(key));
    }

    @Test
    void networkKeyLivesInTheKeystoreAndItsSequenceFollowsTheGeneration() throws Exception {
        int seq = nwk.ensureNetwork(network);
        assertTrue(keystore.isActive(network));
        assertEquals(seq, nwk.ensureNetwork(network), "a second call enrolls nothing new");
        DerivedKey key = nwk.currentKey(network);
        assertEquals(key.generation() & 0xFF, seq);

        byte[] fromHub = nwk.protect(network, NwkHeader.simple(0, false, 0x1234, 0, 30, 1, HUB), new byte[] {9}, HUB);
        ZigbeeFrame<NwkHeader> parsed = ZigbeeCodec.parseNwk(fromHub);
        assertArrayEquals(new byte[] {9}, ZigbeeCodec.openNwk(parsed, new CcmStar(key.bytes())).payload());

        byte[] fromDevice = deviceFrame(key.bytes(), seq, 5, new byte[] {1, 2});
        assertArrayEquals(new byte[] {1, 2}, nwk.unprotect(network, fromDevice).payload());
        assertEquals(Reason.REPLAY,
                assertThrows(ZigbeeSecurityException.class, () -> nwk.unprotect(network, fromDevice)).reason());
        assertEquals(Reason.REPLAY, assertThrows(ZigbeeSecurityException.class,
                () -> nwk.unprotect(network, deviceFrame(key.bytes(), seq, 4, new byte[] {1}))).reason());
        assertEquals(Reason.COUNTER_EXHAUSTED, assertThrows(ZigbeeSecurityException.class,
                () -> nwk.unprotect(network, deviceFrame(key.bytes(), seq, 0xFFFFFFFFL, new byte[] {1}))).reason());
        assertEquals(List.of(RefusalReason.REPLAY, RefusalReason.REPLAY, RefusalReason.COUNTER_EXHAUSTED),
                refusals.seen.stream().map(RecordingRefusals.Refusal::reason).toList());
        assertEquals(new RecordingRefusals.Refusal(Optional.of(device), Layer.NETWORK, ZigbeeNwkSecurity.MECHANISM,
                RefusalReason.COUNTER_EXHAUSTED), refusals.seen.get(2), "counted against the sending device");
    }

    @Test
    void aSenderTheAdmissionRefusesLeavesNoReplayMarkAndIsCountedByTheAdmissionOnly() throws Exception {
        int seq = nwk.ensureNetwork(network);
        DerivedKey key = nwk.currentKey(network);
        List<Long> asked = new java.util.ArrayList<>();
        ZigbeeSecurityException e = assertThrows(ZigbeeSecurityException.class, () -> nwk.unprotect(network,
                deviceFrame(key.bytes(), seq, 5, new byte[] {1}), frame -> asked.add(frame.aux().source()) && false));
        assertEquals(Reason.NOT_ADMITTED, e.reason());
        assertEquals(List.of(DEV), asked, "asked once the MIC checked, with the authentic frame");
        assertEquals(-1, keystore.replayMark(key, ReplayMarks.fromAddress(DEV)), "no mark for a refused sender");
        assertEquals(Map.of(), keystore.replayMarks(key));
        assertEquals(List.of(), refusals.seen, "the admission counts its own refusals");

        assertEquals(Reason.MIC_FAILURE, assertThrows(ZigbeeSecurityException.class, () -> nwk.unprotect(network,
                deviceFrame(new byte[16], seq, 6, new byte[] {1}), frame -> {
                    throw new AssertionError("a forged frame never reaches the admission");
                })).reason());
        assertArrayEquals(new byte[] {1}, nwk.unprotect(network, deviceFrame(key.bytes(), seq, 5, new byte[] {1}),
                frame -> true).payload(), "admitted, the same frame is taken: nothing of the refusal stayed");
    }

    @Test
    void aFullMarkTableIsCounterExhaustedNotReplay() throws Exception {
        // The keystore's answer once a key holds as many marks as one key may have (ReplayMarkTest fills one).
        ThingKeyStore full = (ThingKeyStore) java.lang.reflect.Proxy.newProxyInstance(
                ThingKeyStore.class.getClassLoader(), new Class<?>[] {ThingKeyStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("advanceReplayMark")) {
                        DerivedKey k = (DerivedKey) args[0];
                        throw new CounterExhaustedException(k.thing(), k.layer(), k.mechanism() + " replay marks",
                                16_384);
                    }
                    try {
                        return method.invoke(keystore, args);
                    } catch (java.lang.reflect.InvocationTargetException t) {
                        throw t.getCause();
                    }
                });
        NwkSecurityProvider onFull = new NwkSecurityProvider(full);
        onFull.bindRefusals(refusals);
        int seq = onFull.ensureNetwork(network);
        ZigbeeSecurityException e = assertThrows(ZigbeeSecurityException.class, () -> onFull.unprotect(network,
                deviceFrame(onFull.currentKey(network).bytes(), seq, 1, new byte[] {1}), frame -> true));
        assertEquals(Reason.COUNTER_EXHAUSTED, e.reason());
        assertTrue(e.getMessage().contains("rotate the network key"), e.getMessage());
        assertEquals(List.of(new RecordingRefusals.Refusal(Optional.of(device), Layer.NETWORK,
                ZigbeeNwkSecurity.MECHANISM, RefusalReason.COUNTER_EXHAUSTED)), refusals.seen);
    }

    @Test
    void rotationKeepsThePreviousKeyOnlyUntilTheSwitch() throws Exception {
        int seq = nwk.ensureNetwork(network);
        byte[] oldKey = nwk.currentKey(network).bytes();
        int next = nwk.rotate(network);
        assertEquals((seq + 1) & 0xFF, next);
        byte[] newKey = nwk.currentKey(network).bytes();
        assertFalse(java.util.Arrays.equals(oldKey, newKey));
        assertArrayEquals(new byte[] {1}, nwk.unprotect(network, deviceFrame(oldKey, seq, 1, new byte[] {1})).payload());
        nwk.completeSwitch(network);
        ZigbeeSecurityException e = assertThrows(ZigbeeSecurityException.class,
                () -> nwk.unprotect(network, deviceFrame(oldKey, seq, 2, new byte[] {1})));
        assertEquals(Reason.UNKNOWN_KEY, e.reason());
        assertArrayEquals(new byte[] {3}, nwk.unprotect(network, deviceFrame(newKey, next, 1, new byte[] {3})).payload());
        // A device still on the old key but claiming the new sequence number fails the MIC.
        assertEquals(Reason.MIC_FAILURE, assertThrows(ZigbeeSecurityException.class,
                () -> nwk.unprotect(network, deviceFrame(oldKey, next, 9, new byte[] {1}))).reason());
    }

    @Test
    void unsecuredAndMalformedNwkFramesAreRefused() {
        nwk.ensureNetwork(network);
        byte[] plain = NwkHeader.simple(0, false, 0, 0x1234, 30, 1, DEV).encode();
        assertEquals(Reason.UNSECURED,
                assertThrows(ZigbeeSecurityException.class, () -> nwk.unprotect(network, plain)).reason());
        assertEquals(Reason.MALFORMED,
                assertThrows(ZigbeeSecurityException.class, () -> nwk.unprotect(network, new byte[] {1})).reason());
    }

    @Test
    void installCodeLinkKeyCarriesTheNetworkKeyToTheDevice() throws Exception {
        nwk.ensureNetwork(network);
        keystore.enroll(device, RootCredential.secret(new byte[32]));
        aps.storeInstallCode(device, InstallCode.parse(CODE));
        assertTrue(aps.hasLinkKey(device));
        byte[] networkKey = nwk.currentKey(network).bytes();
        byte[] cmd = ApsCommand.transportNetworkKey(networkKey, nwk.keySequence(network), DEV, HUB);
        byte[] frame = aps.protect(device, ApsHeader.command(1), KeyId.KEY_TRANSPORT_KEY, cmd, HUB, true);

        // The device only knows its install code.
        byte[] deviceLink = InstallCode.parse(CODE).linkKey();
        ZigbeeFrame<ApsHeader> parsed = ZigbeeCodec.parseAps(frame);
        byte[] opened = ZigbeeCodec.openAps(parsed, HUB, new CcmStar(KeyId.KEY_TRANSPORT_KEY.fromLinkKey(deviceLink)))
                .payload();
        assertArrayEquals(networkKey, ApsCommand.parseTransportNetworkKey(opened).key());

        // A device with another install code cannot open it.
        byte[] otherLink = InstallCode.parse("11223344556677884AF7").linkKey();
        assertEquals(Reason.MIC_FAILURE, assertThrows(ZigbeeSecurityException.class, () -> ZigbeeCodec.openAps(parsed,
                HUB, new CcmStar(KeyId.KEY_TRANSPORT_KEY.fromLinkKey(otherLink)))).reason());

        // A device's APS reply under its link key is opened, a replay is refused.
        byte[] reply = ZigbeeCodec.protectAps(ApsHeader.command(2), new ZigbeeAuxHeader(KeyId.DATA_KEY, 1, DEV, -1),
                DEV, new byte[] {0x0E}, new CcmStar(deviceLink));
        assertArrayEquals(new byte[] {0x0E}, aps.unprotect(device, reply, DEV).payload());
        assertEquals(Reason.REPLAY,
                assertThrows(ZigbeeSecurityException.class, () -> aps.unprotect(device, reply, DEV)).reason());

        assertTrue(aps.deleteLinkKey(device));
        assertFalse(aps.hasLinkKey(device));
        assertEquals(Reason.UNKNOWN_KEY, assertThrows(ZigbeeSecurityException.class, () -> aps.protect(device,
                ApsHeader.command(3), KeyId.KEY_TRANSPORT_KEY, cmd, HUB, true)).reason());
        assertEquals(new RecordingRefusals.Refusal(Optional.of(device), Layer.NETWORK, ZigbeeApsSecurity.MECHANISM,
                RefusalReason.UNKNOWN_KEY), refusals.seen.get(refusals.seen.size() - 1));
        assertEquals(1L, refusals.count(RefusalReason.REPLAY), "the replayed APS reply, once");
    }

    @Test
    void sessionsNameKeySequenceAndLinkKeyGenerationWithTheirProtection() throws Exception {
        int seq = nwk.ensureNetwork(network);
        keystore.enroll(device, RootCredential.secret(new byte[32]));
        assertEquals(List.of(), nwk.sessions(device), "no frame from the device yet");
        assertEquals(List.of(), aps.sessions(device), "no link key yet");
        nwk.unprotect(network, deviceFrame(nwk.currentKey(network).bytes(), seq, 1, new byte[] {1}));
        assertEquals(List.of(new Authenticated(device, Layer.NETWORK, ZigbeeNwkSecurity.MECHANISM,
                Protection.confidentiality(), network.value() + " key sequence " + seq)), nwk.sessions(device));
        assertEquals(List.of(new Authenticated(network, Layer.NETWORK, ZigbeeNwkSecurity.MECHANISM,
                Protection.confidentiality(), "key sequence " + seq)), nwk.sessions(network));
        aps.storeInstallCode(device, InstallCode.parse(CODE));
        Authenticated link = aps.sessions(device).get(0);
        assertEquals(Protection.confidentiality().endToEnd(), link.protection());
        assertTrue(link.session().startsWith("link key generation "), link.session());
        nwk.forget(network);
        assertEquals(List.of(), nwk.sessions(device), "forgotten with the network's keys");
    }
}
