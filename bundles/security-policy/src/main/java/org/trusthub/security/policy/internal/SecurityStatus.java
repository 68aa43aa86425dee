package org.trusthub.security.policy.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.LayerKeyMetadata;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;

/**
 * The security status of every thing, whatever its protocol, gathered from the services that know each part: the
 * registry (lifecycle state), every {@link ProtocolBinding} (which protocols serve it), the keystore (key generations
 * and their age, never key bytes), every {@link SecurityProvider} (the sessions it holds now), the policy (the
 * protection required inbound) and the refusal counts. Each source is optional: what is absent is shown as unknown.
 */
@Component(service = SecurityStatus.class)
public class SecurityStatus {

    /** One layer of a thing. */
    public record LayerStatus(Layer layer, int generation, Optional<Duration> keyAge, SortedSet<String> mechanisms,
            List<Authenticated> sessions, Map<String, Long> refusals) {
    }

    /**
     * One thing.
     *
     * @param state     empty when the registry does not know it (or is absent)
     * @param protocols the protocols serving it, {@code (SIMULATED)} after a simulated binding's
     * @param required  the inbound protection the policy requires, per protocol serving it (empty without a policy)
     * @param layers    one entry per {@link Layer}, in order; empty when the keystore holds no keys for it
     */
    public record ThingStatus(ThingId thing, Optional<LifecycleState> state, List<String> protocols,
            Map<String, Protection> required, List<LayerStatus> layers) {
    }

    final List<ProtocolBinding> bindings = new CopyOnWriteArrayList<>();
    final List<SecurityProvider> providers = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ThingRegistry registry;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ThingKeyStore keyStore;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SecurityPolicy policy;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SecurityRefusals refusals;

    private final Clock clock;

    public SecurityStatus() {
        this(Clock.systemUTC());
    }

    SecurityStatus(Clock clock) {
        this.clock = clock;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addBinding(ProtocolBinding binding) {
        bindings.add(binding);
    }

    void removeBinding(ProtocolBinding binding) {
        bindings.remove(binding);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addProvider(SecurityProvider provider) {
        providers.add(provider);
    }

    void removeProvider(SecurityProvider provider) {
        providers.remove(provider);
    }

    /** The status of every thing the registry or a binding knows, ordered by id. */
    public List<ThingStatus> all() {
        Map<ThingId, List<String>> protocols = protocols();
        List<ThingStatus> out = new ArrayList<>();
        for (ThingId t : things(protocols)) {
            out.add(status(t, protocols.getOrDefault(t, List.of())));
        }
        return out;
    }

    /** Every thing the registry or a binding knows, ordered by id. */
    public SortedSet<ThingId> things() {
        return things(protocols());
    }

    private SortedSet<ThingId> things(Map<ThingId, List<String>> protocols) {
        SortedSet<ThingId> things = new TreeSet<>(protocols.keySet());
        ThingRegistry r = registry;
        if (r != null) {
            r.list().forEach(t -> things.add(t.id()));
        }
        return things;
    }

    /** The status of one thing, or empty when neither the registry nor a binding knows it. */
    public Optional<ThingStatus> of(ThingId thing) {
        List<String> p = protocols().getOrDefault(thing, List.of());
        ThingRegistry r = registry;
        if (p.isEmpty() && (r == null || r.find(thing).isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(status(thing, p));
    }

    /** Every thing some binding serves, with the protocols (labelled when simulated), sorted. */
    private Map<ThingId, List<String>> protocols() {
        Map<ThingId, SortedSet<String>> found = new TreeMap<>();
        for (ProtocolBinding b : bindings) {
            try {
                String label = b.protocol() + (b.isSimulated() ? " (SIMULATED)" : "");
                for (ThingId t : b.things()) {
                    found.computeIfAbsent(t, k -> new TreeSet<>()).add(label);
                }
            } catch (RuntimeException e) {
                // A binding stopping while it is asked: it serves nothing now.
            }
        }
        Map<ThingId, List<String>> out = new TreeMap<>();
        found.forEach((t, s) -> out.put(t, List.copyOf(s)));
        return out;
    }

    private ThingStatus status(ThingId thing, List<String> protocols) {
        // Each optional service read once, up front: an unbind while the status is made leaves it as it was read.
        SecurityRefusals counted = refusals;
        ThingRegistry r = registry;
        Optional<LifecycleState> state = r == null ? Optional.empty() : r.find(thing).map(Thing::state);
        Map<String, Protection> required = new LinkedHashMap<>();
        SecurityPolicy p = policy;
        if (p != null) {
            for (String label : protocols) {
                String protocol = label.split(" ", 2)[0];
                required.put(protocol, p.inbound(thing, protocol));
            }
        }
        List<Authenticated> sessions = new ArrayList<>();
        for (SecurityProvider provider : providers) {
            try {
                sessions.addAll(provider.sessions(thing));
            } catch (RuntimeException e) {
                // A provider stopping while it is asked: it holds no session now.
            }
        }
        List<RefusalCount> counts = counted == null ? List.of() : counted.counts(thing);
        KeyMetadata keys = keys(thing);
        Instant now = clock.instant();
        List<LayerStatus> layers = new ArrayList<>();
        for (Layer layer : Layer.values()) {
            Optional<LayerKeyMetadata> meta = keys == null ? Optional.empty()
                    : keys.layers().stream().filter(l -> l.layer() == layer).findFirst();
            SortedSet<String> mechanisms = new TreeSet<>(
                    meta.map(LayerKeyMetadata::mechanisms).orElse(java.util.Set.of()));
            List<Authenticated> here = sessions.stream().filter(s -> s.layer() == layer).toList();
            here.forEach(s -> mechanisms.add(s.mechanism()));
            Map<String, Long> refused = new TreeMap<>();
            for (RefusalCount c : counts) {
                if (c.layer() == layer) {
                    refused.merge(c.reason().name(), c.count(), Long::sum);
                }
            }
            layers.add(new LayerStatus(layer, meta.map(LayerKeyMetadata::generation).orElse(0),
                    meta.map(m -> Duration.between(m.created(), now)), mechanisms, here, refused));
        }
        return new ThingStatus(thing, state, protocols, required, layers);
    }

    private KeyMetadata keys(ThingId thing) {
        ThingKeyStore k = keyStore;
        if (k == null) {
            return null;
        }
        try {
            return k.metadata(thing);
        } catch (RuntimeException e) {
            // Not in the keystore (a thing a binding serves with keys of its own, or one being enrolled).
            return null;
        }
    }

    /** Refusals counted without a thing (senders the hub could not tie to a known thing). */
    public long unattributedRefusals() {
        SecurityRefusals s = refusals;
        return s == null ? 0 : s.counts().stream().filter(c -> c.thing().isEmpty()).mapToLong(RefusalCount::count)
                .sum();
    }

    /** Whether the registry, keystore, policy and refusal count are there (what an empty column means). */
    public List<String> missing() {
        List<String> m = new ArrayList<>();
        if (registry == null) {
            m.add("thing registry");
        }
        if (keyStore == null) {
            m.add("keystore");
        }
        if (policy == null) {
            m.add("security policy");
        }
        if (refusals == null) {
            m.add("refusal count");
        }
        return m;
    }
}
