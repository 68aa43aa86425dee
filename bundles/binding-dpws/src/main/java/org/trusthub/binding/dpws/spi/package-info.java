/**
 * What the DPWS binding asks of a message-security provider for SOAP envelopes (WS-Security, the WS-Discovery
 * compact signature). The binding works without one; when a {@link org.trusthub.binding.dpws.spi.SoapSecurity}
 * service is registered, every envelope to or from a thing with a configured policy goes through it.
 */
@Export
@Version("1.0.0")
package org.trusthub.binding.dpws.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
