package org.trusthub.binding.coap.spi;

import org.osgi.annotation.versioning.ConsumerType;

/** Answers the requests to one contributed resource. */
@ConsumerType
@FunctionalInterface
public interface CoapHandler {

    /**
     * Answers one request from an authenticated, operational thing. An exception is answered 5.00 with no detail
     * (and logged by the binding), so handlers answer bad input with a 4.xx reply instead.
     */
    CoapReply handle(CoapCall call);
}
