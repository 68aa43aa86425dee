package org.trusthub.security.network.zigbee;


import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.thing.ThingId;

/**
 * ZigBee APS security with link keys kept in the hub's keystore: each device's link key (from its install code, by
 * AES-MMO) is stored with {@code ThingKeyStore.storeKey} under the device's thing id, NETWORK layer, mechanism
 * {@link #LINK_KEY_MECHANISM}; the key-transport and key-load keys are derived from it on use. Outgoing counters come
 * from the keystore, incoming ones are checked per device against the keystore's replay marks of its link key, so they
 * survive a restart; a new or deleted link key starts them over.
 *
 * <p>Each refused frame is reported to the hub's {@link org.trusthub.api.security.SecurityRefusals} by
 * {@link ZigbeeSecurityException.Reason#common() common reason}.
 *
 * <p>Registered as a {@link SecurityProvider} with {@code trusthub.layer=NETWORK}, {@code trusthub.mechanism=zigbee-aps}.
 */
@ProviderType
public interface ZigbeeApsSecurity extends SecurityProvider {

    String MECHANISM = "zigbee-aps";
    /** Keystore mechanism of a stored device link key. */
    String LINK_KEY_MECHANISM = "zigbee-aps-link";

    /**
     * Stores the link key of an install code for an enrolled device, replacing an earlier one.
     *
     * @throws org.trusthub.api.thing.UnknownThingException if the device is not enrolled
     */
    void storeInstallCode(ThingId device, InstallCode code);

    boolean hasLinkKey(ThingId device);

    /** Destroys a device's link key; it can no longer receive keys from the trust center. */
    boolean deleteLinkKey(ThingId device);

    /**
     * Secures an APS frame to a device with its link key (or a key derived from it).
     *
     * @param extendedNonce whether the auxiliary header carries our address (ZigBee requires it for key transport)
     */
    byte[] protect(ThingId device, ApsHeader header, KeyId keyId, byte[] payload, long ownAddress,
            boolean extendedNonce) throws ZigbeeSecurityException;

    /** Opens an APS frame from a device. */
    ZigbeeFrame<ApsHeader> unprotect(ThingId device, byte[] frame, long senderAddress) throws ZigbeeSecurityException;

}
