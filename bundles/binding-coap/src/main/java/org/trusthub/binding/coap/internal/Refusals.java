package org.trusthub.binding.coap.internal;

import java.time.Duration;

import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.log.LogLimiter;

/**
 * One place for refusals: a log line saying who and why, and a CoAP error with a short diagnostic payload. Most
 * refusals answer requests nobody authenticated (a spoofable UDP datagram is enough), so the log line is written at
 * most once a minute per response code (not per reason: a reason may carry a caller's text, and so could be made
 * new for every request); the next one says how many were left out.
 */
final class Refusals {
    private static final Logger LOG = LoggerFactory.getLogger("org.trusthub.binding.coap.refused");
    private static final LogLimiter LIMIT = new LogLimiter(Duration.ofMinutes(1), 1);

    private Refusals() {
    }

    static void refuse(CoapExchange exchange, ResponseCode code, String why) {
        log(exchange, code, why);
        exchange.respond(code, why, MediaTypeRegistry.TEXT_PLAIN);
    }

    /** Only the log line, for refusals a contributed resource answers itself. */
    static void log(CoapExchange exchange, ResponseCode code, String why) {
        LIMIT.admit(code.name()).ifPresent(left -> LOG.warn("CoAP {} {} from {} refused ({}): {}; {} like it not"
                + " logged before", exchange.getRequestCode(), oneLine(exchange.getRequestOptions().getUriPathString()),
                exchange.getSourceSocketAddress(), code, oneLine(why), left));
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
