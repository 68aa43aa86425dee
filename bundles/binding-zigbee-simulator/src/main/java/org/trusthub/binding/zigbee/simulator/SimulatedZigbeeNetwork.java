package org.trusthub.binding.zigbee.simulator;

import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The simulated radio and its devices, registered ({@code trusthub.simulated=true}) while the ZigBee bridge runs a
 * network on the simulated coordinator radio; a new one each time the network starts.
 * Simulated devices are separate from the hub: each keeps its own install code, network key and frame counters, and
 * exchanges real NWK/APS-secured frames with the hub's coordinator.
 */
@ProviderType
public interface SimulatedZigbeeNetwork {

    /**
     * Powers on a simulated device with on/off, level and temperature clusters.
     *
     * @param installCode the code printed on it (hex with CRC), or {@code null} for a legacy device that only knows
     *        the default trust-center link key
     */
    void addDevice(long ieeeAddress, String installCode);

    /**
     * Powers on a simulated device with some of the on/off (0x0006), level (0x0008) and temperature (0x0402)
     * clusters on endpoint 1; its ZDO answers the hub's service discovery with them.
     *
     * @throws IllegalArgumentException for no cluster or one a simulated device does not have
     */
    void addDevice(long ieeeAddress, String installCode, Set<Integer> clusters);

    /**
     * The device tries to join; returns whether it obtained the network key, was admitted, and the hub's stack
     * discovered its endpoints from its ZDO (what an installer waits for before using it).
     */
    boolean join(long ieeeAddress);

    /**
     * The device reports a temperature (an attribute report, NWK-secured with whatever network key it holds);
     * returns whether the hub accepted the frame.
     *
     * @throws IllegalArgumentException if the device has no temperature cluster
     */
    boolean reportTemperature(long ieeeAddress, double celsius);

    /** Replays the device's last frame as captured on the air; returns whether the hub accepted it. */
    boolean replayLastFrame(long ieeeAddress);

    /**
     * The device's last frame as an eavesdropper captured it on the air (NWK-secured bytes; no key material beyond
     * what the air carries), to replay later with {@link #injectFrame}, for example after a hub restart.
     */
    Optional<byte[]> lastFrame(long ieeeAddress);

    /**
     * Puts raw bytes on the simulated air towards the hub's coordinator, as an attacker's radio would; returns whether
     * the hub accepted them.
     */
    boolean injectFrame(byte[] frame);

    /** What a device holds, without key bytes. */
    Optional<DeviceView> view(long ieeeAddress);

    /** A simulated device's state. */
    record DeviceView(long ieeeAddress, int networkAddress, int keySequence, boolean hasNetworkKey, boolean left,
            boolean on, int level, double temperature, long framesRefused) {
    }
}
