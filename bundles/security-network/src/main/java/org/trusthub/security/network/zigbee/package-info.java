/**
 * ZigBee network (NWK) and application support (APS) security: the ZigBee auxiliary security header, NWK and APS frame
 * headers, CCM* protection of both, AES-MMO and its keyed hash, install codes, and the hub's keystore-backed NWK and
 * APS security services.
 */
@Export
@Version("2.1.0")
package org.trusthub.security.network.zigbee;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
