/**
 * The Bluetooth LE bridge's contract with the rest of the hub: adapters (a BlueZ one on Linux, a simulated one for
 * tests and the demo) and the bridge's operations (scan, pair, bonds, GATT values).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.trusthub.binding.bluetooth;
