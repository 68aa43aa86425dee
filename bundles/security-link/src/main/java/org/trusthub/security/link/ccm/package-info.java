/**
 * CCM* (IEEE 802.15.4-2006 Annex B): AES-CCM that also allows a zero-length MIC, as used by IEEE 802.15.4 frame
 * security and ZigBee NWK/APS security, plus the incoming frame counter check both share (in memory, or durable
 * through the keystore's replay marks).
 */
@Export
@Version("1.1.0")
package org.trusthub.security.link.ccm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
