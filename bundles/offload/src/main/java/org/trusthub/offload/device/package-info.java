/**
 * The constrained-device model: the device side of every offload protocol, counting each cryptographic operation
 * by kind and each byte on the air. Tests, benchmarks and bindings use it to play a thing.
 */
@Export
@Version("1.2.0")
package org.trusthub.offload.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
