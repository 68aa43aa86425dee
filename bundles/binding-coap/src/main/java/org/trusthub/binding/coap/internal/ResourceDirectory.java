package org.trusthub.binding.coap.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.trusthub.api.thing.ThingId;

/**
 * The registrations of the hub's CoAP things, at most one per thing (registering again replaces it) and at most a
 * configured number in all. Expired registrations are dropped when next looked at.
 */
final class ResourceDirectory {
    static final long MIN_LIFETIME = 60;
    static final long MAX_LIFETIME = 7 * 24 * 3600L;
    static final long DEFAULT_LIFETIME = 90_000; // RFC 9176, 5.3: lt defaults to 90000 s (25 h)

    private final Map<ThingId, Registration> byThing = new ConcurrentHashMap<>();
    private final int capacity;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    ResourceDirectory(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    String newId() {
        byte[] id = new byte[6];
        random.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    Instant expiry(long lifetimeSeconds) {
        return clock.instant().plusSeconds(lifetimeSeconds);
    }

    /**
     * Adds or replaces the thing's registration.
     *
     * @throws IllegalStateException when the directory is full
     */
    Registration register(Registration registration) {
        purge();
        if (!byThing.containsKey(registration.thing()) && byThing.size() >= capacity) {
            throw new IllegalStateException("resource directory is full (" + capacity + " registrations)");
        }
        byThing.put(registration.thing(), registration);
        return registration;
    }

    Optional<Registration> byId(String id) {
        purge();
        return byThing.values().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    Optional<Registration> of(ThingId thing) {
        purge();
        return Optional.ofNullable(byThing.get(thing));
    }

    List<Registration> all() {
        purge();
        return byThing.values().stream().sorted((a, b) -> a.thing().compareTo(b.thing())).toList();
    }

    boolean remove(ThingId thing) {
        return byThing.remove(thing) != null;
    }

    private void purge() {
        Instant now = clock.instant();
        byThing.values().removeIf(r -> r.expired(now));
    }
}
