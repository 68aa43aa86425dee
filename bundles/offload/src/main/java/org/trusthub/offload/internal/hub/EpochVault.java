package org.trusthub.offload.internal.hub;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeyStatus;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;

/**
 * Keeps group epoch keys in the keystore, as the keystore api says keys shared by a group are kept: under a thing id
 * of the group's own ({@code offload-group:<name>}), enrolled with a fresh random root secret, one stored key per
 * epoch ({@code offload-epoch-<number>}, layer APPLICATION). So they are encrypted at rest under the keystore's master
 * key and never in a file of the hub's own. Deleting a group revokes its id, which destroys every key stored under it.
 *
 * <p>A hub without durable state keeps epoch keys in memory only: this vault is then {@linkplain #disabled() off}, so
 * no group id is enrolled that no record would ever name.
 */
public final class EpochVault {
    static final String ID_PREFIX = "offload-group:";
    static final String MECH_PREFIX = "offload-epoch-";

    private final ThingKeyStore keystore;
    private final ThingRegistry registry;
    private final SecureRandom random;

    private EpochVault(ThingKeyStore keystore, ThingRegistry registry, SecureRandom random) {
        this.keystore = keystore;
        this.registry = registry;
        this.random = random;
    }

    public static EpochVault of(ThingKeyStore keystore, ThingRegistry registry, SecureRandom random) {
        return new EpochVault(keystore, registry, random);
    }

    /** Keeps nothing. */
    public static EpochVault disabled() {
        return new EpochVault(null, null, null);
    }

    public boolean enabled() {
        return keystore != null;
    }

    /** The id the group's keys are kept under; long names are hashed so the id stays within 64 characters. */
    static ThingId groupId(String name) {
        String id = ID_PREFIX + name;
        if (ThingId.isValid(id)) {
            return ThingId.of(id);
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return ThingId.of(ID_PREFIX + HexFormat.of().formatHex(h, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String mechanism(long epoch) {
        return MECH_PREFIX + epoch;
    }

    /**
     * Makes the group's id ready for a new group: enrolled with a fresh root. An id left enrolled by a create or
     * delete a crash cut short is revoked and enrolled again (it holds no key of a live group: no record names it).
     *
     * @throws IllegalArgumentException if a thing of the registry has that id
     */
    public void prepare(String name) {
        if (!enabled()) {
            return;
        }
        ThingId id = groupId(name);
        if (registry.find(id).isPresent()) {
            throw new IllegalArgumentException("group " + name + " cannot keep its keys under '" + id
                    + "': a thing has that id");
        }
        if (keystore.things().contains(id) && keystore.isActive(id)) {
            keystore.revoke(id);
        }
        byte[] root = new byte[32];
        random.nextBytes(root);
        try {
            keystore.enroll(id, RootCredential.secret(root));
        } finally {
            Arrays.fill(root, (byte) 0);
        }
    }

    /** Stores an epoch key (durable when this returns). */
    public void store(String name, long epoch, byte[] key) {
        if (enabled()) {
            keystore.storeKey(groupId(name), Layer.APPLICATION, mechanism(epoch), key);
        }
    }

    /** The epoch's key, if it is stored; the caller wipes it. */
    public Optional<byte[]> load(String name, long epoch) {
        if (!enabled()) {
            return Optional.empty();
        }
        try {
            Optional<DerivedKey> k = keystore.storedKey(groupId(name), Layer.APPLICATION, mechanism(epoch));
            if (k.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(k.get().bytes());
            } finally {
                k.get().destroy();
            }
        } catch (KeystoreException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** The epochs whose keys are stored for the group (never the keys). */
    public Set<Long> stored(String name) {
        Set<Long> epochs = new TreeSet<>();
        if (!enabled()) {
            return epochs;
        }
        ThingId id = groupId(name);
        if (!keystore.things().contains(id)) {
            return epochs;
        }
        var m = keystore.metadata(id);
        if (m.status() != KeyStatus.ACTIVE) {
            return epochs;
        }
        for (String mech : m.layers().get(Layer.APPLICATION.ordinal()).mechanisms()) {
            if (mech.startsWith(MECH_PREFIX)) {
                try {
                    epochs.add(Long.parseLong(mech.substring(MECH_PREFIX.length())));
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
        }
        return epochs;
    }

    /** Destroys an epoch's key (it left the window). */
    public void delete(String name, long epoch) {
        if (enabled()) {
            keystore.deleteStoredKey(groupId(name), Layer.APPLICATION, mechanism(epoch));
        }
    }

    /** Whether the group's id is enrolled with active keys. */
    public boolean active(String name) {
        return enabled() && keystore.isActive(groupId(name));
    }

    /** Destroys every key of the group: each stored epoch key, then the group id's root (revoked). */
    public void destroy(String name) {
        if (!enabled()) {
            return;
        }
        ThingId id = groupId(name);
        if (!keystore.isActive(id)) {
            return;
        }
        for (long e : stored(name)) {
            delete(name, e);
        }
        keystore.revoke(id);
    }

    /** Group ids enrolled with active keys (to find those no record names any more). */
    public Set<ThingId> activeGroupIds() {
        Set<ThingId> ids = new TreeSet<>();
        if (enabled()) {
            for (ThingId t : keystore.things()) {
                if (t.value().startsWith(ID_PREFIX) && keystore.isActive(t)) {
                    ids.add(t);
                }
            }
        }
        return ids;
    }

    /** Whether the id is a group's own id of this vault (not a thing of the registry). */
    public boolean isGroupId(ThingId id) {
        return enabled() && id.value().startsWith(ID_PREFIX) && registry.find(id).isEmpty();
    }

    /** Revokes a group id no record names (left by a crash between the keystore and the record). */
    public void revoke(ThingId groupId) {
        if (enabled() && groupId.value().startsWith(ID_PREFIX) && registry.find(groupId).isEmpty()) {
            keystore.revoke(groupId);
        }
    }
}
