package org.trusthub.binding.coap.internal;

import java.util.Set;
import java.util.SortedMap;

import org.trusthub.api.thing.ThingId;

/**
 * The values the CoAP things keep at the hub ({@code /things/<thing>/<name>}), for the hub's thing model (a service
 * inside this bundle only).
 */
public interface CoapThingValues {

    /** The things that have values now. */
    Set<ThingId> valueOwners();

    SortedMap<String, ThingModel.Value> values(ThingId thing);

    /** Told of every value a thing writes, the hub reads or observes, or the hub writes, and of things forgotten. */
    void listen(ThingModel.Listener listener);

    void unlisten(ThingModel.Listener listener);

    /**
     * The hub sets a value of the thing (in the thing's own content format): it is stored, marked {@code hub}, and
     * the thing's observers of that path are notified, as when the thing writes it itself.
     *
     * @throws IllegalArgumentException naming what is wrong, changing nothing
     */
    void hubWrite(ThingId thing, String name, byte[] bytes, int contentFormat);
}
