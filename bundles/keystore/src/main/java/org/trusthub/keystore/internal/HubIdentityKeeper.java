package org.trusthub.keystore.internal;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.SecureRandom;
import java.time.Instant;

import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.keystore.internal.KeystoreRecords.Hub;

/**
 * The hub identity as the keystore holds it: loaded from its record, or made at first start, and written back with
 * every snapshot. Set while the store is opened (single-threaded) and not changed afterwards.
 */
final class HubIdentityKeeper {

    private HubIdentity identity;

    /** The identity, or null before it is loaded or made. */
    HubIdentity get() {
        return identity;
    }

    /** Applies a hub record, written or replayed; its private key bytes are wiped. */
    void apply(Hub h) {
        try {
            identity = HubIdentities.load(h.certificate(), h.pkcs8());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the hub identity record cannot be read: " + e.getClass().getName());
        } finally {
            KeystoreRecords.wipe(h);
        }
    }

    /** Makes a fresh identity; the caller writes {@link #record} and then {@link #set}s it. */
    static HubIdentity generate(SecureRandom random, Instant now) {
        return HubIdentities.generate(random, now);
    }

    void set(HubIdentity fresh) {
        identity = fresh;
    }

    void clear() {
        identity = null;
    }

    /** The record of an identity (its private key in PKCS#8: the caller wipes the encoding). */
    static Hub record(HubIdentity id) {
        try {
            return new Hub(id.certificate().getEncoded(), id.privateKey().getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("hub certificate cannot be encoded", e);
        }
    }
}
