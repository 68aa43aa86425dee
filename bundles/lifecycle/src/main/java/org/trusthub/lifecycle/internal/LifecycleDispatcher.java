package org.trusthub.lifecycle.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;

/**
 * The one place that tells bindings and security providers what a lifecycle or key change means for them. On every
 * lifecycle and keystore event it reads the registry's and the keystore's current state (an event can arrive late
 * or out of order, so its own state is never trusted) and then:
 * <ul>
 * <li>a thing not operational, unknown, or with revoked keys: {@link ProtocolBinding#release} on every binding and
 * {@link SecurityProvider#forget} on every provider; a decommissioned one also loses its refusal counts;</li>
 * <li>keys of one layer rotated: {@code forget} on the providers of that layer; every layer rotated (or a new root
 * enrolled): {@code forget} on every provider.</li>
 * </ul>
 * One thing an event says is trusted, because it only ever adds to the decision: that the thing's keys were
 * revoked, or that it was decommissioned (or re-commissioned, which only a decommissioned thing can be), at some
 * point before the decision runs. The current state alone loses that when the same thing id is enrolled again
 * first: the sessions, cached values and refusal counts of the previous device would carry over to the new one.
 * Releasing a thing that is fine by then costs a new handshake; keeping a revoked device's session is not safe.
 * <p>Decisions are made off the event thread, one at a time in arrival order; each binding and provider has its own
 * serial lane, so a slow or failing one holds up nobody else. A binding or provider that arrives is told about every
 * thing that is not operational then (events may have been lost while the dispatcher was not running).
 */
@Component(service = EventHandler.class, immediate = true, property = {
    EventConstants.EVENT_TOPIC + "=" + TrustHubEvents.LIFECYCLE_ALL,
    EventConstants.EVENT_TOPIC + "=" + TrustHubEvents.KEYSTORE_ALL })
public final class LifecycleDispatcher implements EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleDispatcher.class);

    /** What a change calls for, from the current state. */
    enum Action {
        /** Nothing: the thing is operational and no key changed. */
        NONE,
        /** Forget on the providers of one layer (or every layer). */
        FORGET,
        /** Release on every binding, forget on every provider. */
        RELEASE
    }

    private final ThingRegistry registry;
    private final ThingKeyStore keys;
    private final Function<String, ExecutorService> lanes;
    private final ExecutorService decisions;
    private final LogLimiter limiter = new LogLimiter(Duration.ofMinutes(1), 5);
    private final List<DispatchTarget<ProtocolBinding>> bindings = new CopyOnWriteArrayList<>();
    private final List<DispatchTarget<SecurityProvider>> providers = new CopyOnWriteArrayList<>();
    private volatile SecurityRefusals refusals;

    @Activate
    public LifecycleDispatcher(@Reference(name = "registry") ThingRegistry registry,
            @Reference(name = "keys") ThingKeyStore keys) {
        this(registry, keys, LifecycleDispatcher::serialLane);
    }

    /**
     * @param lanes makes a serial executor for the named lane (the decisions' lane and one per binding or provider)
     */
    LifecycleDispatcher(ThingRegistry registry, ThingKeyStore keys, Function<String, ExecutorService> lanes) {
        this.registry = registry;
        this.keys = keys;
        this.lanes = lanes;
        this.decisions = lanes.apply("trusthub lifecycle dispatcher");
    }

    /** One thread at most, ended when idle: there are few bindings and providers, and changes are rare. */
    static ExecutorService serialLane(String name) {
        ThreadPoolExecutor lane = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, name);
                    thread.setDaemon(true);
                    return thread;
                });
        lane.allowCoreThreadTimeOut(true);
        return lane;
    }

    @Deactivate
    void deactivate() {
        decisions.shutdownNow();
        bindings.forEach(DispatchTarget::stop);
        providers.forEach(DispatchTarget::stop);
        bindings.clear();
        providers.clear();
    }

    // --- targets -----------------------------------------------------------------------------------------------

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addBinding(ProtocolBinding binding) {
        String name = "binding " + binding.getClass().getName();
        DispatchTarget<ProtocolBinding> target = new DispatchTarget<>(binding, name,
                lanes.apply("trusthub dispatch to " + name), limiter);
        bindings.add(target);
        catchUp(target, "release", ProtocolBinding::release);
    }

    void removeBinding(ProtocolBinding binding) {
        remove(bindings, binding);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addProvider(SecurityProvider provider) {
        String name = "security provider " + provider.getClass().getName();
        DispatchTarget<SecurityProvider> target = new DispatchTarget<>(provider, name,
                lanes.apply("trusthub dispatch to " + name), limiter);
        providers.add(target);
        catchUp(target, "forget", SecurityProvider::forget);
    }

    /**
     * Tells a target that just arrived about every thing that is not operational now. Events that came while the
     * dispatcher was not running (a keystore or registry restart deactivates it), or that were queued when it
     * stopped, are otherwise lost, and a binding or provider would keep a session for a thing that left OPERATIONAL.
     * Release and forget are idempotent, so telling a fresh one is harmless.
     */
    private <S> void catchUp(DispatchTarget<S> target, String action, BiConsumer<S, ThingId> call) {
        try {
            decisions.execute(() -> {
                List<Thing> things;
                try {
                    things = registry.list();
                } catch (RuntimeException e) {
                    admit("registry").ifPresent(left -> LOG.warn("Listing the registry for {} failed: {} ({} similar "
                            + "left out)", target.name(), e.toString(), left));
                    return;
                }
                for (Thing t : things) {
                    ThingId id = t.id();
                    if (decide(Optional.of(t.state()), keysRevoked(id), false) == Action.RELEASE) {
                        target.submit(action, id, service -> call.accept(service, id));
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // Deactivated.
        }
    }

    void removeProvider(SecurityProvider provider) {
        remove(providers, provider);
    }

    private static <S> void remove(List<DispatchTarget<S>> targets, S service) {
        for (DispatchTarget<S> target : targets) {
            if (target.service() == service) {
                targets.remove(target);
                target.stop();
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setRefusals(SecurityRefusals service) {
        refusals = service;
    }

    void unsetRefusals(SecurityRefusals service) {
        if (refusals == service) {
            refusals = null;
        }
    }

    // --- events ------------------------------------------------------------------------------------------------

    /** Takes the targets known now and leaves the rest to the decisions' lane: the event thread never waits. */
    @Override
    public void handleEvent(Event event) {
        Object id = event.getProperty(TrustHubEvents.THING);
        if (id == null || !ThingId.isValid(id.toString())) {
            admit("event without a thing").ifPresent(left -> LOG.warn(
                    "Lifecycle event {} names no valid thing; ignored ({} similar left out)", event.getTopic(), left));
            return;
        }
        ThingId thing = ThingId.of(id.toString());
        Change change = Change.of(event.getTopic(), event.getProperty(TrustHubEvents.LAYER));
        List<DispatchTarget<ProtocolBinding>> toldBindings = List.copyOf(bindings);
        List<DispatchTarget<SecurityProvider>> toldProviders = List.copyOf(providers);
        try {
            decisions.execute(() -> dispatch(thing, change, toldBindings, toldProviders));
        } catch (RejectedExecutionException e) {
            // Deactivated: nobody is to be told any more.
        }
    }

    /**
     * What the event said changed: a key rotation (of one layer, or all) or just "look again"; and the facts that
     * only ever add to the decision: the thing's keys were revoked, or it was decommissioned, before it is made.
     */
    record Change(boolean rotated, Optional<Layer> layer, boolean revoked, boolean decommissioned) {

        private static final String DECOMMISSIONED = TrustHubEvents.lifecycleTopic(Transition.DECOMMISSION);
        /** Only a decommissioned thing is re-commissioned: its DECOMMISSION event may have been lost. */
        private static final String RECOMMISSIONED = TrustHubEvents.lifecycleTopic(Transition.RECOMMISSION);

        static Change of(String topic, Object layer) {
            if (TrustHubEvents.KEYS_ROTATED.equals(topic)) {
                return new Change(true, layer(layer), false, false);
            }
            if (TrustHubEvents.KEYS_REVOKED.equals(topic)) {
                return new Change(false, Optional.empty(), true, false);
            }
            if (DECOMMISSIONED.equals(topic) || RECOMMISSIONED.equals(topic)) {
                // Decommissioning revokes every key in the same step.
                return new Change(false, Optional.empty(), true, true);
            }
            // A new root credential: every layer's keys are new.
            return new Change(TrustHubEvents.KEYS_ENROLLED.equals(topic), Optional.empty(), false, false);
        }

        /** An unreadable layer counts as every layer: forgetting too much is safe, too little is not. */
        private static Optional<Layer> layer(Object value) {
            if (value == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(Layer.valueOf(value.toString()));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    private void dispatch(ThingId thing, Change change, List<DispatchTarget<ProtocolBinding>> toldBindings,
            List<DispatchTarget<SecurityProvider>> toldProviders) {
        Optional<LifecycleState> state = currentState(thing);
        Action action = decide(state, change.revoked() || keysRevoked(thing), change.rotated());
        switch (action) {
            case RELEASE -> {
                toldBindings.forEach(b -> b.submit("release", thing, binding -> binding.release(thing)));
                toldProviders.forEach(p -> p.submit("forget", thing, provider -> provider.forget(thing)));
                if (change.decommissioned() || state.equals(Optional.of(LifecycleState.DECOMMISSIONED))) {
                    clearRefusals(thing);
                }
            }
            case FORGET -> toldProviders.stream().filter(p -> ofLayer(p, change.layer()))
                    .forEach(p -> p.submit("forget", thing, provider -> provider.forget(thing)));
            case NONE -> {
            }
        }
    }

    /** Whether a provider serves the rotated layer (every one for every layer, or when it cannot say). */
    private boolean ofLayer(DispatchTarget<SecurityProvider> target, Optional<Layer> layer) {
        if (layer.isEmpty()) {
            return true;
        }
        try {
            return target.service().layer() == layer.get();
        } catch (RuntimeException e) {
            // Forgetting too much is safe, too little is not.
            return true;
        }
    }

    /** The rules, on the current state (empty: unknown, or the registry could not say). */
    static Action decide(Optional<LifecycleState> state, boolean keysRevoked, boolean rotated) {
        if (state.isEmpty() || !state.get().isOperational() || keysRevoked) {
            return Action.RELEASE;
        }
        return rotated ? Action.FORGET : Action.NONE;
    }

    /** Empty when unknown or unreadable: fail closed. */
    private Optional<LifecycleState> currentState(ThingId thing) {
        try {
            return registry.find(thing).map(Thing::state);
        } catch (RuntimeException e) {
            admit("registry").ifPresent(left -> LOG.warn("Reading thing {} from the registry failed, releasing it: "
                    + "{} ({} similar left out)", thing, e.toString(), left));
            return Optional.empty();
        }
    }

    /** Unknown to the keystore or unreadable counts as revoked: fail closed. */
    private boolean keysRevoked(ThingId thing) {
        try {
            return !keys.isActive(thing);
        } catch (RuntimeException e) {
            return true;
        }
    }

    private void clearRefusals(ThingId thing) {
        SecurityRefusals counts = refusals;
        if (counts == null) {
            return;
        }
        try {
            counts.clear(thing);
        } catch (RuntimeException e) {
            admit("refusals").ifPresent(left -> LOG.warn("Clearing the refusal counts of thing {} failed: {} ({} "
                    + "similar left out)", thing, e.toString(), left));
        }
    }

    private OptionalLong admit(String reason) {
        return limiter.admit(reason);
    }
}
