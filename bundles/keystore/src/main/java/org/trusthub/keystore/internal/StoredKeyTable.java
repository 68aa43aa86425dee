package org.trusthub.keystore.internal;

import java.util.Objects;
import java.util.Optional;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.Mechanisms;
import org.trusthub.api.keystore.StoredKeys;
import org.trusthub.api.keystore.ThingKeys;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.KeystoreRecords.DeleteStoredKey;
import org.trusthub.keystore.internal.KeystoreRecords.StoredKey;

/**
 * Keys kept with {@link StoredKeys#storeKey}: held in the {@link LayerState} of the generation they were stored
 * under, so a rotation or revocation destroys them. A replaced or deleted key destroys key material, so the store is
 * compacted before the call returns and the old bytes leave the files.
 */
final class StoredKeyTable implements StoredKeys {

    private final KeystoreJournal journal;
    private final KeystoreLock lock;
    private final ThingStates things;

    StoredKeyTable(KeystoreJournal journal, KeystoreLock lock, ThingStates things) {
        this.journal = journal;
        this.lock = lock;
        this.things = things;
    }

    @Override
    public void storeKey(ThingId thing, Layer layer, String mechanism, byte[] key) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(layer, "layer");
        Mechanisms.check(mechanism);
        Objects.requireNonNull(key, "key");
        if (key.length < ThingKeys.MIN_KEY_LENGTH || key.length > ThingKeys.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("stored key is " + key.length + " bytes; it must be "
                    + ThingKeys.MIN_KEY_LENGTH + " to " + ThingKeys.MAX_KEY_LENGTH + " bytes");
        }
        lock.writing(() -> {
            LayerState l = things.active(thing).layer(layer);
            journal.writeAndApply(new StoredKey(thing, layer, mechanism, l.generation, key.clone()));
            return null;
        });
        lock.compactIfWanted(); // a replaced key leaves the files
    }

    @Override
    public Optional<DerivedKey> storedKey(ThingId thing, Layer layer, String mechanism) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(layer, "layer");
        Mechanisms.check(mechanism);
        return lock.reading(() -> {
            LayerState l = things.active(thing).layer(layer);
            byte[] key = l.stored.get(mechanism);
            // lastUsed stays: it tells when a key was last derived, and looking a stored key up (as the shell does
            // to list them) must not change what the metadata says
            return key == null ? Optional.empty()
                    : Optional.of(new DerivedKey(thing, layer, mechanism, l.generation, key.clone()));
        });
    }

    @Override
    public boolean deleteStoredKey(ThingId thing, Layer layer, String mechanism) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(layer, "layer");
        Mechanisms.check(mechanism);
        boolean deleted = lock.writing(() -> {
            ThingState t = things.known(thing);
            LayerState l = t.layer(layer);
            if (!t.active() || !l.stored.containsKey(mechanism)) {
                return false;
            }
            journal.writeAndApply(new DeleteStoredKey(thing, layer, mechanism, l.generation));
            return true;
        });
        if (deleted) {
            lock.compactIfWanted();
        }
        return deleted;
    }
}
