/**
 * Certificate path and signature checking as verification offload does it (algorithm allow-list, revocation lists),
 * shared by the hub and by the device model's local baseline.
 *
 * <p>Exported by org.trusthub.offload.device through its bnd.bnd, not by an annotation: the hub copies the package
 * privately and must not export it.
 */
@Version("1.0.0")
package org.trusthub.offload.pkix;

import org.osgi.annotation.versioning.Version;
