/**
 * The SIMULATED Bluetooth LE adapter and its sensors, exported for the demo bundle, which sets the simulated
 * thermometer's measurements.
 */
@Export
@Version("1.0.0")
package org.trusthub.binding.bluetooth.simulator;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
