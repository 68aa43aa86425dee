package org.trusthub.security.network.zigbee.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;

/** Records each refusal reported, in order, for tests to look at. */
final class RecordingRefusals implements SecurityRefusals {

    record Refusal(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
    }

    final List<Refusal> seen = new ArrayList<>();

    @Override
    public synchronized void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
        seen.add(new Refusal(thing, layer, mechanism, reason));
    }

    synchronized long count(RefusalReason reason) {
        return seen.stream().filter(r -> r.reason() == reason).count();
    }

    @Override
    public synchronized List<RefusalCount> counts() {
        List<RefusalCount> out = new ArrayList<>();
        for (Refusal r : seen) {
            out.add(new RefusalCount(r.thing(), r.layer(), r.mechanism(), r.reason(), 1, Instant.EPOCH));
        }
        return out;
    }

    @Override
    public List<RefusalCount> counts(ThingId thing) {
        return counts().stream().filter(c -> c.thing().equals(Optional.of(thing))).toList();
    }

    @Override
    public synchronized void clear(ThingId thing) {
        seen.removeIf(r -> r.thing().equals(Optional.of(thing)));
    }
}
