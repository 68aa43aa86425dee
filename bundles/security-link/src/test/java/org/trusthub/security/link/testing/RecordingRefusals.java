package org.trusthub.security.link.testing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;

/**
 * Records each refusal reported, in order, for tests to look at. Shared with security-network's tests through the
 * test jar.
 */
public final class RecordingRefusals implements SecurityRefusals {

    public record Refusal(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
    }

    public final List<Refusal> seen = new CopyOnWriteArrayList<>();

    @Override
    public void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
        seen.add(new Refusal(thing, layer, mechanism, reason));
    }

    public long count(RefusalReason reason) {
        return seen.stream().filter(r -> r.reason() == reason).count();
    }

    @Override
    public List<RefusalCount> counts() {
        return seen.stream().map(r -> new RefusalCount(r.thing(), r.layer(), r.mechanism(), r.reason(), 1,
                Instant.EPOCH)).toList();
    }

    @Override
    public List<RefusalCount> counts(ThingId thing) {
        return counts().stream().filter(c -> c.thing().equals(Optional.of(thing))).toList();
    }

    @Override
    public void clear(ThingId thing) {
        seen.removeIf(r -> r.thing().equals(Optional.of(thing)));
    }
}
