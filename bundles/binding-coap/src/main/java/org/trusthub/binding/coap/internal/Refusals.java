package org.trusthub.binding.coap.internal;

import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One place for refusals: a log line saying who and why, and a CoAP error with a short diagnostic payload. */
final class Refusals {
    private static final Logger LOG = LoggerFactory.getLogger("org.trusthub.binding.coap.refused");

    private Refusals() {
    }

    static void refuse(CoapExchange exchange, ResponseCode code, String why) {
        log(exchange, code, why);
        exchange.respond(code, why, MediaTypeRegistry.TEXT_PLAIN);
    }

    /** Only the log line, for refusals a contributed resource answers itself. */
    static void log(CoapExchange exchange, ResponseCode code, String why) {
        LOG.warn("CoAP {} {} from {} refused ({}): {}", exchange.getRequestCode(),
                oneLine(exchange.getRequestOptions().getUriPathString()), exchange.getSourceSocketAddress(), code,
                why);
    }

    static String oneLine(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 128));
        for (int i = 0; i < s.length() && i < 128; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }
}
