/**
 * The security-provider SPI: providers register per layer and mechanism, bindings look them up.
 */
@Export
@Version("1.0.0")
package org.trusthub.api.security;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
