package org.trusthub.security.wss.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.security.wss.WsSecurity;

/**
 * The security context tokens each thing has signed accepted requests under, until they expire: what the provider
 * reports as the thing's sessions. Only tokens of authenticated requests get here, and each thing keeps its
 * {@value #PER_THING} latest, so the table is bounded by the number of things.
 */
final class SctSessions {

    static final int PER_THING = 16;

    private record Seen(boolean encrypted, Instant expires) {
    }

    // Guarded by itself; per thing in the order last used.
    private final Map<ThingId, LinkedHashMap<String, Seen>> byThing = new HashMap<>();

    void seen(ThingId subject, String identifier, boolean encrypted, Instant expires) {
        synchronized (byThing) {
            LinkedHashMap<String, Seen> tokens = byThing.computeIfAbsent(subject, t -> new LinkedHashMap<>());
            tokens.remove(identifier);
            tokens.put(identifier, new Seen(encrypted, expires));
            while (tokens.size() > PER_THING) {
                tokens.remove(tokens.keySet().iterator().next());
            }
        }
    }

    List<Authenticated> of(ThingId subject, Instant now) {
        List<Authenticated> out = new ArrayList<>();
        synchronized (byThing) {
            LinkedHashMap<String, Seen> tokens = byThing.get(subject);
            if (tokens == null) {
                return out;
            }
            tokens.values().removeIf(s -> !s.expires().isAfter(now));
            if (tokens.isEmpty()) {
                byThing.remove(subject);
            }
            tokens.forEach((id, s) -> out.add(new Authenticated(subject, Layer.APPLICATION, WsSecurity.SCT,
                    s.encrypted() ? Protection.confidentiality().endToEnd() : Protection.integrity().endToEnd(), id)));
        }
        return out;
    }

    void forget(ThingId thing) {
        synchronized (byThing) {
            byThing.remove(thing);
        }
    }
}
