package org.trusthub.security.policy.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.Mechanisms;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;

/**
 * The one count of refusals. Counting is lock-free (a {@link LongAdder} per entry) and memory is bounded whatever a
 * sender claims: a thing id is kept only when the {@link ThingRegistry} knows the thing (without a registry every
 * refusal is counted without a thing), and past {@link #MAX_ENTRIES} entries a new key is counted in its thing-less
 * entry. Thing-less entries are few (layer x mechanism x reason, all from the callers' own vocabulary); should they
 * too pass the limit, the refusal is only added to {@link #uncounted()}.
 */
@Component(service = {SecurityRefusals.class, RefusalLedger.class})
public class RefusalLedger implements SecurityRefusals {
    /** Most entries kept with a thing. */
    public static final int MAX_ENTRIES = 10_000;
    /** Most entries kept in all, thing-less ones included. */
    static final int HARD_LIMIT = MAX_ENTRIES + 1_000;
    private static final Comparator<RefusalCount> ORDER = Comparator
            .comparing((RefusalCount c) -> c.thing().map(ThingId::value).orElse(""))
            .thenComparing(RefusalCount::layer).thenComparing(RefusalCount::mechanism)
            .thenComparing(RefusalCount::reason);

    private record Key(ThingId thing, Layer layer, String mechanism, RefusalReason reason) {
        Key withoutThing() {
            return new Key(null, layer, mechanism, reason);
        }
    }

    /** One entry's count and when it last grew (epoch milliseconds). */
    private static final class Tally {
        final LongAdder count = new LongAdder();
        volatile long last;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ThingRegistry registry;

    private final ConcurrentMap<Key, Tally> tallies = new ConcurrentHashMap<>();
    private final LongAdder uncounted = new LongAdder();
    private final Clock clock;

    public RefusalLedger() {
        this(Clock.systemUTC());
    }

    RefusalLedger(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(layer, "layer");
        Mechanisms.check(mechanism);
        Objects.requireNonNull(reason, "reason");
        Key key = new Key(thing.filter(this::known).orElse(null), layer, mechanism, reason);
        Tally t = tallies.get(key);
        if (t == null) {
            if (key.thing() != null && tallies.size() >= MAX_ENTRIES) {
                key = key.withoutThing();
            }
            t = tallies.get(key);
            if (t == null) {
                if (tallies.size() >= HARD_LIMIT) {
                    uncounted.increment();
                    return;
                }
                t = tallies.computeIfAbsent(key, k -> new Tally());
            }
        }
        // The time first: a reader that sees the count sees a time no older than it.
        t.last = clock.millis();
        t.count.increment();
    }

    private boolean known(ThingId thing) {
        ThingRegistry r = registry;
        if (r == null) {
            return false;
        }
        try {
            return r.find(thing).isPresent();
        } catch (RuntimeException e) {
            // The registry going away mid-call: count without the thing.
            return false;
        }
    }

    @Override
    public List<RefusalCount> counts() {
        return snapshot(null);
    }

    @Override
    public List<RefusalCount> counts(ThingId thing) {
        return snapshot(Objects.requireNonNull(thing, "thing"));
    }

    private List<RefusalCount> snapshot(ThingId only) {
        List<RefusalCount> out = new ArrayList<>();
        tallies.forEach((k, t) -> {
            long n = t.count.sum();
            if (n > 0 && (only == null || only.equals(k.thing()))) {
                out.add(new RefusalCount(Optional.ofNullable(k.thing()), k.layer(), k.mechanism(), k.reason(), n,
                        Instant.ofEpochMilli(t.last)));
            }
        });
        out.sort(ORDER);
        return out;
    }

    @Override
    public void clear(ThingId thing) {
        Objects.requireNonNull(thing, "thing");
        tallies.keySet().removeIf(k -> thing.equals(k.thing()));
    }

    /** Refusals counted nowhere else because every entry was taken. */
    public long uncounted() {
        return uncounted.sum();
    }
}
