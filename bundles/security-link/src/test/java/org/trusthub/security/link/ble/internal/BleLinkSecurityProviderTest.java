package org.trusthub.security.link.ble.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
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
import org.trusthub.security.link.ble.BleLinkSecurity;
import org.trusthub.security.link.ble.BleSecurityException;
import org.trusthub.security.link.ble.BleSecurityException.Reason;
import org.trusthub.security.link.ble.DataPdu;
import org.trusthub.security.link.ble.EncryptionStart;
import org.trusthub.security.link.ble.LinkCipher;
import org.trusthub.security.link.ble.LinkSession;
import org.trusthub.security.link.testing.RecordingRefusals;

/** The provider against the real keystore: sessions from the stored LTK, unknown keys, forgetting, rotation. */
class BleLinkSecurityProviderTest {

    static final ThingId THING = ThingId.of("ble-c0514d000001");
    static final byte[] LTK = HexFormat.of().parseHex("4C68384139F574D836BCF34E9DFB01BF");
    static final EncryptionStart START = new EncryptionStart(HexFormat.of().parseHex("ACBDCEDFE0F10213"),
            HexFormat.of().parseHex("BADCAB24"), HexFormat.of().parseHex("0213243546576879"),
            HexFormat.of().parseHex("DEAFBABE"));

    @TempDir
    Path dir;
    FileThingKeyStore keystore;
    BleLinkSecurityProvider provider;
    final RecordingRefusals refusals = new RecordingRefusals();

    @BeforeEach
    void open() throws Exception {
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"), Clock.systemUTC(),
                FileThingKeyStore.DEFAULT_COUNTER_RESERVATION, e -> { });
        provider = new BleLinkSecurityProvider(keystore);
        provider.bindRefusals(refusals);
        keystore.enroll(THING, RootCredential.secret(new byte[32]));
    }

    @AfterEach
    void close() {
        keystore.close();
    }

    @Test
    void aSessionUsesTheBondedLtkFromTheKeystore() {
        keystore.storeKey(THING, Layer.LINK, BleLinkSecurity.LTK, LTK);
        LinkSession hub = provider.open(THING, LinkCipher.Role.CENTRAL, START);
        // the sample data's first packet: the session key came from the stored LTK
        assertEquals("0f059fcda7f448", HexFormat.of().formatHex(bumpHeader(hub.send(DataPdu.LLID_CONTROL,
                new byte[] { 0x06 }))));
        LinkSession device = new LinkSession(LinkCipher.fromLtk(LTK, START, LinkCipher.Role.PERIPHERAL), null);
        byte[] reply = device.send(DataPdu.LLID_CONTROL, new byte[] { 0x06 });
        assertArrayEquals(new byte[] { 0x06 }, hub.receive(reply).payload());
    }

    /** The sample's header has SN and NESN set; ours starts at 0 and the header is not in the ciphertext. */
    private static byte[] bumpHeader(byte[] pdu) {
        pdu[0] |= 0x0C;
        return pdu;
    }

    @Test
    void noBondIsAnUnknownKeyAndIsReportedInTheHubsVocabulary() {
        BleSecurityException e = assertThrows(BleSecurityException.class,
                () -> provider.open(THING, LinkCipher.Role.CENTRAL, START));
        assertEquals(Reason.UNKNOWN_KEY, e.reason());
        assertThrows(BleSecurityException.class,
                () -> provider.open(ThingId.of("ble-unknown"), LinkCipher.Role.CENTRAL, START));
        assertEquals(List.of(
                new RecordingRefusals.Refusal(Optional.of(THING), Layer.LINK, "ble-ll-aes-ccm",
                        RefusalReason.UNKNOWN_KEY),
                new RecordingRefusals.Refusal(Optional.of(ThingId.of("ble-unknown")), Layer.LINK, "ble-ll-aes-ccm",
                        RefusalReason.UNKNOWN_KEY)), refusals.seen);
    }

    @Test
    void aForgedPacketOnAnOpenLinkIsReportedForItsThing() {
        keystore.storeKey(THING, Layer.LINK, BleLinkSecurity.LTK, LTK);
        LinkSession hub = provider.open(THING, LinkCipher.Role.CENTRAL, START);
        LinkSession device = new LinkSession(LinkCipher.fromLtk(LTK, START, LinkCipher.Role.PERIPHERAL), null);
        byte[] reply = device.send(DataPdu.LLID_START, new byte[] { 1, 2, 3 });
        reply[reply.length - 1] ^= 1;
        assertEquals(Reason.MIC_FAILURE, assertThrows(BleSecurityException.class, () -> hub.receive(reply)).reason());
        assertEquals(List.of(new RecordingRefusals.Refusal(Optional.of(THING), Layer.LINK, "ble-ll-aes-ccm",
                RefusalReason.FORGED)), refusals.seen);
    }

    @Test
    void sessionsListTheOpenLinksAsConfidentialHopByHopWithoutKeys() {
        assertEquals(List.of(), provider.sessions(THING));
        keystore.storeKey(THING, Layer.LINK, BleLinkSecurity.LTK, LTK);
        provider.open(THING, LinkCipher.Role.CENTRAL, START);
        List<Authenticated> sessions = provider.sessions(THING);
        assertEquals(1, sessions.size());
        Authenticated s = sessions.get(0);
        assertEquals(THING, s.thing());
        assertEquals(Layer.LINK, s.layer());
        assertEquals("ble-lesc", s.mechanism());
        assertEquals(Protection.confidentiality(), s.protection());
        assertFalse(s.toString().toLowerCase().contains(HexFormat.of().formatHex(LTK).toLowerCase()));
        provider.forget(THING);
        assertEquals(List.of(), provider.sessions(THING));
    }

    @Test
    void aLinkKeyedByALegacyBondIsItsOwnMechanismAndClaimsNoProtection() {
        keystore.storeKey(THING, Layer.LINK, BleLinkSecurity.LEGACY_LTK, LTK);
        LinkSession hub = provider.open(THING, LinkCipher.Role.CENTRAL, START);
        assertTrue(hub.legacy());
        assertEquals(List.of(new Authenticated(THING, Layer.LINK, "ble-legacy", Protection.NONE, hub.id())),
                provider.sessions(THING));
        assertEquals(provider.sessions(THING), List.of(BleLinkSecurity.authenticated(THING, hub)));
    }

    @Test
    void everyDetailedReasonHasAHubWideOne() {
        assertEquals(RefusalReason.FORGED, Reason.MIC_FAILURE.common());
        assertEquals(RefusalReason.POLICY, Reason.LEGACY_REFUSED.common());
        assertEquals(RefusalReason.NOT_OPERATIONAL, Reason.CLOSED.common());
        assertEquals(RefusalReason.NOT_OPERATIONAL, Reason.PROVIDER_ABSENT.common());
        for (Reason r : Reason.values()) {
            assertNotNull(r.common());
        }
    }

    @Test
    void forgettingClosesOpenSessionsAndRotationDestroysTheBond() {
        keystore.storeKey(THING, Layer.LINK, BleLinkSecurity.LTK, LTK);
        LinkSession hub = provider.open(THING, LinkCipher.Role.CENTRAL, START);
        provider.forget(THING);
        assertTrue(hub.isClosed());
        assertEquals(Reason.CLOSED, assertThrows(BleSecurityException.class,
                () -> hub.send(DataPdu.LLID_START, new byte[] { 1 })).reason());
        keystore.rotate(THING, Layer.LINK);
        assertEquals(Reason.UNKNOWN_KEY, assertThrows(BleSecurityException.class,
                () -> provider.open(THING, LinkCipher.Role.CENTRAL, START)).reason());
    }
}
