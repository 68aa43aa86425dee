package org.trusthub.offload.device;

import org.trusthub.offload.wire.OpCounter;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import org.trusthub.api.thing.ThingId;
import org.trusthub.offload.wire.Crypto;
import org.trusthub.offload.wire.Wire;

/**
 * The transport keys a device derives from its root secret to reach the hub, exactly as the keystore derives them
 * (the trusthub/v1 HKDF profile): the DTLS pre-shared key (layer TRANSPORT, mechanism {@code dtls-psk}, used on the
 * wire as its lower-case hex text) and the OSCORE master secret (layer APPLICATION, mechanism {@code oscore}), both 16
 * bytes. Each derivation is one HKDF-Extract and one Expand, counted on the device's counter.
 */
public final class RootKeys {
    private static final int KEY = 16;

    private RootKeys() {
    }

    /** The DTLS PSK as it goes into the handshake (ASCII hex); the caller wipes it after use. */
    public static byte[] dtlsPsk(ThingId thing, byte[] rootSecret, int transportGeneration, OpCounter counter) {
        byte[] raw = derive(thing, rootSecret, "TRANSPORT", "dtls-psk", transportGeneration, counter);
        try {
            return HexFormat.of().formatHex(raw).getBytes(StandardCharsets.US_ASCII);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** The OSCORE master secret the thing shares with the hub; the caller wipes it after use. */
    public static byte[] oscoreMasterSecret(ThingId thing, byte[] rootSecret, int applicationGeneration,
            OpCounter counter) {
        return derive(thing, rootSecret, "APPLICATION", "oscore", applicationGeneration, counter);
    }

    /**
     * The thing's OSCORE sender ID: the first 7 bytes of SHA-256 over {@code "trusthub/oscore-kid/" + id} (one hash,
     * counted), so the hub finds its context by the key id alone.
     */
    public static byte[] oscoreSenderId(ThingId thing, OpCounter counter) {
        Crypto crypto = new Crypto(counter, new SecureRandom());
        byte[] digest = crypto.sha256(("trusthub/oscore-kid/" + thing.value()).getBytes(StandardCharsets.UTF_8));
        return Arrays.copyOf(digest, 7);
    }

    private static byte[] derive(ThingId thing, byte[] rootSecret, String layer, String mechanism, int generation,
            OpCounter counter) {
        Crypto crypto = new Crypto(counter, new SecureRandom());
        byte[] prk = crypto.hmac(Wire.ascii("trusthub/v1 root"), rootSecret);
        try {
            return crypto.hkdfExpand(prk, ConstrainedDevice.info(thing.value(), layer, mechanism, generation, KEY),
                    KEY);
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }
}
