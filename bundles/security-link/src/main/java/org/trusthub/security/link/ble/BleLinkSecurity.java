package org.trusthub.security.link.ble;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;

/**
 * The Bluetooth LE link-layer security provider's own service (registered beside
 * {@link org.trusthub.api.security.SecurityProvider}): opens encrypted link sessions with a thing's bonded long term
 * key, which it reads from the keystore, and reports what it refuses to
 * {@link org.trusthub.api.security.SecurityRefusals}.
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

    /**
     * Who a session of a bonded thing authenticates and how well: the link is encrypted and authenticated with
     * AES-CCM from the controller to the thing, so confidentiality, hop by hop. What the binding states for each
     * value it accepts over that link, and what the provider reports as the thing's sessions.
     */
    static Authenticated authenticated(ThingId thing, LinkSession session) {
        return new Authenticated(thing, Layer.LINK, NAME, Protection.confidentiality(), session.id());
    }

    /** Closes every session of the thing at once (as {@link org.trusthub.api.security.SecurityProvider#forget}). */
    void forget(ThingId thing);
}
