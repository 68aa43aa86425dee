package org.trusthub.binding.zigbee;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The simulated radio and its devices, registered only while the bridge is simulated ({@code trusthub.simulated=true}).
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

    /** The device tries to join; returns whether it obtained the network key and was admitted. */
    boolean join(long ieeeAddress);

    /**
     * The device reports a temperature (an attribute report, NWK-secured with whatever network key it holds);
     * returns whether the hub accepted the frame.
     */
    boolean reportTemperature(long ieeeAddress, double celsius);

    /** Replays the device's last frame as captured on the air; returns whether the hub accepted it. */
    boolean replayLastFrame(long ieeeAddress);

    /**
     * The device's last frame as an eavesdropper captured it on the air (NWK-secured bytes; no key material beyond
     * what the air carries), to replay later with {@link #injectFrame}, for example after a hub restart.
     *
     * @since 1.1
     */
    Optional<byte[]> lastFrame(long ieeeAddress);

    /**
     * Puts raw bytes on the simulated air towards the hub's coordinator, as an attacker's radio would; returns whether
     * the hub accepted them.
     *
     * @since 1.1
     */
    boolean injectFrame(byte[] frame);

    /** What a device holds, without key bytes. */
    Optional<DeviceView> view(long ieeeAddress);

    /** A simulated device's state. */
    record DeviceView(long ieeeAddress, int networkAddress, int keySequence, boolean hasNetworkKey, boolean left,
            boolean on, int level, double temperature, long framesRefused) {
    }
}
