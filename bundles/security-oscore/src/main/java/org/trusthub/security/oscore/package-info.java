/**
 * OSCORE (RFC 8613) for the things the hub serves: security contexts whose master secret is the thing's
 * application-layer key from the keystore and whose sender sequence numbers are the keystore's crash-safe counters.
 */
@Export
@Version("1.0.0")
package org.trusthub.security.oscore;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
