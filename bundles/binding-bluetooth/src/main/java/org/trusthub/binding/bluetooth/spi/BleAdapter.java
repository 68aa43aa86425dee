package org.trusthub.binding.bluetooth.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;
import org.trusthub.security.link.ble.BleAddress;

/**
 * A Bluetooth LE controller the hub is central of, registered as a service with {@code trusthub.simulated}. It carries
 * link-layer data PDUs; pairing and link encryption are done by the bridge through the security provider.
 */
@ConsumerType
public interface BleAdapter {

    /** Whether this adapter is simulated; every view labels it so. */
    boolean isSimulated();

    /** A short name for logs and the shell. */
    String name();

    /** The hub's own address on this adapter. */
    BleAddress localAddress();

    /** Devices advertising now. */
    List<Advertisement> scan();

    /**
     * Connects to an advertising device.
     *
     * @throws IllegalArgumentException if no device advertises with that address
     */
    AirLink connect(BleAddress address);
}
