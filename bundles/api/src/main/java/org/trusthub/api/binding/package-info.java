/**
 * The protocol-binding SPI: one binding per protocol, translating it to the hub's model.
 */
@Export
@Version("1.0.0")
package org.trusthub.api.binding;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
