/**
 * The ZigBee bridge: the hub as the network's trust center (join policy, install codes, network key rotation) and the
 * devices' clusters in the hub's view; plus the simulated network used for tests and the demo.
 */
@Export
@Version("1.2.0")
package org.trusthub.binding.zigbee.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
