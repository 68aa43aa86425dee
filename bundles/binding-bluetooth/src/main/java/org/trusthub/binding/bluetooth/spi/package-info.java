/**
 * What may plug into the Bluetooth LE binding: an adapter ({@link org.trusthub.binding.bluetooth.spi.BleAdapter},
 * registered as a service: the BlueZ one inside the binding, the simulated one in its own bundle), the connections it
 * carries, and the GATT profile and ATT codec the binding speaks over them.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.trusthub.binding.bluetooth.spi;
