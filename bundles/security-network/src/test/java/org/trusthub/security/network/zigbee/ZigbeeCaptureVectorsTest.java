package org.trusthub.security.network.zigbee;

import org.trusthub.security.link.ccm.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.trusthub.security.link.ccm.CcmStar;

/**
 * Frames secured by other ZigBee implementations (captured on the air): our codec must open them to the known
 * plaintexts and, given the same header, counter and key, produce the very same bytes. This pins the nonce byte
 * order, the level-5 substitution and the authenticated data to what real devices do.
 */
class ZigbeeCaptureVectorsTest {

    private static final HexFormat HEX = HexFormat.of();

    private static Map<String, Object> vectors() throws Exception {
        return Json.obj(Json.resource(ZigbeeCaptureVectorsTest.class, "/testvectors/zigbee-captures.json"));
    }

    @Test
    void apsTransportKeyUnderTheDefaultTrustCenterLinkKey() throws Exception {
        Map<String, Object> v = Json.obj(vectors().get("aps_transport_key"));
        byte[] frame = Json.hex(v.get("frame"));
        byte[] tcLinkKey = "ZigBeeAlliance09".getBytes(StandardCharsets.US_ASCII);
        ZigbeeFrame<ApsHeader> parsed = ZigbeeCodec.parseAps(frame);
        assertEquals(ApsHeader.COMMAND, parsed.header().frameType());
        assertEquals(KeyId.KEY_TRANSPORT_KEY, parsed.aux().keyId());
        CcmStar key = new CcmStar(KeyId.KEY_TRANSPORT_KEY.fromLinkKey(tcLinkKey));
        byte[] plain = ZigbeeCodec.openAps(parsed, 0, key).payload();
        assertEquals(v.get("plaintext"), HEX.formatHex(plain));
        ApsCommand.NetworkKeyTransport t = ApsCommand.parseTransportNetworkKey(plain);
        assertEquals("002c6c08d0f4f42cd840d84800406408", HEX.formatHex(t.key()));
        assertEquals(0, t.keySequence());
        byte[] again = ZigbeeCodec.protectAps(parsed.header(), parsed.aux(), parsed.aux().source(), plain, key);
        assertEquals(HEX.formatHex(frame), HEX.formatHex(again));
    }

    @Test
    void nwkFramesOpenAndReencryptBitForBit() throws Exception {
        for (Object o : Json.arr(vectors().get("nwk_frames"))) {
            Map<String, Object> v = Json.obj(o);
            byte[] frame = Json.hex(v.get("frame"));
            CcmStar key = new CcmStar(Json.hex(v.get("key")));
            ZigbeeFrame<NwkHeader> parsed = ZigbeeCodec.parseNwk(frame);
            byte[] plain = ZigbeeCodec.openNwk(parsed, key).payload();
            assertEquals(v.get("plaintext"), HEX.formatHex(plain), (String) v.get("note"));
            byte[] again = ZigbeeCodec.protectNwk(parsed.header(), parsed.aux(), plain, key);
            assertEquals(HEX.formatHex(frame), HEX.formatHex(again), (String) v.get("note"));
            // the APS frame inside parses too
            ApsHeader aps = ApsHeader.parse(plain, 0);
            assertEquals(0x0013, aps.cluster());
        }
    }
}
