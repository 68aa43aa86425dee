package org.trusthub.keystore.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.KeystoreRecords.LayerRec;
import org.trusthub.keystore.internal.KeystoreRecords.ThingRec;

/** One thing's record in memory: its root, and one {@link LayerState} per layer. */
final class ThingState {
    static final Layer[] LAYERS = Layer.values();

    final ThingId id;
    final RootCredential.Kind kind;
    final byte[] certificate;
    final String fingerprint;
    final Instant enrolled;
    final List<byte[]> retiredRoots;
    final LayerState[] layers = new LayerState[LAYERS.length];
    byte[] prk;
    Instant revoked;
    // Whether a key, stored key or counter value may have been handed out (then the enrollment cannot be
    // discarded). Set once the fact is durable; read without the write lock by deriveKey.
    volatile boolean used;
    // The revoked state this enrollment replaced, kept while the enrollment could still be discarded.
    ThingState predecessor;

    ThingState(ThingRec r) {
        id = r.thing();
        kind = r.kind();
        certificate = r.certificate();
        fingerprint = r.fingerprint();
        enrolled = r.enrolled();
        prk = r.prk();
        revoked = r.revoked();
        if ((prk == null) == (revoked == null)) {
            throw new IllegalStateException("thing '" + id + "' is neither clearly active nor revoked");
        }
        retiredRoots = new ArrayList<>(r.retiredRoots());
        for (int i = 0; i < LAYERS.length; i++) {
            LayerRec l = r.layers().get(i);
            if (l.generation() < 1) {
                throw new IllegalStateException("thing '" + id + "' has generation " + l.generation());
            }
            layers[i] = new LayerState(l.generation(), l.created(), l.lastUsed(), l.mechanisms());
            if (l.generation() > 1 || !l.mechanisms().isEmpty() || !l.counterMarks().isEmpty()) {
                used = true;
            }
            for (Map.Entry<String, Long> c : l.counterMarks().entrySet()) {
                NonceCounters.Counter counter = new NonceCounters.Counter();
                counter.reserved = c.getValue();
                layers[i].counters.put(c.getKey(), counter);
            }
        }
    }

    boolean active() {
        return prk != null;
    }

    void setUsed() {
        used = true;
        predecessor = null;
    }

    LayerState layer(Layer layer) {
        return layers[layer.ordinal()];
    }

    ThingRec toRecord() {
        List<LayerRec> ls = new ArrayList<>(LAYERS.length);
        for (LayerState l : layers) {
            Map<String, Long> marks = new LinkedHashMap<>();
            l.counters.forEach((m, c) -> marks.put(m, c.reserved));
            ls.add(new LayerRec(l.generation, l.created, l.lastUsed, new LinkedHashSet<>(l.mechanisms), marks));
        }
        return new ThingRec(id, kind, certificate, fingerprint, enrolled, prk, revoked, retiredRoots, ls);
    }

    void wipe() {
        if (prk != null) {
            Arrays.fill(prk, (byte) 0);
        }
    }

    void wipeAll() {
        wipe();
        for (LayerState l : layers) {
            l.wipe();
        }
    }
}
