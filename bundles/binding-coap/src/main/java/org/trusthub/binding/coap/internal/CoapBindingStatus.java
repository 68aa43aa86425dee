package org.trusthub.binding.coap.internal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

import org.trusthub.api.model.RawValue;
import org.trusthub.api.thing.ThingId;

/** What the shell shows about the CoAP binding (a service inside this bundle only). */
public interface CoapBindingStatus {

    /** One line of the things view. */
    record ThingView(ThingId thing, String mode, String peer, int links, int dtlsSessions, boolean oscoreContext,
            int values, int observations, String expires) {
    }

    List<ThingView> views();

    /**
     * One contribution of another bundle's resources.
     *
     * @param status {@code served}, or {@code refused: } and why
     */
    record ContributionView(String prefix, java.util.Set<String> resources, String owner, String status) {
    }

    /** Every contribution, served or refused, in the order they arrived. */
    List<ContributionView> contributions();

    Optional<Registration> registration(ThingId thing);

    /** The thing's values in the thing model (empty while the model is not running). */
    SortedMap<String, RawValue> values(ThingId thing);

    Optional<InetSocketAddress> plainAddress();

    Optional<InetSocketAddress> secureAddress();

    /** Reads a resource of a registered thing into the model; returns a one-line result. */
    String read(ThingId thing, String path);

    /** Starts observing a resource of a registered thing. */
    void observe(ThingId thing, String path);
}
