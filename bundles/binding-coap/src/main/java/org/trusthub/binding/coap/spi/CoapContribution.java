package org.trusthub.binding.coap.spi;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A set of CoAP resources another bundle contributes to the hub's CoAP binding, as a whiteboard service. Each resource
 * is served at {@code /<prefix>/<name>}; the binding refuses a prefix that is its own ({@code hub}, {@code things},
 * {@code rd}, {@code rd-lookup}, {@code .well-known}) or that an earlier contribution owns, with a log line and a
 * status the shell shows ({@code trusthub:coap-resources}).
 *
 * <p>Requests reach a handler only when they came over DTLS or OSCORE from a thing that is OPERATIONAL at that
 * moment; everything else is answered 4.01 by the binding. Handlers run on the binding's threads: keep them short.
 */
@ConsumerType
public interface CoapContribution {

    /** One path segment of 1 to 32 characters: lower-case letters, digits, {@code - _ .} (not starting with a dot). */
    String prefix();

    /**
     * The resources under the prefix, by name (one path segment, same characters as the prefix), each with its
     * handler. Read once when the contribution is added.
     */
    Map<String, CoapHandler> resources();
}
