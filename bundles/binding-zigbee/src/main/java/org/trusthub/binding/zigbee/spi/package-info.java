/**
 * The ZigBee bridge's commissioning API: the hub as the network's trust center (join policy, install codes, network key
 * rotation); plus the simulated network used for tests and the demo. Device values are in the thing model.
 */
@Export
@Version("2.0.0")
package org.trusthub.binding.zigbee.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
