package org.trusthub.api.keystore;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;

/**
 * Keys a thing has that are not derived from its root credential, such as a ZigBee install-code link key, a
 * Bluetooth bond's LTK or IRK, or a key agreed by pairing. They live under a layer's current generation of the
 * thing's {@linkplain ThingKeys keys}: rotating the layer or revoking the thing destroys them.
 *
 * <p>Depend on this service to keep such keys. Counters and replay marks of a stored key are {@link KeyCounters}.
 *
 * @since 1.4
 */
@ProviderType
public interface StoredKeys {

    /**
     * Keeps a key that is not derived from the root credential under the current generation of the layer; encrypted
     * at rest like everything else. It replaces a key stored earlier for the same layer and mechanism.
     *
     * @param key {@value ThingKeys#MIN_KEY_LENGTH} to {@value ThingKeys#MAX_KEY_LENGTH} bytes; copied, the caller
     *        should wipe its array
     * @throws UnknownThingException if the thing is not enrolled
     * @throws KeyRevokedException if its keys are revoked
     * @since 1.1
     */
    void storeKey(ThingId thing, Layer layer, String mechanism, byte[] key);

    /**
     * A key kept with {@link #storeKey}, at the layer's current generation.
     *
     * @return empty if none is stored for this layer and mechanism at the current generation
     * @throws UnknownThingException if the thing is not enrolled
     * @throws KeyRevokedException if its keys are revoked
     * @since 1.1
     */
    Optional<DerivedKey> storedKey(ThingId thing, Layer layer, String mechanism);

    /**
     * Destroys a key kept with {@link #storeKey} (for example when a Bluetooth bond is removed).
     *
     * @return whether a key was stored
     * @since 1.1
     */
    boolean deleteStoredKey(ThingId thing, Layer layer, String mechanism);
}
