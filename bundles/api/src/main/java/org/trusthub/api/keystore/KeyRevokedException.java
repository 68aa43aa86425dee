package org.trusthub.api.keystore;

import org.trusthub.api.thing.ThingId;

/** A key or counter was asked for a thing whose keys are revoked. */
public class KeyRevokedException extends KeystoreException {
    private static final long serialVersionUID = 1L;

    public KeyRevokedException(ThingId thing) {
        super("keys of thing '" + thing + "' are revoked: re-commission it with a fresh root credential");
    }
}
