/**
 * The shared cross-layer keystore: one root credential per thing, per-layer derived keys, nonce counters, incoming
 * replay marks, trust anchors and their purposes, the hub's identity.
 */
@Export
@Version("1.5.0")
package org.trusthub.api.keystore;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
