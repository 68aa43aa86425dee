/**
 * What the DPWS binding asks of a message-security provider for SOAP envelopes (WS-Security, the WS-Discovery
 * compact signature). Every envelope goes through the registered {@link org.trusthub.binding.dpws.spi.SoapSecurity}
 * service, with the protection the security policy requires; while none is registered the binding refuses.
 * Other bundles contribute hosted services to the devices the binding hosts as
 * {@link org.trusthub.binding.dpws.spi.HostedService} services (whiteboard).
 */
@Export
@Version("3.0.0")
package org.trusthub.binding.dpws.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
