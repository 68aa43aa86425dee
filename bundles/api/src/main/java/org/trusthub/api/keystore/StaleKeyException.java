package org.trusthub.api.keystore;

import org.trusthub.api.thing.ThingId;

/**
 * A counter was asked for a key whose layer has been rotated since the key was handed out. Drawing it would let the
 * caller go on using the old key with counter values the new generation hands out again, so the caller must fetch the
 * current key first.
 */
public class StaleKeyException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    public StaleKeyException(ThingId thing, Layer layer, int generation, int current) {
        super("key of thing '" + thing + "' at layer " + layer + " is generation " + generation
                + " but the layer is at generation " + current + ": fetch the current key");
    }

    /**
     * The key is not the layer's current key for another reason, for example a key of a revoked root whose
     * generation the new root has reached again.
     *
     * @since 1.1
     */
    public StaleKeyException(ThingId thing, Layer layer, String reason) {
        super("key of thing '" + thing + "' at layer " + layer + " is not the current key (" + reason
                + "): fetch the current key");
    }
}
