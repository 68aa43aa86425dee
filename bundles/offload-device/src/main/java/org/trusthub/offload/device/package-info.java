/**
 * The constrained-device model: the device side of every offload protocol, counting each cryptographic operation
 * by kind and each byte on the air. Its own artifact (org.trusthub.offload.device), never installed on the hub: what a
 * device or gateway SDK builds on, and what tests and benchmarks use to play a thing.
 */
@Export
@Version("2.0.0")
package org.trusthub.offload.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
