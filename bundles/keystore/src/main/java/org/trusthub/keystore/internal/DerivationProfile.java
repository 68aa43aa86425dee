package org.trusthub.keystore.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.thing.ThingId;

/**
 * The trusthub/v1 key derivation profile fixed by the {@code ThingKeyStore} javadoc: a thing that holds its root
 * secret computes the same keys with any RFC 5869 implementation.
 */
public final class DerivationProfile {

    /** Profile label, the first element of every info string. */
    public static final String LABEL = "trusthub/v1";
    /** HKDF-Extract salt for roots. */
    public static final byte[] ROOT_SALT = "trusthub/v1 root".getBytes(StandardCharsets.UTF_8);

    private DerivationProfile() {
    }

    /** PRK = HKDF-Extract(salt = "trusthub/v1 root", IKM = root secret). */
    public static byte[] rootPrk(byte[] ikm) {
        return Hkdf.extract(ROOT_SALT, ikm);
    }

    /** The layer key: HKDF-Expand(PRK, info(thing, layer, mechanism, generation, length), length). */
    public static byte[] layerKey(byte[] prk, ThingId thing, Layer layer, String mechanism, int generation,
            int length) {
        return Hkdf.expand(prk, info(thing, layer, mechanism, generation, length), length);
    }

    /**
     * Length-prefixed UTF-8 strings "trusthub/v1", thing id, layer name and mechanism, then the generation and the
     * key length as 4-byte big-endian integers. The prefixes keep the encoding injective, so distinct inputs never
     * share an info string.
     */
    public static byte[] info(ThingId thing, Layer layer, String mechanism, int generation, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        prefixed(out, LABEL);
        prefixed(out, thing.value());
        prefixed(out, layer.name());
        prefixed(out, mechanism);
        int32(out, generation);
        int32(out, length);
        return out.toByteArray();
    }

    private static void prefixed(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 255) {
            throw new IllegalArgumentException("label element longer than 255 bytes");
        }
        out.write(b.length);
        out.writeBytes(b);
    }

    private static void int32(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }
}
