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
    /** Mechanism name under which an LE Secure Connections bond's LTK is stored in the keystore (layer LINK). */
    String LTK = "ble-ltk";
    /**
     * Mechanism name under which a legacy bond's LTK is stored in the keystore (layer LINK): kept apart, so a link
     * keyed from it is never taken for an LE Secure Connections one.
     */
    String LEGACY_LTK = "ble-ltk-legacy";
    /** The mechanism of a link keyed by an LE Secure Connections bond (P-256 ECDH at pairing). */
    String LESC = "ble-lesc";
    /** The mechanism of a link keyed by a legacy bond (no ECDH at pairing). */
    String LEGACY = "ble-legacy";
    /** Mechanism name under which a bond's IRK is stored in the keystore (layer LINK). */
    String IRK = "ble-irk";

    /**
     * Opens a session with the LTK bonded to the thing ({@link #LTK}, or else {@link #LEGACY_LTK}: the session says
     * which, {@link LinkSession#legacy()}).
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
     * Who a session of a bonded thing authenticates and how well. What the binding states for each value it accepts
     * over that link, and what the provider reports as the thing's sessions.
     */
    static Authenticated authenticated(ThingId thing, LinkSession session) {
        return authenticated(thing, session.legacy(), session.id());
    }

    /**
     * Who a link keyed by the thing's bond authenticates and how well. An LE Secure Connections bond
     * ({@value #LESC}): the LTK came from P-256 ECDH, so a party that recorded the pairing cannot compute it; the link
     * is encrypted and authenticated with AES-CCM from the controller to the thing: confidentiality, hop by hop. A
     * legacy bond ({@value #LEGACY}): the LTK travelled at pairing under a key derived from a temporary key that Just
     * Works fixes at 0 (and a passkey leaves to a 20-bit search), so anyone who recorded the pairing can recover it
     * and read or forge the link's traffic. It proves only that the peer holds a key some party may share: it claims
     * no protection ({@link Protection#NONE}), and any {@code protect} requirement for bluetooth refuses it.
     *
     * @param session what the security status calls the session, never anything of the key
     */
    static Authenticated authenticated(ThingId thing, boolean legacy, String session) {
        return legacy ? new Authenticated(thing, Layer.LINK, LEGACY, Protection.NONE, session)
                : new Authenticated(thing, Layer.LINK, LESC, Protection.confidentiality(), session);
    }

    /** Closes every session of the thing at once (as {@link org.trusthub.api.security.SecurityProvider#forget}). */
    void forget(ThingId thing);
}
