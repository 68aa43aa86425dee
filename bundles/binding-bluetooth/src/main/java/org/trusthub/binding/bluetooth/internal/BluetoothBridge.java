package org.trusthub.binding.bluetooth.internal;

import java.util.List;
import java.util.Optional;

import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.bluetooth.spi.Advertisement;

/**
 * The Bluetooth LE bridge's pairing and commissioning, for the console. Values and commands go through the thing
 * model ({@link BluetoothProperties}).
 */
public interface BluetoothBridge {

    /** A device seen by a scan and, when its address resolves with a bonded IRK, the thing it is. */
    record Discovered(Advertisement advertisement, Optional<ThingId> thing) {
    }

    /** A bond as the shell lists it: never key bytes. */
    record BondInfo(ThingId thing, String identityAddress, boolean hasIrk, boolean connected) {
    }

    /** Whether the adapter in use is simulated. */
    boolean isSimulated();

    List<Discovered> scan();

    /**
     * Pairs with LE Secure Connections (legacy pairing only if configuration allows it), then commissions the
     * thing: enrolls it, stores its LTK and IRK in the keystore and makes it operational.
     *
     * @param address the address the device advertises with now
     * @return the thing id, {@code ble-} and the device's identity address
     */
    ThingId pair(String address, String owner);

    /** Bonds kept in the keystore. */
    List<BondInfo> bonds();

    /** Decommissions the thing, which removes its bond; it can no longer read or send. */
    void remove(ThingId thing);
}
