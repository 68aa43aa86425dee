package org.trusthub.binding.coap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.trusthub.api.model.PropertyType;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz test of how a CoAP thing's value (untrusted bytes from the thing) reads as a model property
 * (regression mode in the normal build over the seeds in src/test/resources/.../CoapValueCodecFuzzTestInputs). Input:
 * one byte choosing text/plain, JSON or CBOR, one byte giving the name's length, the name, then the value's bytes.
 * Whatever comes, decoding never throws; what it accepts the model takes as it is, and numbers and switches written
 * back in the same format read back equal.
 */
class CoapValueCodecFuzzTest {

    private static final int[] FORMATS = {MediaTypeRegistry.TEXT_PLAIN, MediaTypeRegistry.APPLICATION_JSON,
        MediaTypeRegistry.APPLICATION_CBOR};

    @FuzzTest
    void decode(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int format = FORMATS[Math.floorMod(input[0], FORMATS.length)];
        int nameLength = Math.min(Math.floorMod(input[1], 40), input.length - 2);
        String name = new String(input, 2, nameLength, StandardCharsets.ISO_8859_1);
        byte[] value = Arrays.copyOfRange(input, 2 + nameLength, input.length);

        Optional<CoapValueCodec.Property> p = CoapValueCodec.decode(name, value, format);
        if (p.isEmpty()) {
            return;
        }
        assertTrue(CoapValueCodec.isPropertyId(name), name);
        Object v = p.get().value();
        PropertyType type = p.get().descriptor().type();
        if (v instanceof Boolean) {
            assertEquals(PropertyType.SWITCH, type);
        } else if (v instanceof Double) {
            assertTrue(type == PropertyType.NUMBER || type == PropertyType.TEMPERATURE || type == PropertyType.LEVEL,
                    type.toString());
        } else {
            assertEquals(PropertyType.STRING, type);
        }
        Object checked;
        try {
            checked = p.get().descriptor().validate(v);
        } catch (IllegalArgumentException outOfRange) {
            return; // a temperature below absolute zero, a level above 100, a long text: the model refuses it
        }
        if (v instanceof Boolean || v instanceof Double) {
            Object back = CoapValueCodec.decode(name, CoapValueCodec.encode(checked, format), format).orElseThrow()
                    .value();
            if (v instanceof Double d) {
                assertTrue(back instanceof Double b && b.doubleValue() == d.doubleValue(), v + " came back as " + back);
            } else {
                assertEquals(v, back);
            }
        }
    }
}
