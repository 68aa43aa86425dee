package org.trusthub.offload.internal.hub;

import java.util.Optional;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.offload.OffloadException;
import org.trusthub.api.offload.Refusal;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.offload.internal.wire.Crypto;

/**
 * The hub's side of the keys each thing shares with it, and the lifecycle gate: nothing is derived for a thing that
 * is not OPERATIONAL.
 */
public final class Keys {
    private final ThingKeyStore keystore;
    private final ThingRegistry registry;

    public Keys(ThingKeyStore keystore, ThingRegistry registry) {
        this.keystore = keystore;
        this.registry = registry;
    }

    /** The thing, if it is OPERATIONAL and its keys are active; refuses otherwise. */
    public ThingId operational(String text, String role) {
        if (!ThingId.isValid(text)) {
            throw new OffloadException(Refusal.MALFORMED, role + " is not a valid thing id");
        }
        ThingId id = ThingId.of(text);
        Optional<Thing> t = registry.find(id);
        if (t.isEmpty()) {
            throw new OffloadException(Refusal.UNKNOWN_THING, role + " '" + id + "' is not enrolled");
        }
        LifecycleState s = t.get().state();
        if (!s.isOperational()) {
            throw new OffloadException(Refusal.NOT_OPERATIONAL, role + " '" + id + "' is " + s);
        }
        if (!keystore.isActive(id)) {
            throw new OffloadException(Refusal.UNKNOWN_THING, role + " '" + id + "' has no active keys");
        }
        return id;
    }

    /** The thing's 16-byte key for an offload mechanism; the caller wipes it. */
    public byte[] key(ThingId thing, String mechanism) {
        DerivedKey k;
        try {
            k = keystore.deriveKey(thing, Layer.APPLICATION, mechanism, Crypto.KEY);
        } catch (KeystoreException | IllegalArgumentException e) {
            throw new OffloadException(Refusal.UNKNOWN_THING, "no key for '" + thing + "': " + e.getMessage());
        }
        try {
            return k.bytes();
        } finally {
            k.destroy();
        }
    }

    public ThingKeyStore keystore() {
        return keystore;
    }
}
