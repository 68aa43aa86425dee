package org.trusthub.security.network.zigbee.internal;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException;
import org.trusthub.security.network.zigbee.ZigbeeSecurityException.Reason;

/** Counts and logs refused frames by reason. */
final class Refusals {
    private final Map<Reason, AtomicLong> counts = new EnumMap<>(Reason.class);
    private final Logger log;
    private final String what;

    Refusals(Logger log, String what) {
        this.log = log;
        this.what = what;
        for (Reason r : Reason.values()) {
            counts.put(r, new AtomicLong());
        }
    }

    ZigbeeSecurityException count(ZigbeeSecurityException e) {
        counts.get(e.reason()).incrementAndGet();
        log.info("{} refused: {}", what, e.getMessage());
        return e;
    }

    Map<Reason, Long> snapshot() {
        Map<Reason, Long> copy = new EnumMap<>(Reason.class);
        counts.forEach((r, n) -> copy.put(r, n.get()));
        return copy;
    }
}
