/**
 * The constrained-device model's CoAP transport: a device reaches the hub's {@code /offload} resources over DTLS
 * (PSK) or OSCORE with Eclipse Californium, with keys derived from its root secret, and every byte on the air and
 * every cryptographic operation of the transport counted on the device's counter.
 */
@Export
@Version("1.0.0")
package org.trusthub.offload.device.coap;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
