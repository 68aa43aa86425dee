package org.trusthub.security.link.ieee802154;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz tests of the IEEE 802.15.4 parsers. In the normal build they run in regression mode over the seeds in
 * src/test/resources (.../MacFrameFuzzTestInputs); {@code JAZZER_FUZZ=1} fuzzes for real. A parser may only refuse with
 * {@link FrameSecurityException}; whatever it accepts must encode back to the same bytes.
 */
class MacFrameFuzzTest {

    @FuzzTest
    void macFrameParser(byte[] data) {
        try {
            MacFrame f = MacFrame.parse(data);
            assertArrayEquals(data, f.encode());
            f.aux().ifPresent(aux -> assertEquals(aux.length(), aux.encode().length));
        } catch (FrameSecurityException expected) {
            // refusal is the only allowed failure
        }
    }

    @FuzzTest
    void auxSecurityHeaderParser(byte[] data) {
        try {
            AuxSecurityHeader aux = AuxSecurityHeader.parse(data, 0);
            byte[] encoded = aux.encode();
            assertArrayEquals(java.util.Arrays.copyOf(data, encoded.length), encoded);
        } catch (FrameSecurityException expected) {
            // refusal is the only allowed failure
        }
    }
}
