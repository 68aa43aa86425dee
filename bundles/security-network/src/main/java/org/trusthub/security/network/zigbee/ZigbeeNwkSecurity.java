package org.trusthub.security.network.zigbee;


import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.thing.ThingId;

/**
 * ZigBee NWK security with the network key from the hub's keystore. The key lives under a thing id of the network's
 * own ({@link ZigbeeIds#network}), enrolled with a fresh random root secret; the key is that thing's NETWORK-layer key
 * of mechanism {@link #MECHANISM}, and its key sequence number follows the layer's generation, so a rotation is a new
 * network key. Outgoing frame counters come from the keystore; incoming ones are checked per sender against the
 * keystore's replay marks of the network key ({@code ThingKeyStore.advanceReplayMark}, named by the sender's IEEE
 * address), so a frame accepted before a restart of the bundle or of the hub is refused after it (after a crash, up to
 * one block of a sender's fresh counters too). During a key switch the previous key's marks are carried over in
 * memory until {@link #completeSwitch}.
 *
 * <p>Each refused frame is reported to the hub's {@link org.trusthub.api.security.SecurityRefusals} by
 * {@link ZigbeeSecurityException.Reason#common() common reason}.
 *
 * <p>Registered as a {@link SecurityProvider} with {@code trusthub.layer=NETWORK}, {@code trusthub.mechanism=zigbee-nwk}.
 */
@ProviderType
public interface ZigbeeNwkSecurity extends SecurityProvider {

    String MECHANISM = "zigbee-nwk";

    /** Enrolls the network's key holder if it is not yet; returns the current key sequence number. */
    int ensureNetwork(ThingId network);

    /** The current key sequence number. */
    int keySequence(ThingId network);

    /**
     * The current network key, to hand to a device in a Transport-Key command or to a dongle's firmware. The caller
     * destroys it after use; it never goes to a log.
     */
    DerivedKey currentKey(ThingId network);

    /** Secures a NWK frame with the current network key and the next frame counter. */
    byte[] protect(ThingId network, NwkHeader header, byte[] payload, long ownAddress) throws ZigbeeSecurityException;

    /**
     * Who may send frames into the network, as the trust center sees it. Asked once a frame's MIC has checked and
     * before its counter is recorded, so a frame from a sender it refuses leaves no replay mark: anyone holding the
     * network key can name any IEEE source, and marks recorded for made-up sources would fill the key's mark table.
     */
    @FunctionalInterface
    interface Admission {
        /** Admits everyone: for a caller that holds no membership (tests, tools reading a capture). */
        Admission EVERYONE = frame -> true;

        /**
         * Whether the frame's sender is admitted. Counting and logging a refusal is the admission's; the frame is
         * then refused with {@link ZigbeeSecurityException.Reason#NOT_ADMITTED}, which the provider does not count
         * again.
         *
         * @param authentic the opened frame: its MIC checked, so it was secured under the network key
         */
        boolean admits(ZigbeeFrame<NwkHeader> authentic);
    }

    /**
     * Opens a received NWK frame: refuses an unsecured frame, an unknown key sequence number, a replayed or wrapped
     * counter and a bad MIC, then asks {@code admission} before the frame's counter is recorded. During a key switch
     * frames under the previous key are still accepted.
     */
    ZigbeeFrame<NwkHeader> unprotect(ThingId network, byte[] frame, Admission admission)
            throws ZigbeeSecurityException;

    /**
     * {@link #unprotect(ThingId, byte[], Admission)} admitting every sender: a bridge that takes frames from the air
     * must pass its trust center's admission instead.
     */
    default ZigbeeFrame<NwkHeader> unprotect(ThingId network, byte[] frame) throws ZigbeeSecurityException {
        return unprotect(network, frame, Admission.EVERYONE);
    }

    /**
     * Starts a new network key (new generation, next key sequence number). The previous key is kept, for receiving
     * only, until {@link #completeSwitch}; the trust center transports the new key to every remaining device
     * meanwhile.
     *
     * @return the new key sequence number
     */
    int rotate(ThingId network);

    /** Forgets the previous network key: frames under it are refused from now on. */
    void completeSwitch(ThingId network);

}
