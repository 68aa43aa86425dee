/**
 * IEEE 802.15.4 (2006) MAC frame security: security levels, the auxiliary security header, key identifier modes and
 * the frame security service that protects and opens MAC frames with keys from the hub's keystore.
 */
@Export
@Version("2.0.0")
package org.trusthub.security.link.ieee802154;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
