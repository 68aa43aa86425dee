package org.trusthub.security.network.zigbee;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz tests of the ZigBee NWK and APS parsers: regression mode over the seeds in src/test/resources
 * (.../ZigbeeParserFuzzTestInputs) in the normal build, real fuzzing with {@code JAZZER_FUZZ=1}. The only allowed
 * failure is a {@link ZigbeeSecurityException}; what a parser accepts must encode back to the same bytes.
 */
class ZigbeeParserFuzzTest {

    @FuzzTest
    void nwkFrame(byte[] data) {
        try {
            ZigbeeFrame<NwkHeader> f = ZigbeeCodec.parseNwk(data);
            byte[] header = f.header().encode();
            assertArrayEquals(Arrays.copyOf(data, header.length), header);
        } catch (ZigbeeSecurityException expected) {
            // refused
        }
    }

    @FuzzTest
    void apsFrame(byte[] data) {
        try {
            ZigbeeFrame<ApsHeader> f = ZigbeeCodec.parseAps(data);
            byte[] header = f.header().encode();
            assertArrayEquals(Arrays.copyOf(data, header.length), header);
        } catch (ZigbeeSecurityException expected) {
            // refused
        }
    }

    @FuzzTest
    void auxHeaderAndCommands(byte[] data) {
        try {
            ZigbeeAuxHeader aux = ZigbeeAuxHeader.parse(data, 0);
            byte[] out = new byte[aux.length()];
            aux.writeTo(out, 0, data[0] & 0x07);
            assertArrayEquals(Arrays.copyOf(data, out.length), out);
        } catch (ZigbeeSecurityException expected) {
            // refused
        }
        try {
            ApsCommand.NetworkKeyTransport t = ApsCommand.parseTransportNetworkKey(data);
            assertEquals(16, t.key().length);
        } catch (ZigbeeSecurityException expected) {
            // refused
        }
        try {
            ApsCommand.parseSwitchKey(data);
        } catch (ZigbeeSecurityException expected) {
            // refused
        }
    }
}
