package org.trusthub.api.keystore;

import org.trusthub.api.thing.ThingId;

/** A nonce counter reached its limit: the key must be rotated before it is used again. */
public class CounterExhaustedException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    public CounterExhaustedException(ThingId thing, Layer layer, String mechanism, long limit) {
        super("counter of thing '" + thing + "' " + layer + "/" + mechanism + " reached its limit " + limit
                + ": rotate the " + layer + " keys");
    }
}
