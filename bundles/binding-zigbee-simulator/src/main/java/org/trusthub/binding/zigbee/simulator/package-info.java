/**
 * The SIMULATED ZigBee network for tests and the demo: simulated devices, each a separate party holding only its own
 * install code, network key and frame counters, and an attacker's radio (capture, replay, inject). Registered while
 * the bridge runs on the simulated coordinator radio of this bundle.
 */
@Export
@Version("1.0.0")
package org.trusthub.binding.zigbee.simulator;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
