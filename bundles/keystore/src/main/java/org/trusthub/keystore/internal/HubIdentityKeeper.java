package org.trusthub.keystore.internal;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.Arrays;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.api.keystore.KeystoreException;
import org.trusthub.keystore.internal.KeystoreRecords.Hub;
import org.trusthub.storage.StoreException;

/**
 * The hub identity as the keystore holds it: loaded from its record, or made at first start, and written back with
 * every snapshot. Set while the store is opened (single-threaded) and not changed afterwards.
 */
final class HubIdentityKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(HubIdentityKeeper.class);

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

    /**
     * At first start (no identity was replayed): makes the identity and writes it, durable before it is used.
     *
     * @param noThings whether the store holds no thing: things without a hub identity mean a damaged store
     * @throws KeystoreException if the store holds things, or the identity cannot be written
     */
    void createIfAbsent(KeystoreJournal journal, boolean noThings, SecureRandom random, Instant now,
            Path storeDirectory) {
        if (identity != null) {
            return;
        }
        if (!noThings) {
            throw new KeystoreException("keystore " + storeDirectory + " holds things but no hub identity; "
                    + "it was left as found: restore it from a backup");
        }
        HubIdentity fresh = HubIdentities.generate(random, now);
        byte[] record = KeystoreRecords.encode(record(fresh));
        try {
            journal.appendAlone(record);
        } catch (StoreException e) {
            throw new KeystoreException("cannot write the new hub identity to keystore " + storeDirectory + ": "
                    + e.getMessage(), e);
        } finally {
            Arrays.fill(record, (byte) 0);
        }
        identity = fresh;
        LOG.info("Created the hub identity {}", fresh.certificate().getSubjectX500Principal().getName());
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
