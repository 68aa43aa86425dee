package org.trusthub.shell.internal;

import java.security.KeyPair;
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
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.LayerKeyMetadata;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.DuplicateThingException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;

/** An in-memory keystore that remembers the credentials it was given, so tests can check what arrived. */
final class FakeKeyStore implements ThingKeyStore {

    static final Instant ENROLLED = Instant.parse("2026-11-22T08:00:00Z");

    static final class Keys {
        final RootCredential root;
        final byte[] secretBytes;
        boolean active = true;
        final Map<Layer, Integer> generations = new EnumMap<>(Layer.class);

        Keys(RootCredential root) {
            this.root = root;
            this.secretBytes = root instanceof RootCredential.Secret s ? s.bytes() : null;
            for (Layer l : Layer.values()) {
                generations.put(l, 1);
            }
        }
    }

    final Map<ThingId, Keys> keys = new TreeMap<>();
    final List<String> calls = new ArrayList<>();
    HubIdentity hub;

    @Override
    public void enroll(ThingId thing, RootCredential root) {
        calls.add("enroll " + thing);
        Keys existing = keys.get(thing);
        if (existing != null && existing.active) {
            throw new DuplicateThingException(thing, "its keys are active");
        }
        keys.put(thing, new Keys(root));
    }

    @Override
    public boolean isActive(ThingId thing) {
        Keys k = keys.get(thing);
        return k != null && k.active;
    }

    @Override
    public List<ThingId> things() {
        return List.copyOf(keys.keySet());
    }

    @Override
    public DerivedKey deriveKey(ThingId thing, Layer layer, String mechanism, int length) {
        throw new UnsupportedOperationException("the shell never derives keys");
    }

    @Override
    public int rotate(ThingId thing, Layer layer) {
        calls.add("rotate " + thing + " " + layer);
        return active(thing).generations.merge(layer, 1, Integer::sum);
    }

    @Override
    public void rotateAll(ThingId thing) {
        calls.add("rotateAll " + thing);
        Keys k = active(thing);
        for (Layer l : Layer.values()) {
            k.generations.merge(l, 1, Integer::sum);
        }
    }

    @Override
    public boolean revoke(ThingId thing) {
        calls.add("revoke " + thing);
        Keys k = known(thing);
        boolean was = k.active;
        k.active = false;
        return was;
    }

    @Override
    public long nextCounter(ThingId thing, Layer layer, String mechanism, long limit) {
        throw new UnsupportedOperationException("the shell never draws counters");
    }

    @Override
    public KeyMetadata metadata(ThingId thing) {
        Keys k = known(thing);
        List<LayerKeyMetadata> layers = new ArrayList<>();
        for (Layer l : Layer.values()) {
            boolean used = l == Layer.LINK;
            layers.add(new LayerKeyMetadata(l, k.generations.get(l), ENROLLED.plusSeconds(1),
                    used ? ENROLLED.plusSeconds(3600) : null,
                    used ? Set.of("ieee802154-ccm-star", "ble-aes-ccm") : Set.of()));
        }
        String fingerprint = k.root instanceof RootCredential.Certificate ? "AB:CD" : null;
        return new KeyMetadata(thing, k.root.kind(), fingerprint, ENROLLED, k.active ? KeyStatus.ACTIVE
                : KeyStatus.REVOKED, k.active ? null : ENROLLED.plusSeconds(7200), layers);
    }

    @Override
    public Optional<X509Certificate> rootCertificate(ThingId thing) {
        return keys.get(thing) != null && keys.get(thing).root instanceof RootCredential.Certificate c
                ? Optional.of(c.certificate())
                : Optional.empty();
    }

    @Override
    public HubIdentity hubIdentity() {
        return hub;
    }

    static HubIdentity hubIdentity(KeyPair pair, X509Certificate cert) {
        return new HubIdentity(cert, pair.getPrivate());
    }

    private Keys known(ThingId thing) {
        Keys k = keys.get(thing);
        if (k == null) {
            throw new UnknownThingException(thing);
        }
        return k;
    }

    private Keys active(ThingId thing) {
        Keys k = known(thing);
        if (!k.active) {
            throw new KeyRevokedException(thing);
        }
        return k;
    }
}
