package org.trusthub.binding.coap.testing;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;

/** Keeps every refusal reported, in order, as {@code thing layer mechanism reason} ({@code -} for no thing). */
public final class RecordingRefusals implements SecurityRefusals {
    public final List<String> reported = new CopyOnWriteArrayList<>();

    @Override
    public void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
        reported.add(thing.map(ThingId::value).orElse("-") + " " + layer + " " + mechanism + " " + reason);
    }

    @Override
    public List<RefusalCount> counts() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<RefusalCount> counts(ThingId thing) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void clear(ThingId thing) {
        reported.removeIf(r -> r.startsWith(thing.value() + " "));
    }
}
