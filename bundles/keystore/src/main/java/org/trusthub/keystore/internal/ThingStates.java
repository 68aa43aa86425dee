package org.trusthub.keystore.internal;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.KeyRevokedException;
import org.trusthub.api.keystore.KeyStatus;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.LayerKeyMetadata;
import org.trusthub.api.keystore.StaleKeyException;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.keystore.internal.KeystoreRecords.CounterMark;
import org.trusthub.keystore.internal.KeystoreRecords.DeleteStoredKey;
import org.trusthub.keystore.internal.KeystoreRecords.Discard;
import org.trusthub.keystore.internal.KeystoreRecords.LayerUse;
import org.trusthub.keystore.internal.KeystoreRecords.Rec;
import org.trusthub.keystore.internal.KeystoreRecords.ReplayMark;
import org.trusthub.keystore.internal.KeystoreRecords.Revoke;
import org.trusthub.keystore.internal.KeystoreRecords.Rotate;
import org.trusthub.keystore.internal.KeystoreRecords.StoredKey;
import org.trusthub.keystore.internal.KeystoreRecords.ThingRec;
import org.trusthub.keystore.internal.KeystoreRecords.Usage;

/**
 * The things' records in memory, by id, and the records that change them: enrollment, rotation, revocation, counter
 * reservations, replay marks, stored keys, usage. The map changes under the keystore's write lock only (records are
 * applied under the store mutex besides); usage times change under the read lock and are written lazily: with the
 * next record written anyway, at compaction and at close, so deriving a key never waits for the disk. A crash may
 * lose the latest usage times, never a key or a counter reservation.
 */
final class ThingStates {

    private final TreeMap<ThingId, ThingState> things = new TreeMap<>();
    private final Set<ThingId> usageDirty = ConcurrentHashMap.newKeySet();

    ThingState get(ThingId thing) {
        return things.get(thing);
    }

    Collection<ThingState> all() {
        return things.values();
    }

    List<ThingId> ids() {
        return List.copyOf(things.keySet());
    }

    boolean isEmpty() {
        return things.isEmpty();
    }

    int size() {
        return things.size();
    }

    /** @throws UnknownThingException if the thing has no record */
    ThingState known(ThingId thing) {
        ThingState t = things.get(thing);
        if (t == null) {
            throw new UnknownThingException(thing);
        }
        return t;
    }

    /** @throws KeyRevokedException if the thing's keys are revoked */
    ThingState active(ThingId thing) {
        ThingState t = known(thing);
        if (!t.active()) {
            throw new KeyRevokedException(thing);
        }
        return t;
    }

    /**
     * The layer of a key that is the current key of an active thing: its generation, and its bytes (the stored key,
     * or the key derived at this length), since after a revocation and a re-enrollment generations start over at 1.
     *
     * @throws StaleKeyException if the key is not the current one
     */
    LayerState keyLayer(DerivedKey key) {
        ThingId thing = key.thing();
        Layer layer = key.layer();
        ThingState t = active(thing);
        LayerState l = t.layer(layer);
        if (key.generation() != l.generation) {
            throw new StaleKeyException(thing, layer, key.generation(), l.generation);
        }
        if (!l.isCurrent(t, key)) {
            throw new StaleKeyException(thing, layer, "it was handed out for an earlier root credential or"
                    + " has been replaced");
        }
        return l;
    }

    /** Notes a use of the layer's key in memory; the caller makes the thing's first use durable. */
    void noteUse(ThingState t, LayerState l, String mechanism, Instant now) {
        l.lastUsed = now;
        l.mechanisms.add(mechanism);
        usageDirty.add(t.id);
    }

    List<byte[]> drainUsage(List<ThingId> drained) {
        List<byte[]> batch = new ArrayList<>();
        for (ThingId id : usageDirty) {
            ThingState t = things.get(id);
            if (usageDirty.remove(id) && t != null) {
                drained.add(id);
                List<LayerUse> layers = new ArrayList<>(ThingState.LAYERS.length);
                for (LayerState l : t.layers) {
                    layers.add(new LayerUse(l.generation, l.lastUsed, Set.copyOf(l.mechanisms)));
                }
                batch.add(KeystoreRecords.encode(new Usage(id, layers)));
            }
        }
        return batch;
    }

    List<ThingId> takeUsage() {
        List<ThingId> dirty = new ArrayList<>(usageDirty);
        usageDirty.removeAll(dirty);
        return dirty;
    }

    void restoreUsage(Collection<ThingId> ids) {
        usageDirty.addAll(ids);
    }

    /** Key metadata of a known thing; the caller holds the read lock. */
    KeyMetadata metadata(ThingId thing) {
        ThingState t = known(thing);
        List<LayerKeyMetadata> layers = new ArrayList<>(ThingState.LAYERS.length);
        for (Layer layer : ThingState.LAYERS) {
            LayerState l = t.layer(layer);
            Set<String> mechanisms = new LinkedHashSet<>(l.mechanisms);
            mechanisms.addAll(l.stored.keySet());
            layers.add(new LayerKeyMetadata(layer, l.generation, l.created, l.lastUsed, mechanisms));
        }
        return new KeyMetadata(thing, t.kind, t.fingerprint, t.enrolled,
                t.active() ? KeyStatus.ACTIVE : KeyStatus.REVOKED, t.revoked, layers);
    }

    /**
     * Who holds this public key, the hub or a thing (by its root certificate), or null: a thing or the hub is no
     * certification authority. The caller holds the write lock.
     */
    String holderOfKey(byte[] publicKey, HubIdentity hub) {
        if (Arrays.equals(hub.certificate().getPublicKey().getEncoded(), publicKey)) {
            return "the hub";
        }
        for (ThingState t : things.values()) {
            if (t.certificate != null && Arrays.equals(TrustAnchors.publicKeyOf(t.certificate,
                    "root certificate of thing '" + t.id + "'"), publicKey)) {
                return "thing '" + t.id + "'";
            }
        }
        return null;
    }

    /**
     * Applies one thing record to memory. Live changes are validated before they are written, so here a failed
     * check means the store's history is inconsistent.
     *
     * @return whether it destroyed key material whose bytes may still be in the store files
     */
    boolean apply(Rec rec) {
        boolean destroyed = false;
        if (rec instanceof ThingRec r) {
            ThingState fresh = new ThingState(r);
            ThingState old = things.put(r.thing(), fresh);
            if (old != null) {
                old.wipe();
                if (!old.active() && fresh.active()) {
                    fresh.predecessor = old;
                }
            }
        } else if (rec instanceof Rotate r) {
            ThingState t = inHistory(r.thing());
            for (int i = 0; i < ThingState.LAYERS.length; i++) {
                int g = r.generations()[i];
                if (g != 0) {
                    if (g != t.layers[i].generation + 1) {
                        throw new IllegalStateException("rotation of thing '" + r.thing() + "' "
                                + ThingState.LAYERS[i] + " jumps from generation " + t.layers[i].generation + " to "
                                + g);
                    }
                    destroyed |= !t.layers[i].stored.isEmpty();
                    t.layers[i].wipe();
                    t.layers[i] = new LayerState(g, r.at(), null, Set.of());
                    t.setUsed();
                }
            }
        } else if (rec instanceof Revoke r) {
            ThingState t = inHistory(r.thing());
            if (!t.active()) {
                throw new IllegalStateException("thing '" + r.thing() + "' is revoked twice");
            }
            t.wipe();
            t.prk = null;
            t.revoked = r.at();
            destroyed = true;
            t.retiredRoots.add(r.retiredRoot());
            for (LayerState l : t.layers) {
                l.wipe();
                l.counters.clear();
                l.marks.clear();
            }
            t.setUsed();
        } else if (rec instanceof CounterMark r) {
            ThingState t = inHistory(r.thing());
            LayerState l = t.layer(r.layer());
            if (!t.active() || l.generation != r.generation()) {
                throw new IllegalStateException("counter of thing '" + r.thing() + "' " + r.layer() + "/"
                        + r.mechanism() + " is reserved for generation " + r.generation() + " but the layer is at "
                        + l.generation + (t.active() ? "" : " and revoked"));
            }
            NonceCounters.apply(l, r);
            t.setUsed();
        } else if (rec instanceof Usage r) {
            ThingState t = inHistory(r.thing());
            t.setUsed();
            for (int i = 0; i < ThingState.LAYERS.length; i++) {
                LayerUse use = r.layers().get(i);
                LayerState l = t.layers[i];
                // usage of an older generation (written before a rotation in the same batch) no longer applies
                if (use.generation() == l.generation) {
                    if (use.lastUsed() != null && (l.lastUsed == null || use.lastUsed().isAfter(l.lastUsed))) {
                        l.lastUsed = use.lastUsed();
                    }
                    l.mechanisms.addAll(use.mechanisms());
                }
            }
        } else if (rec instanceof StoredKey r) {
            LayerState l = currentLayer(r.thing(), r.layer(), r.generation(), "stored key " + r.mechanism());
            byte[] old = l.stored.put(r.mechanism(), r.key());
            if (old != null) {
                if (!MessageDigest.isEqual(old, r.key())) {
                    // another key: its senders' counters start over, and frames under the old key no longer open
                    l.marks.remove(r.mechanism());
                }
                Arrays.fill(old, (byte) 0);
                destroyed = true;
            }
            things.get(r.thing()).setUsed();
        } else if (rec instanceof DeleteStoredKey r) {
            LayerState l = currentLayer(r.thing(), r.layer(), r.generation(), "deleted key " + r.mechanism());
            byte[] old = l.stored.remove(r.mechanism());
            if (old == null) {
                throw new IllegalStateException("thing '" + r.thing() + "' " + r.layer() + "/" + r.mechanism()
                        + " has no stored key to delete");
            }
            Arrays.fill(old, (byte) 0);
            l.marks.remove(r.mechanism());
            destroyed = true;
        } else if (rec instanceof Discard r) {
            ThingState t = inHistory(r.thing());
            if (!t.active()) {
                throw new IllegalStateException("discarded enrollment of thing '" + r.thing() + "' is revoked");
            }
            t.wipe();
            for (LayerState l : t.layers) {
                l.wipe();
            }
            if (t.predecessor != null) {
                things.put(r.thing(), t.predecessor);
            } else {
                things.remove(r.thing());
            }
            usageDirty.remove(r.thing());
            destroyed = true;
        } else if (rec instanceof ReplayMark r) {
            LayerState l = currentLayer(r.thing(), r.layer(), r.generation(), "replay mark " + r.mechanism() + "/"
                    + r.name());
            ReplayMarkTable.apply(l, r);
            things.get(r.thing()).setUsed();
        } else {
            throw new IllegalArgumentException("not a thing record: " + rec.getClass().getSimpleName());
        }
        return destroyed;
    }

    /** The things' records as a snapshot holds them: each thing, its stored keys and its replay reservations. */
    void snapshot(List<Rec> out) {
        for (ThingState t : things.values()) {
            if (t.predecessor != null && !t.used) {
                // kept so that discarding this enrollment brings the revoked predecessor (and its retired roots) back
                out.add(t.predecessor.toRecord());
            }
            out.add(t.toRecord());
            for (Layer layer : ThingState.LAYERS) {
                LayerState l = t.layer(layer);
                l.stored.forEach((m, k) -> out.add(new StoredKey(t.id, layer, m, l.generation, k)));
                if (t.active()) {
                    ReplayMarkTable.snapshot(t, layer, out);
                }
            }
        }
    }

    /** After a restart: counters and replay marks resume at their reservations. */
    void resume() {
        for (ThingState t : things.values()) {
            for (LayerState l : t.layers) {
                NonceCounters.resume(l);
                ReplayMarkTable.resume(l);
            }
        }
    }

    /** Wipes every key held in memory and forgets every thing. */
    void wipeAll() {
        things.values().forEach(ThingState::wipeAll);
        things.clear();
    }

    private LayerState currentLayer(ThingId thing, Layer layer, int generation, String what) {
        ThingState t = inHistory(thing);
        LayerState l = t.layer(layer);
        if (!t.active() || l.generation != generation) {
            throw new IllegalStateException(what + " of thing '" + thing + "' " + layer + " is for generation "
                    + generation + " but the layer is at " + l.generation + (t.active() ? "" : " and revoked"));
        }
        return l;
    }

    private ThingState inHistory(ThingId thing) {
        ThingState t = things.get(thing);
        if (t == null) {
            throw new IllegalStateException("record for thing '" + thing + "' precedes its enrollment");
        }
        return t;
    }
}
