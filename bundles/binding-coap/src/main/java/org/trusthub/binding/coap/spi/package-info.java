/**
 * How another bundle serves CoAP resources through the hub's CoAP binding without touching Californium: register a
 * {@link org.trusthub.binding.coap.spi.CoapContribution} service (whiteboard). The binding serves its resources under
 * the prefix it owns, only to authenticated (DTLS or OSCORE), operational things, and hands each handler the caller,
 * the method, the payload and its content format; the resources appear and disappear with the service.
 */
@Export
@Version("1.0.0")
package org.trusthub.binding.coap.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
