package org.trusthub.security.network.zigbee.internal;

import java.time.Duration;
import java.util.Optional;

import org.slf4j.Logger;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException;

/**
 * Reports refused frames to the hub's {@link SecurityRefusals} (while one is bound) in its common vocabulary and logs
 * them, at most one line per reason every 10 s: anyone in radio range can have frames refused.
 */
final class Refusals {
    private final Logger log;
    private final String what;
    private final String mechanism;
    private final LogLimiter limiter = new LogLimiter(Duration.ofSeconds(10), 1);
    private volatile SecurityRefusals service;

    Refusals(Logger log, String what, String mechanism) {
        this.log = log;
        this.what = what;
        this.mechanism = mechanism;
    }

    void bind(SecurityRefusals s) {
        service = s;
    }

    void unbind(SecurityRefusals s) {
        if (service == s) {
            service = null;
        }
    }

    /** Reports one refusal of a frame from or about {@code thing} (empty when the sender is not known yet). */
    ZigbeeSecurityException count(ZigbeeSecurityException e, Optional<ThingId> thing) {
        SecurityRefusals s = service;
        if (s != null) {
            s.refused(thing, Layer.NETWORK, mechanism, e.reason().common());
        }
        limiter.admit(e.reason().name()).ifPresent(held -> log.info("{} refused: {}{}", what, e.getMessage(),
                held > 0 ? " (" + held + " more " + e.reason() + " refusals not logged)" : ""));
        return e;
    }
}
