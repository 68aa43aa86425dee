package org.trusthub.security.oscore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.ThingId;

/**
 * The OSCORE parameters a thing and the hub agree on without messages: AES-CCM-16-64-128 with HKDF-SHA256, no
 * master salt, no ID context; the master secret is the thing's application-layer key ({@value #MECHANISM},
 * {@value #MASTER_SECRET_LENGTH} bytes); the hub's sender ID is empty and the thing's sender ID is the first
 * {@value #THING_ID_LENGTH} bytes of SHA-256 over {@code "trusthub/oscore-kid/" + thing id}, so the hub finds the
 * context from the key id alone.
 */
public final class OscoreIds {

    /** Mechanism name the master secret is derived under. */
    public static final String MECHANISM = "oscore";
    /** Master secret length in bytes. */
    public static final int MASTER_SECRET_LENGTH = 16;
    /** Length of a thing's sender ID: at most 7 bytes fit the 13-byte AES-CCM nonce (RFC 8613, 5.2). */
    public static final int THING_ID_LENGTH = 7;
    /** The hub's sender ID. */
    private static final byte[] HUB_ID = new byte[0];

    private OscoreIds() {
    }

    /** The thing's sender ID (the hub's recipient ID for it). */
    public static byte[] thingSenderId(ThingId thing) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("trusthub/oscore-kid/" + thing.value()).getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(digest, THING_ID_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** The hub's sender ID (the thing's recipient ID). */
    public static byte[] hubSenderId() {
        return HUB_ID.clone();
    }

    /** The thing's master secret at its application layer's current generation; the caller destroys it. */
    public static DerivedKey masterSecret(ThingKeyStore keys, ThingId thing) {
        return keys.deriveKey(thing, Layer.APPLICATION, MECHANISM, MASTER_SECRET_LENGTH);
    }

    /**
     * The same master secret with its use not recorded: for a context that has not yet verified a message. Record
     * the use with {@link ThingKeyStore#recordUse} once a request under it decrypted; the caller destroys the key.
     */
    public static DerivedKey masterSecretUnrecorded(ThingKeyStore keys, ThingId thing) {
        return keys.deriveKeyUnrecorded(thing, Layer.APPLICATION, MECHANISM, MASTER_SECRET_LENGTH);
    }
}
