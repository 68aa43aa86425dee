package org.trusthub.offload.internal.hub;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.KeyRevokedException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;

/**
 * Stand-in for FileThingKeyStore while the api 1.1 keystore (branch keystore11) has not landed: the trusthub/v1
 * derivation profile written from the ThingKeyStore javadoc, independently of the device model's code, secret roots
 * only. Replace with the real keystore when it lands.
 */
final class MemoryKeyStore implements ThingKeyStore {
    private final Map<ThingId, byte[]> roots = new TreeMap<>();
    private final Map<ThingId, Map<Layer, Integer>> generations = new HashMap<>();
    private final Map<String, X509Certificate> anchors = new TreeMap<>();

    @Override
    public synchronized void enroll(ThingId thing, RootCredential root) {
        if (roots.containsKey(thing)) {
            throw new DuplicateThingException(thing, "already enrolled");
        }
        roots.put(thing, ((RootCredential.Secret) root).bytes());
        Map<Layer, Integer> g = new EnumMap<>(Layer.class);
        for (Layer l : Layer.values()) {
            g.put(l, 1);
        }
        generations.put(thing, g);
    }

    @Override
    public synchronized boolean isActive(ThingId thing) {
        return roots.get(thing) != null;
    }

    @Override
    public synchronized List<ThingId> things() {
        return new ArrayList<>(roots.keySet());
    }

    @Override
    public synchronized DerivedKey deriveKey(ThingId thing, Layer layer, String mechanism, int length) {
        if (!roots.containsKey(thing)) {
            throw new UnknownThingException(thing);
        }
        byte[] root = roots.get(thing);
        if (root == null) {
            throw new KeyRevokedException(thing);
        }
        int gen = generations.get(thing).get(layer);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        for (String s : new String[] {"trusthub/v1", thing.value(), layer.name(), mechanism}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            info.write(b.length);
            info.writeBytes(b);
        }
        info.writeBytes(new byte[] {(byte) (gen >>> 24), (byte) (gen >>> 16), (byte) (gen >>> 8), (byte) gen});
        info.writeBytes(new byte[] {0, 0, 0, (byte) length});
        HKDFBytesGenerator h = new HKDFBytesGenerator(new SHA256Digest());
        h.init(new HKDFParameters(root, "trusthub/v1 root".getBytes(StandardCharsets.UTF_8), info.toByteArray()));
        byte[] out = new byte[length];
        h.generateBytes(out, 0, length);
        return new DerivedKey(thing, layer, mechanism, gen, out);
    }

    @Override
    public synchronized int rotate(ThingId thing, Layer layer) {
        return generations.get(thing).merge(layer, 1, Integer::sum);
    }

    @Override
    public synchronized void rotateAll(ThingId thing) {
        for (Layer l : Layer.values()) {
            rotate(thing, l);
        }
    }

    @Override
    public synchronized boolean revoke(ThingId thing) {
        if (!roots.containsKey(thing)) {
            throw new UnknownThingException(thing);
        }
        return roots.put(thing, null) != null;
    }

    @Override
    public long nextCounter(ThingId thing, Layer layer, String mechanism, long limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long nextCounter(DerivedKey key, long limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void storeKey(ThingId thing, Layer layer, String mechanism, byte[] key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<DerivedKey> storedKey(ThingId thing, Layer layer, String mechanism) {
        return Optional.empty();
    }

    @Override
    public boolean deleteStoredKey(ThingId thing, Layer layer, String mechanism) {
        return false;
    }

    @Override
    public synchronized boolean discardEnrollment(ThingId thing) {
        return roots.remove(thing) != null;
    }

    @Override
    public synchronized Map<String, X509Certificate> trustAnchors() {
        return Map.copyOf(anchors);
    }

    @Override
    public synchronized void addTrustAnchor(String alias, X509Certificate anchor) {
        if (anchors.putIfAbsent(alias, anchor) != null) {
            throw new IllegalArgumentException("alias taken");
        }
    }

    @Override
    public synchronized boolean removeTrustAnchor(String alias) {
        return anchors.remove(alias) != null;
    }

    @Override
    public KeyMetadata metadata(ThingId thing) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<X509Certificate> rootCertificate(ThingId thing) {
        return Optional.empty();
    }

    @Override
    public HubIdentity hubIdentity() {
        throw new UnsupportedOperationException();
    }
}
