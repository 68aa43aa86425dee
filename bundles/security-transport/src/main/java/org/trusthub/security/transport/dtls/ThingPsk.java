package org.trusthub.security.transport.dtls;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.ThingId;

/**
 * A thing's DTLS pre-shared key and identity.
 *
 * <p>The identity is the thing id. The key is derived per thing from the keystore (transport layer, mechanism
 * {@value #MECHANISM}, {@value #KEY_LENGTH} bytes) and used on the wire as its lower-case hex text: common DTLS
 * clients (libcoap's {@code coap-client -k}, many device SDKs) take the PSK as a string, and a hex string keeps all
 * 128 bits while never containing a NUL or a non-ASCII byte.
 */
public final class ThingPsk {

    /** Mechanism name the PSK is derived under. */
    public static final String MECHANISM = "dtls-psk";
    /** Length of the derived key, in bytes. */
    public static final int KEY_LENGTH = 16;

    private ThingPsk() {
    }

    /** The PSK bytes as used on the wire (ASCII hex of the derived key); the caller wipes them after use. */
    public static byte[] secret(ThingKeyStore keys, ThingId thing) {
        DerivedKey key = keys.deriveKey(thing, Layer.TRANSPORT, MECHANISM, KEY_LENGTH);
        try {
            return secret(key);
        } finally {
            key.destroy();
        }
    }

    /**
     * The thing's PSK as the keystore derives it, with its use not recorded: for a handshake that has not yet shown
     * the peer holds it. Record the use with {@link ThingKeyStore#recordUse} once the handshake completed.
     */
    public static DerivedKey keyUnrecorded(ThingKeyStore keys, ThingId thing) {
        return keys.deriveKeyUnrecorded(thing, Layer.TRANSPORT, MECHANISM, KEY_LENGTH);
    }

    /** The PSK bytes on the wire for a key from {@link #keyUnrecorded}; the caller wipes them after use. */
    public static byte[] secret(DerivedKey key) {
        byte[] raw = key.bytes();
        try {
            return HexFormat.of().formatHex(raw).getBytes(StandardCharsets.US_ASCII);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** The PSK identity of a thing. */
    public static String identity(ThingId thing) {
        return thing.value();
    }
}
