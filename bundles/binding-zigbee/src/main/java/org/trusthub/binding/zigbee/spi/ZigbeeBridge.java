package org.trusthub.binding.zigbee.spi;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.ThingId;

/**
 * The hub's ZigBee bridge and trust center: commissioning, joining and the network key. Keys never leave through this
 * interface: the network key, link keys and install codes stay in the keystore. Device values and commands are not
 * here: they go through the thing model ({@link org.trusthub.api.model.ThingModelRegistry}), which the bridge feeds
 * as a {@link org.trusthub.api.model.PropertyProvider}. Refusals are counted in the hub's
 * {@link org.trusthub.api.security.SecurityRefusals} (mechanisms {@code zigbee-nwk}, {@code zigbee-aps},
 * {@code zigbee} for the trust center's own, {@code zigbee-dongle} for what a dongle did not carry out).
 */
@ProviderType
public interface ZigbeeBridge {

    /** Whether the bridge runs a simulated coordinator and radio. */
    boolean isSimulated();

    JoinPolicy joinPolicy();

    void setJoinPolicy(JoinPolicy policy);

    /**
     * Commissions a device: enrolls it (a fresh random root secret), or re-commissions it under the given owner when
     * it was decommissioned, and, with an install code, keeps the code's link key in the keystore; the device may
     * then join while joining is permitted.
     *
     * @param installCode hex text with CRC, or {@code null} for a legacy device (joins only under SECURE_JOIN)
     * @throws IllegalArgumentException for a malformed install code (nothing is enrolled then) or owner
     * @throws org.trusthub.api.thing.DuplicateThingException if the device is enrolled and not decommissioned
     */
    ThingId commission(long ieeeAddress, String installCode, String owner);

    /** Permits joining for a number of seconds (0 closes it, at most 254). */
    void permitJoin(int seconds);

    /** Seconds left in the permit-join window. */
    int permitJoinRemaining();

    /** The network key's sequence number (it follows the key's generation in the keystore). */
    int networkKeySequence();

    /** The extended PAN id of the network. */
    long extendedPanId();

    /**
     * A new network key for every joined device: each gets it under its own link key, then switches; the previous
     * key is refused from then on.
     *
     * @return the new key sequence number
     */
    int rotateNetworkKey();

    /**
     * Decommissions a device: asks it to leave, deletes its link key, decommissions it (its keys are revoked) and
     * rotates the network key for everyone else, so it can no longer read or send traffic.
     */
    void decommission(ThingId thing);

    /**
     * Why this bridge cannot rotate the network key now (a dongle whose driver cannot carry a new key to a running
     * network), or empty when it can. {@link #rotateNetworkKey()} then refuses, and a decommission leaves the key as
     * it was: the shell says so.
     *
     * @since 1.1
     */
    default Optional<String> networkKeyRotationRefusal() {
        return Optional.empty();
    }

    List<ZigbeeDevice> devices();

    Optional<ZigbeeDevice> device(ThingId thing);
}
