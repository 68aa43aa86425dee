package org.trusthub.security.link.ieee802154;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.thing.ThingId;

/**
 * IEEE 802.15.4 frame security with keys from the hub's keystore: the LINK-layer key of mechanism {@link #MECHANISM}
 * of the thing a key identifier is bound to. Outgoing frame counters come from the keystore (never repeated, even
 * across crashes); incoming ones are checked per sender, so a replayed or wrapped counter is refused. Registered as a
 * {@link SecurityProvider} with {@code trusthub.layer=LINK}, {@code trusthub.mechanism=ieee802154-ccm-star}.
 *
 * <p>Incoming counters are checked against the keystore's replay marks of the key, one per sender
 * ({@code ThingKeyStore.advanceReplayMark}), so a frame accepted before a restart of the bundle or the hub is refused
 * after it; after a crash up to one block (the keystore's {@code replayMarkReservation}) of a sender's fresh frames
 * is refused too. A rotated or revoked key starts with no marks. A mark that cannot be written refuses the frame
 * ({@link FrameSecurityException.Reason#REPLAY}).
 *
 * <p>A refused frame changes no state (no counter moves) and is reported to the hub's
 * {@link org.trusthub.api.security.SecurityRefusals} by {@link FrameSecurityException.Reason#common() common reason}.
 * Its {@link #sessions} are the keys it holds for a thing, each with the protection of the last frame accepted under it.
 */
@ProviderType
public interface Ieee802154Security extends SecurityProvider {

    /** The mechanism name; also the keystore mechanism of the keys. */
    String MECHANISM = "ieee802154-ccm-star";

    /** Makes the thing's LINK key the key that {@code id} names. */
    void bindKey(KeyIdentifier id, ThingId keyOwner);

    /** Removes a binding; frames naming it are then refused as {@link FrameSecurityException.Reason#UNKNOWN_KEY}. */
    boolean unbindKey(KeyIdentifier id);

    /** The thing whose key an identifier names. */
    Optional<ThingId> keyOwner(KeyIdentifier id);

    /**
     * Secures an outgoing frame with the next frame counter of the key.
     *
     * @param ownAddress our extended address (it goes into the nonce)
     * @throws FrameSecurityException {@link FrameSecurityException.Reason#UNKNOWN_KEY} if the identifier is unbound
     *         or its thing's keys are revoked, {@link FrameSecurityException.Reason#COUNTER_EXHAUSTED} when the key's
     *         counter is used up (rotate the key)
     */
    MacFrame protect(MacFrame unsecured, SecurityLevel level, KeyIdentifier keyId, long ownAddress)
            throws FrameSecurityException;

    /**
     * Opens a received frame: parses it, finds the key, refuses a lower security level than {@code minimum}, a
     * replayed or wrapped counter and a bad MIC.
     *
     * @param senderAddress the sender's extended address if the frame carries only its short address, else
     *        {@code null}
     */
    MacFrame unprotect(byte[] frame, SecurityLevel minimum, Long senderAddress) throws FrameSecurityException;
}
