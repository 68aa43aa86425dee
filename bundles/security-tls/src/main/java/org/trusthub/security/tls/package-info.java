/**
 * TLS for the hub's HTTPS endpoints (DPWS over HTTPS and the like): SSL contexts whose key is the hub identity and
 * whose trust is the shared keystore's (things' root certificates, trust anchors).
 */
@Export
@Version("1.1.0")
package org.trusthub.security.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
