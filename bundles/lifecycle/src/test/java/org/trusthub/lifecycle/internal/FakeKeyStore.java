package org.trusthub.lifecycle.internal;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.KeyRevokedException;
import org.trusthub.api.keystore.KeyStatus;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.LayerKeyMetadata;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;

/** An in-memory keystore with the contract's enrollment, rotation and revocation rules, and a call log. */
final class FakeKeyStore implements ThingKeyStore {

    static final class Keys {
        RootCredential.Kind kind;
        boolean active = true;
        int roots = 1;
        final Map<Layer, Integer> generations = new EnumMap<>(Layer.class);

        Keys(RootCredential.Kind kind) {
            this.kind = kind;
            for (Layer l : Layer.values()) {
                generations.put(l, 1);
            }
        }
    }

    final Map<ThingId, Keys> keys = new TreeMap<>();
    final List<String> calls = new ArrayList<>();
    /** When set, the next enroll throws it (and enrolls nothing). */
    RuntimeException failNextEnroll;

    @Override
    public synchronized void enroll(ThingId thing, RootCredential root) {
        calls.add("enroll " + thing);
        if (failNextEnroll != null) {
            RuntimeException e = failNextEnroll;
            failNextEnroll = null;
            throw e;
        }
        Keys existing = keys.get(thing);
        if (existing != null && existing.active) {
            throw new DuplicateThingException(thing, "its keys are active");
        }
        Keys fresh = new Keys(root.kind());
        fresh.roots = existing == null ? 1 : existing.roots + 1;
        keys.put(thing, fresh);
    }

    @Override
    public synchronized boolean isActive(ThingId thing) {
        Keys k = keys.get(thing);
        return k != null && k.active;
    }

    @Override
    public synchronized List<ThingId> things() {
        return List.copyOf(keys.keySet());
    }

    @Override
    public DerivedKey deriveKey(ThingId thing, Layer layer, String mechanism, int length) {
        throw new UnsupportedOperationException("not needed by the registry");
    }

    @Override
    public synchronized int rotate(ThingId thing, Layer layer) {
        calls.add("rotate " + thing + " " + layer);
        Keys k = activeKeys(thing);
        return k.generations.merge(layer, 1, Integer::sum);
    }

    @Override
    public synchronized void rotateAll(ThingId thing) {
        calls.add("rotateAll " + thing);
        Keys k = activeKeys(thing);
        for (Layer l : Layer.values()) {
            k.generations.merge(l, 1, Integer::sum);
        }
    }

    @Override
    public synchronized boolean revoke(ThingId thing) {
        calls.add("revoke " + thing);
        Keys k = keys.get(thing);
        if (k == null) {
            throw new UnknownThingException(thing);
        }
        boolean was = k.active;
        k.active = false;
        return was;
    }

    @Override
    public long nextCounter(ThingId thing, Layer layer, String mechanism, long limit) {
        throw new UnsupportedOperationException("not needed by the registry");
    }

    @Override
    public synchronized KeyMetadata metadata(ThingId thing) {
        Keys k = keys.get(thing);
        if (k == null) {
            throw new UnknownThingException(thing);
        }
        List<LayerKeyMetadata> layers = new ArrayList<>();
        for (Layer l : Layer.values()) {
            layers.add(new LayerKeyMetadata(l, k.generations.get(l), Instant.EPOCH, null, Set.of()));
        }
        return new KeyMetadata(thing, k.kind, null, Instant.EPOCH, k.active ? KeyStatus.ACTIVE : KeyStatus.REVOKED,
                k.active ? null : Instant.EPOCH, layers);
    }

    @Override
    public Optional<X509Certificate> rootCertificate(ThingId thing) {
        return Optional.empty();
    }

    @Override
    public HubIdentity hubIdentity() {
        throw new KeystoreException("no hub identity in the fake");
    }

    synchronized int generation(ThingId thing, Layer layer) {
        return keys.get(thing).generations.get(layer);
    }

    private Keys activeKeys(ThingId thing) {
        Keys k = keys.get(thing);
        if (k == null) {
            throw new UnknownThingException(thing);
        }
        if (!k.active) {
            throw new KeyRevokedException(thing);
        }
        return k;
    }
}
