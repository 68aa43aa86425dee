package org.trusthub.security.network.zigbee;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.trusthub.security.link.ccm.CcmStar;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException.Reason;

class ZigbeeCodecTest {

    private static final byte[] KEY = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    private static final long SOURCE = 0x00124B0001ABCDEFL;

    @Test
    void nwkFrameRoundTripsWithLevelZeroOnTheAir() throws Exception {
        NwkHeader h = NwkHeader.simple(0, false, 0x0000, 0x1234, 30, 7, SOURCE);
        ZigbeeAuxHeader aux = new ZigbeeAuxHeader(KeyId.NETWORK_KEY, 99, SOURCE, 3);
        byte[] payload = "aps frame bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] frame = ZigbeeCodec.protectNwk(h, aux, payload, new CcmStar(KEY));
        int auxAt = h.length();
        assertEquals(0x28, frame[auxAt] & 0xFF, "level field 0, key id network key, extended nonce");
        ZigbeeFrame<NwkHeader> parsed = ZigbeeCodec.parseNwk(frame);
        assertEquals(aux, parsed.aux());
        assertEquals(h.withSecurity(true), parsed.header());
        assertArrayEquals(payload, ZigbeeCodec.openNwk(parsed, new CcmStar(KEY)).payload());
        assertEquals(h.length() + aux.length() + payload.length + 4, frame.length);
    }

    @Test
    void anyChangedByteOrWrongKeyFailsTheMic() throws Exception {
        NwkHeader h = NwkHeader.simple(0, false, 0x0000, 0x1234, 30, 7, SOURCE);
        byte[] frame = ZigbeeCodec.protectNwk(h, new ZigbeeAuxHeader(KeyId.NETWORK_KEY, 1, SOURCE, 0), new byte[] {5},
                new CcmStar(KEY));
        for (int i = 0; i < frame.length; i++) {
            if (i == h.length()) {
                continue; // the level bits of the security control are overwritten by design
            }
            byte[] t = frame.clone();
            t[i] ^= 0x40;
            try {
                ZigbeeFrame<NwkHeader> p = ZigbeeCodec.parseNwk(t);
                ZigbeeSecurityException e = assertThrows(ZigbeeSecurityException.class,
                        () -> ZigbeeCodec.openNwk(p, new CcmStar(KEY)));
                assertEquals(Reason.MIC_FAILURE, e.reason());
            } catch (ZigbeeSecurityException refusedEarlier) {
                // a header change may already make the frame malformed: refused either way
            }
        }
        byte[] other = KEY.clone();
        other[0] ^= 1;
        ZigbeeSecurityException e = assertThrows(ZigbeeSecurityException.class,
                () -> ZigbeeCodec.openNwk(ZigbeeCodec.parseNwk(frame), new CcmStar(other)));
        assertEquals(Reason.MIC_FAILURE, e.reason());
    }

    @Test
    void apsTransportKeyRoundTripsUnderTheKeyTransportKey() throws Exception {
        byte[] link = InstallCode.parse("83FED3407A939723A5C639B26916D505C3B5").linkKey();
        byte[] nwkKey = new byte[16];
        Arrays.fill(nwkKey, (byte) 0x5A);
        byte[] cmd = ApsCommand.transportNetworkKey(nwkKey, 4, 0x1122334455667788L, SOURCE);
        ZigbeeAuxHeader aux = new ZigbeeAuxHeader(KeyId.KEY_TRANSPORT_KEY, 0, SOURCE, -1);
        byte[] frame = ZigbeeCodec.protectAps(ApsHeader.command(1), aux, SOURCE, cmd,
                new CcmStar(KeyId.KEY_TRANSPORT_KEY.fromLinkKey(link)));
        ZigbeeFrame<ApsHeader> parsed = ZigbeeCodec.parseAps(frame);
        assertEquals(KeyId.KEY_TRANSPORT_KEY, parsed.aux().keyId());
        ZigbeeSecurityException wrong = assertThrows(ZigbeeSecurityException.class,
                () -> ZigbeeCodec.openAps(parsed, 0, new CcmStar(link)));
        assertEquals(Reason.MIC_FAILURE, wrong.reason(), "the plain link key must not open a key-transport frame");
        byte[] opened = ZigbeeCodec.openAps(parsed, 0, new CcmStar(KeyId.KEY_TRANSPORT_KEY.fromLinkKey(link)))
                .payload();
        ApsCommand.NetworkKeyTransport t = ApsCommand.parseTransportNetworkKey(opened);
        assertArrayEquals(nwkKey, t.key());
        assertEquals(4, t.keySequence());
        assertEquals(SOURCE, t.source());
    }

    @Test
    void apsDataHeaderRoundTrips() throws Exception {
        ApsHeader h = ApsHeader.data(1, 0x0006, 0x0104, 1, 200);
        assertEquals(h, ApsHeader.parse(h.encode(), 0));
        ApsHeader group = new ApsHeader(0, 3, false, false, true, -1, 0xABCD, 8, 0x0104, 2, 3, 1, 4, -1);
        assertEquals(group, ApsHeader.parse(group.encode(), 0));
    }

    @Test
    void malformedFramesAreRefusedWithTheirReason() {
        assertReason(Reason.MALFORMED, () -> ZigbeeCodec.parseNwk(new byte[] {0x08, 0x02, 0, 0}));
        assertReason(Reason.MALFORMED, () -> ZigbeeCodec.parseNwk(new byte[] {0x02, 0x02, 0, 0, 0, 0, 1, 1}));
        // secured, but no room for the auxiliary header
        assertReason(Reason.BAD_AUX_HEADER, () -> ZigbeeCodec.parseNwk(new byte[] {0x08, 0x02, 0, 0, 0, 0, 1, 1, 0x28}));
        // auxiliary header without the extended nonce
        assertReason(Reason.BAD_AUX_HEADER,
                () -> ZigbeeCodec.parseNwk(new byte[] {0x08, 0x02, 0, 0, 0, 0, 1, 1, 0x08, 0, 0, 0, 0, 0, 1, 2, 3, 4}));
        // security level 3 in the auxiliary header
        assertReason(Reason.BAD_AUX_HEADER, () -> ZigbeeAuxHeader.parse(new byte[] {0x03, 0, 0, 0, 0}, 0));
        assertReason(Reason.MALFORMED, () -> ApsHeader.parse(new byte[] {0x00, 1, 6, 0}, 0));
        assertReason(Reason.MALFORMED, () -> ApsHeader.parse(new byte[] {0x04, 1, 6, 0, 4, 1, 1, 0}, 0));
        assertReason(Reason.MALFORMED, () -> ApsCommand.parseTransportNetworkKey(new byte[] {0x05, 0x01, 1, 2}));
        assertReason(Reason.MALFORMED, () -> ApsCommand.parseSwitchKey(new byte[] {0x09}));
    }

    interface Parse {
        Object run() throws ZigbeeSecurityException;
    }

    private static void assertReason(Reason reason, Parse p) {
        ZigbeeSecurityException e = assertThrows(ZigbeeSecurityException.class, p::run);
        assertEquals(reason, e.reason(), e.getMessage());
    }
}
