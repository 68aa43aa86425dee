/**
 * DTLS 1.2 (Eclipse Scandium) for the things the hub serves: server connectors whose PSKs, raw public keys and
 * certificates come from the keystore, and that drop a thing's sessions the moment it loses access.
 */
@Export
@Version("1.0.0")
package org.trusthub.security.transport.dtls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
