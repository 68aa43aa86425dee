package org.trusthub.binding.mqtt.internal;

import java.util.Arrays;
import java.util.HexFormat;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeys;
import org.trusthub.api.thing.ThingId;

/**
 * A thing's credential at the MQTT broker: a TLS pre-shared key derived per thing by the keystore's profile (layer
 * TRANSPORT, mechanism {@value #MECHANISM}, {@value #KEY_LENGTH} bytes), with the thing id as PSK identity. The
 * broker's {@code psk_file} and {@code mosquitto_pub --psk} take the key as hex; the thing derives the same bytes
 * from its root credential, so no password is shared between things.
 */
final class MqttPsk {

    /** Mechanism name the PSK is derived under, and what an {@code Authenticated} of this binding names. */
    static final String MECHANISM = "mqtt-psk";
    /** Length of the derived key, in bytes. */
    static final int KEY_LENGTH = 16;

    private MqttPsk() {
    }

    /** The thing's PSK as lower-case hex characters; the caller wipes them after use. */
    static char[] hex(ThingKeys keys, ThingId thing) {
        DerivedKey key = keys.deriveKey(thing, Layer.TRANSPORT, MECHANISM, KEY_LENGTH);
        byte[] raw = null;
        try {
            raw = key.bytes();
            return HexFormat.of().formatHex(raw).toCharArray();
        } finally {
            if (raw != null) {
                Arrays.fill(raw, (byte) 0);
            }
            key.destroy();
        }
    }
}
