package org.trusthub.security.link.ble.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;

/** Keeps every refusal reported, in order, for the test to compare. */
final class RecordingRefusals implements SecurityRefusals {

    record Refusal(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
    }

    final List<Refusal> seen = new CopyOnWriteArrayList<>();

    @Override
    public void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
        seen.add(new Refusal(thing, layer, mechanism, reason));
    }

    @Override
    public List<RefusalCount> counts() {
        throw new UnsupportedOperationException("not used by these tests");
    }

    @Override
    public List<RefusalCount> counts(ThingId thing) {
        throw new UnsupportedOperationException("not used by these tests");
    }

    @Override
    public void clear(ThingId thing) {
        seen.removeIf(r -> r.thing().equals(Optional.of(thing)));
    }
}
