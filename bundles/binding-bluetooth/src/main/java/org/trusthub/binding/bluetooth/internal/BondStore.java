package org.trusthub.binding.bluetooth.internal;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.KeyRevokedException;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.security.link.ble.BleAddress;
import org.trusthub.security.link.ble.BleLinkSecurity;

/**
 * Bonds (LTK and IRK) live in the keystore, stored under the thing at layer LINK; a legacy bond's LTK under its own
 * name ({@link BleLinkSecurity#LEGACY_LTK}), so its links are never taken for LE Secure Connections ones. This keeps
 * only an index of which
 * things are bonded, and their IRKs, so a resolvable private address can be matched without a keystore read per
 * bonded thing; the index is rebuilt from the keystore at start and follows every bond change.
 */
final class BondStore {

    /** Thing ids of Bluetooth LE things: this prefix and the identity address's 12 hex digits. */
    static final String PREFIX = "ble-";

    private final ThingKeyStore keystore;
    private final Map<ThingId, byte[]> irks = new ConcurrentSkipListMap<>();

    BondStore(ThingKeyStore keystore) {
        this.keystore = keystore;
    }

    static ThingId thingOf(BleAddress identity) {
        return ThingId.of(PREFIX + HexFormat.of().formatHex(identity.octets()));
    }

    static Optional<String> identityOf(ThingId thing) {
        String v = thing.value();
        if (!v.startsWith(PREFIX) || v.length() != PREFIX.length() + 12) {
            return Optional.empty();
        }
        return Optional.of(BleAddress.parse(v.substring(PREFIX.length()).replaceAll("(..)(?!$)", "$1:"), true)
                .toString());
    }

    /** Rebuilds the index from the keystore. */
    void reload() {
        irks.clear();
        for (ThingId thing : keystore.things()) {
            if (!thing.value().startsWith(PREFIX) || !keystore.isActive(thing)) {
                continue;
            }
            try {
                if (!hasLtk(thing)) {
                    continue;
                }
                irks.put(thing, keystore.storedKey(thing, Layer.LINK, BleLinkSecurity.IRK).map(BondStore::take)
                        .orElse(new byte[0]));
            } catch (UnknownThingException | KeyRevokedException e) {
                // revoked between the listing and the read: not bonded
            }
        }
    }

    void store(ThingId thing, PairingResult bond) {
        keystore.storeKey(thing, Layer.LINK, bond.secureConnections ? BleLinkSecurity.LTK : BleLinkSecurity.LEGACY_LTK,
                bond.ltk);
        if (bond.irk != null) {
            keystore.storeKey(thing, Layer.LINK, BleLinkSecurity.IRK, bond.irk);
        }
        irks.put(thing, bond.irk == null ? new byte[0] : bond.irk.clone());
    }

    /** Forgets the bond: index entry and stored keys (already gone if the thing's keys were revoked). */
    boolean remove(ThingId thing) {
        byte[] irk = irks.remove(thing);
        if (irk != null) {
            Arrays.fill(irk, (byte) 0);
        }
        try {
            keystore.deleteStoredKey(thing, Layer.LINK, BleLinkSecurity.LTK);
            keystore.deleteStoredKey(thing, Layer.LINK, BleLinkSecurity.LEGACY_LTK);
            keystore.deleteStoredKey(thing, Layer.LINK, BleLinkSecurity.IRK);
        } catch (UnknownThingException | KeyRevokedException e) {
            // nothing left to delete
        }
        return irk != null;
    }

    boolean isBonded(ThingId thing) {
        return irks.containsKey(thing);
    }

    /**
     * Whether the thing's keys are active and its bond's LTK is still stored: a rotation of its LINK keys or a
     * revocation destroys it, and the bond then no longer counts.
     */
    boolean keysStillThere(ThingId thing) {
        try {
            return keystore.isActive(thing) && hasLtk(thing);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean hasLtk(ThingId thing) {
        return present(BleLinkSecurity.LTK, thing) || present(BleLinkSecurity.LEGACY_LTK, thing);
    }

    private boolean present(String mechanism, ThingId thing) {
        return keystore.storedKey(thing, Layer.LINK, mechanism).map(k -> {
            k.destroy();
            return true;
        }).orElse(false);
    }

    /** Whether the thing's bond comes from legacy pairing (its links then claim no protection). */
    boolean isLegacy(ThingId thing) {
        try {
            return !present(BleLinkSecurity.LTK, thing) && present(BleLinkSecurity.LEGACY_LTK, thing);
        } catch (RuntimeException e) {
            return false;
        }
    }

    boolean hasIrk(ThingId thing) {
        byte[] irk = irks.get(thing);
        return irk != null && irk.length == 16;
    }

    List<ThingId> bonded() {
        return List.copyOf(irks.keySet());
    }

    /** The bonded thing an address on the air belongs to: by IRK for a resolvable private address. */
    Optional<ThingId> resolve(BleAddress address) {
        if (address.isResolvablePrivate()) {
            for (Map.Entry<ThingId, byte[]> e : irks.entrySet()) {
                if (e.getValue().length == 16 && address.resolvesWith(e.getValue())) {
                    return Optional.of(e.getKey());
                }
            }
            return Optional.empty();
        }
        ThingId byIdentity = thingOf(address);
        return irks.containsKey(byIdentity) ? Optional.of(byIdentity) : Optional.empty();
    }

    private static byte[] take(DerivedKey key) {
        try {
            return key.bytes();
        } finally {
            key.destroy();
        }
    }
}
