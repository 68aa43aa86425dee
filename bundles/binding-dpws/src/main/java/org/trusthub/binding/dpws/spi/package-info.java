/**
 * What the DPWS binding asks of a message-security provider for SOAP envelopes (WS-Security, the WS-Discovery
 * compact signature). The binding works without one; when a {@link org.trusthub.binding.dpws.spi.SoapSecurity}
 * service is registered, every envelope to or from a thing with a configured policy goes through it.
 * Other bundles contribute hosted services to the devices the binding hosts as
 * {@link org.trusthub.binding.dpws.spi.HostedService} services (whiteboard).
 */
@Export
@Version("1.2.0")
package org.trusthub.binding.dpws.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
