/**
 * Bluetooth LE link-layer security: the LE Secure Connections pairing functions (P-256 ECDH, f4, f5, f6, g2), the
 * legacy functions kept for refusal tests (c1, s1), random address resolution (ah), the link-layer session key and
 * AES-CCM packet protection with packet counters and the direction bit, and the parsers of the frames these work on
 * (link-layer data PDUs, L2CAP basic frames, SMP PDUs).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.1.0")
package org.trusthub.security.link.ble;
