package org.trusthub.binding.bluetooth;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.ThingId;

/** The Bluetooth LE bridge's operations, for the shell, tests and the hub model. */
@ProviderType
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

    /** Reads the thing's temperature (GATT read over the encrypted link), in degrees Celsius. */
    double readTemperature(ThingId thing);

    /** Writes the thing's measurement interval in seconds (GATT write over the encrypted link). */
    void writeInterval(ThingId thing, int seconds);

    /** Subscribes to temperature notifications; values land in {@link #lastTemperature}. */
    void subscribe(ThingId thing);

    /** The hub model's latest temperature of the thing, from a read or a notification. */
    Optional<Double> lastTemperature(ThingId thing);
}
