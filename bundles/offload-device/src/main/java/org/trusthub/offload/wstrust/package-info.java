/**
 * The WS-Trust 1.4 and WS-SecureConversation encodings of offload tokens (RST/RSTR, security context tokens, the
 * proof key), shared by the hub's token service and the device's WS-Trust client.
 *
 * <p>Exported by org.trusthub.offload.device through its bnd.bnd, not by an annotation: the hub copies the package
 * privately and must not export it.
 */
@Version("1.0.0")
package org.trusthub.offload.wstrust;

import org.osgi.annotation.versioning.Version;
