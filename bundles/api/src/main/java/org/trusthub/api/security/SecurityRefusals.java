package org.trusthub.api.security;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.thing.ThingId;

/**
 * The one count of refusals, per thing, layer, mechanism and reason, across every provider and binding. Providers
 * and bindings report here instead of keeping their own statistics; the security status, the console and the web
 * API read from here.
 *
 * <p>
 * Cheap and non-blocking, so it can be called on every refused packet. The number of distinct entries is bounded:
 * refusals of senders that are not known things (an attacker can claim any identity) are counted without a thing.
 */
@ProviderType
public interface SecurityRefusals {

    /**
     * Counts one refusal.
     *
     * @param thing     the thing the refused message came from or was about, when known; an unknown id is counted
     *                  as empty
     * @param layer     the layer that refused
     * @param mechanism the mechanism or binding that refused
     * @param reason    why
     */
    void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason);

    /** Every count, sorted by thing (empty first), layer, mechanism and reason. */
    List<RefusalCount> counts();

    /** The counts of one thing. */
    List<RefusalCount> counts(ThingId thing);

    /** Forgets the counts of one thing (when it is decommissioned). */
    void clear(ThingId thing);
}
