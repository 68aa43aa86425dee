/**
 * The offload wire format both sides speak (docs/offload.md): CBOR and COSE (Mac0, Encrypt0) with AES-CCM and HKDF,
 * the replay window, and the counter of cryptographic operations by kind. The hub's offload bundle carries a private
 * copy; a device or gateway SDK uses this one.
 *
 * <p>Exported by org.trusthub.offload.device through its bnd.bnd, not by an annotation: the hub copies the package
 * privately and must not export it.
 */
@Version("1.0.0")
package org.trusthub.offload.wire;

import org.osgi.annotation.versioning.Version;
