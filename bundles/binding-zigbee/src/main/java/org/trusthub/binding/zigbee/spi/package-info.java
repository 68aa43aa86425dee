/**
 * The ZigBee bridge's commissioning API: the hub as the network's trust center (join policy, install codes, network key
 * rotation); and the coordinator radio SPI a radio plugs in through (the simulator bundle's SIMULATED coordinator).
 * Device values are in the thing model.
 */
@Export
@Version("3.0.0")
package org.trusthub.binding.zigbee.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
