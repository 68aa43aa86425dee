package org.trusthub.api.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;

/**
 * The security status of every thing, whatever its protocol: lifecycle state, the protocols serving it (and whether
 * simulated), per layer the key generation and age (never key bytes), the sessions held now, the inbound protection
 * the policy requires, and the refusals. The console's {@code trusthub:security-status} and the REST API show this
 * one computation. Each source behind it is optional: what is absent is shown as unknown and named by
 * {@link #missing()}.
 *
 * @since 1.2
 */
@ProviderType
public interface SecurityStatus {

    /** Label a simulated binding's protocol carries in {@link ThingStatus#protocols()}. */
    String SIMULATED_LABEL = " (SIMULATED)";

    /**
     * One layer of a thing.
     *
     * @param generation the current key generation, 0 when the keystore holds no keys for the layer
     * @param keyAge     how long the current generation has been in use, empty without keys
     * @param mechanisms the mechanisms keys were derived for and sessions are held with
     * @param sessions   the sessions providers hold now at this layer
     * @param refusals   refusal counts by {@link RefusalReason} name
     */
    record LayerStatus(Layer layer, int generation, Optional<Duration> keyAge, SortedSet<String> mechanisms,
            List<Authenticated> sessions, Map<String, Long> refusals) {
    }

    /**
     * One thing.
     *
     * @param state     empty when the registry does not know it (or is absent)
     * @param protocols the protocols serving it, {@value #SIMULATED_LABEL} after a simulated binding's
     * @param required  the inbound protection the policy requires, per protocol serving it (empty without a policy)
     * @param layers    one entry per {@link Layer}, in order
     */
    record ThingStatus(ThingId thing, Optional<LifecycleState> state, List<String> protocols,
            Map<String, Protection> required, List<LayerStatus> layers) {
    }

    /** The status of every thing the registry or a binding knows, ordered by id. */
    List<ThingStatus> all();

    /** Every thing the registry or a binding knows, ordered by id. */
    SortedSet<ThingId> things();

    /** The status of one thing, or empty when neither the registry nor a binding knows it. */
    Optional<ThingStatus> of(ThingId thing);

    /** Refusals counted without a thing (senders the hub could not tie to a known thing). */
    long unattributedRefusals();

    /** The sources that are not running now (thing registry, keystore, security policy, refusal count). */
    List<String> missing();
}
