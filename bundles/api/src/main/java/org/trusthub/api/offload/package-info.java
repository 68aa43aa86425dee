/**
 * Offload services: the hub does a constrained thing's heavy security work (token issuing, signature and certificate
 * validation, key distribution, group keying) and hands out only what the things check alone, offline, with
 * symmetric crypto. Requests and answers are compact CBOR/COSE objects, so any binding (CoAP, DPWS, ...) carries
 * them unchanged; the encodings are described in {@code docs/offload.md}.
 */
@Export
@Version("1.1.0")
package org.trusthub.api.offload;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
