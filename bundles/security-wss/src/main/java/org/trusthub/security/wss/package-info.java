/**
 * WS-Security for SOAP 1.2 envelopes (DPWS): securing and verifying messages with Timestamp, UsernameToken, X.509
 * signatures and AES-GCM encryption, and the WS-Discovery 1.1 compact signature for discovery messages. Bindings
 * use {@link org.trusthub.security.wss.WsSecurity}; they never see a key.
 */
@Export
@Version("2.0.0")
package org.trusthub.security.wss;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
