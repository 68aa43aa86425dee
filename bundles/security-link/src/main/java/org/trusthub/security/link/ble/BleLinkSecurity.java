package org.trusthub.security.link.ble;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.ThingId;

/**
 * The Bluetooth LE link-layer security provider's own service (registered beside
 * {@link org.trusthub.api.security.SecurityProvider}): opens encrypted link sessions with a thing's bonded long term
 * key, which it reads from the keystore, and counts what it refuses.
 */
@ProviderType
public interface BleLinkSecurity {

    /** The provider's mechanism name (its {@code trusthub.mechanism}). */
    String NAME = "ble-ll-aes-ccm";
    /** Mechanism name under which a bond's LTK is stored in the keystore (layer LINK). */
    String LTK = "ble-ltk";
    /** Mechanism name under which a bond's IRK is stored in the keystore (layer LINK). */
    String IRK = "ble-irk";

    /**
     * Opens a session with the LTK bonded to the thing.
     *
     * @throws BleSecurityException {@code UNKNOWN_KEY} if the thing has no bond (unknown, revoked or removed)
     */
    LinkSession open(ThingId thing, LinkCipher.Role role, EncryptionStart start);

    /**
     * Opens a session with an LTK just agreed by pairing, before the thing is enrolled; it is not bound to a thing
     * and the caller closes it when key distribution ends.
     */
    LinkSession openForPairing(byte[] ltk, LinkCipher.Role role, EncryptionStart start);

    /** Closes every session of the thing at once (as {@link org.trusthub.api.security.SecurityProvider#forget}). */
    void forget(ThingId thing);

    /** How many frames were refused, by reason, since the provider started. */
    Map<BleSecurityException.Reason, Long> refusals();
}
