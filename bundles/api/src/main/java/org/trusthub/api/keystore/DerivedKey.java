package org.trusthub.api.keystore;

import java.util.Arrays;
import java.util.Objects;

import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Destroyable;

import org.trusthub.api.thing.ThingId;

/**
 * A key derived for one thing, layer, mechanism and generation. {@link #toString()} never shows the bytes; callers
 * {@link #destroy()} it when done.
 */
public final class DerivedKey implements Destroyable {
    private final ThingId thing;
    private final Layer layer;
    private final String mechanism;
    private final int generation;
    private final byte[] key;
    private volatile boolean destroyed;

    /** Takes ownership of {@code key}; only keystores create derived keys. */
    public DerivedKey(ThingId thing, Layer layer, String mechanism, int generation, byte[] key) {
        this.thing = Objects.requireNonNull(thing, "thing");
        this.layer = Objects.requireNonNull(layer, "layer");
        this.mechanism = Mechanisms.check(mechanism);
        if (generation < 1) {
            throw new IllegalArgumentException("generation must be positive");
        }
        this.generation = generation;
        this.key = Objects.requireNonNull(key, "key");
    }

    public ThingId thing() {
        return thing;
    }

    public Layer layer() {
        return layer;
    }

    public String mechanism() {
        return mechanism;
    }

    /** The key generation of the layer this key was derived at; a rotation makes a new one. */
    public int generation() {
        return generation;
    }

    /** Length of the key in bytes. */
    public int length() {
        return key.length;
    }

    /** A copy of the key bytes; the caller should wipe it after use. */
    public byte[] bytes() {
        checkNotDestroyed();
        return key.clone();
    }

    /** The key as a JCA key for the given algorithm (for example {@code AES} or {@code HmacSHA256}). */
    public SecretKeySpec secretKey(String algorithm) {
        checkNotDestroyed();
        return new SecretKeySpec(key, algorithm);
    }

    @Override
    public void destroy() {
        Arrays.fill(key, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("derived key has been destroyed");
        }
    }

    @Override
    public String toString() {
        return "DerivedKey[" + thing + "/" + layer + "/" + mechanism + " gen " + generation + ", " + key.length
                + " bytes, redacted]";
    }
}
