/**
 * The CoAP things of the load driver: {@link org.trusthub.testkit.coap.DtlsValueChannel} (DTLS with a PSK) and
 * {@link org.trusthub.testkit.coap.OscoreValueChannel} (OSCORE, observing too), both writing a value to the hub and
 * reading it back. They use Californium, which this bundle imports dynamically: in the container it comes with the
 * trusthub-coap feature, which the testkit (installed at boot) does not wait for.
 */
@Export
@Version("1.0.0")
package org.trusthub.testkit.coap;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
