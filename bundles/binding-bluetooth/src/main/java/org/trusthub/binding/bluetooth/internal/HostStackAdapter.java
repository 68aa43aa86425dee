package org.trusthub.binding.bluetooth.internal;

import java.util.function.Consumer;

import org.trusthub.security.link.ble.BleAddress;

/**
 * An adapter whose host stack pairs, encrypts and speaks GATT itself (BlueZ: the kernel and bluetoothd keep the link
 * layer out of the hub's reach). The bridge still decides policy (legacy pairing refused unless configured), keeps
 * the bond's keys in the keystore and runs the lifecycle; the adapter only carries out what the bridge decided.
 */
public interface HostStackAdapter {

    /** org.bluetooth.characteristic.temperature, what the bridge maps to the hub model. */
    String TEMPERATURE_UUID = "00002a6e-0000-1000-8000-00805f9b34fb";
    /** org.bluetooth.characteristic.measurement_interval, writable, uint16 seconds. */
    String INTERVAL_UUID = "00002a21-0000-1000-8000-00805f9b34fb";

    /**
     * Pairs with the device through the host stack and returns what the bond holds: the keys if the hub can read
     * them, and whether LE Secure Connections made them.
     *
     * @throws IllegalStateException if pairing failed or the bond cannot be read (the device is removed again)
     * @throws IllegalArgumentException if the host stack does not know the address
     */
    PairingResult pair(BleAddress address);

    /** Reads a characteristic (by its 128-bit UUID) of a bonded device over its encrypted link. */
    byte[] read(BleAddress identity, String characteristicUuid);

    /** Writes a characteristic with a write request (acknowledged). */
    void write(BleAddress identity, String characteristicUuid, byte[] value);

    /** Starts notifications of a characteristic; each notified value goes to the sink. */
    void subscribe(BleAddress identity, String characteristicUuid, Consumer<byte[]> sink);

    /** Removes the device and its bond from the host stack; false if it did not know the device. */
    boolean remove(BleAddress identity);
}
