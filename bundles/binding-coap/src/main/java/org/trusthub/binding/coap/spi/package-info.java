/**
 * How another bundle serves CoAP resources through the hub's CoAP binding without touching Californium: register a
 * {@link org.trusthub.binding.coap.spi.CoapContribution} service (whiteboard). The binding serves its resources under
 * the prefix it owns, only to authenticated (DTLS or OSCORE), operational things whose protection the security policy
 * accepts, and hands each handler the caller (an {@link org.trusthub.api.security.Authenticated}: who, and how well
 * protected), the method, the payload and its content format; the resources appear and disappear with the service.
 */
@Export
@Version("2.0.0")
package org.trusthub.binding.coap.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
