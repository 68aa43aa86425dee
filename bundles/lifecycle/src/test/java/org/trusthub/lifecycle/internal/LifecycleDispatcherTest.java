package org.trusthub.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.storage.StoreException;
import org.trusthub.testkit.TestClock;

/** The dispatcher against the real registry and keystore, with fake bindings and providers that record calls. */
class LifecycleDispatcherTest {

    private static final ThingId LAMP = ThingId.of("lamp-1");
    private static final ThingId PLUG = ThingId.of("plug-1");

    @TempDir
    Path tmp;

    private FileThingKeyStore keys;
    private ThingRegistryCore registry;
    /** Every call any fake got, in order: "coap release lamp-1", "TRANSPORT forget lamp-1". */
    private final List<String> calls = new ArrayList<>();
    private LifecycleDispatcher dispatcher;

    @BeforeEach
    void open() throws StoreException {
        keys = FileThingKeyStore.open(tmp.resolve("keys"), tmp.resolve("master.key"));
        registry = new ThingRegistryCore(tmp.resolve("registry"), keys, LifecycleEventSink.NONE,
                new TestClock(Instant.parse("2026-12-07T08:00:00Z"), Duration.ofSeconds(1)));
        operational(LAMP);
        operational(PLUG);
        // Every call runs on the thread that queued it: the rules are checked without any waiting.
        dispatcher = new LifecycleDispatcher(registry, keys, name -> new DirectExecutor());
    }

    @AfterEach
    void close() {
        dispatcher.deactivate();
        registry.close();
        keys.close();
    }

    private void operational(ThingId id) {
        byte[] root = new byte[32];
        Arrays.fill(root, (byte) id.value().length());
        registry.enroll(id, "alice", RootCredential.secret(root));
        registry.transition(id, Transition.BOOTSTRAP);
        registry.transition(id, Transition.ACTIVATE);
    }

    private void addAll() {
        dispatcher.addBinding(new FakeBinding("coap"));
        dispatcher.addBinding(new FakeBinding("zigbee"));
        dispatcher.addProvider(new FakeProvider(Layer.TRANSPORT));
        dispatcher.addProvider(new FakeProvider(Layer.APPLICATION));
        dispatcher.addProvider(new FakeProvider(Layer.LINK));
    }

    private static Event lifecycle(ThingId thing, Transition transition, LifecycleState claimedTo) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(TrustHubEvents.THING, thing.value());
        properties.put(TrustHubEvents.TO_STATE, claimedTo.name());
        properties.put(TrustHubEvents.TRANSITION, transition.name());
        return new Event(TrustHubEvents.lifecycleTopic(transition), properties);
    }

    private static Event keys(String topic, ThingId thing, Layer layer) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(TrustHubEvents.THING, thing.value());
        if (layer != null) {
            properties.put(TrustHubEvents.LAYER, layer.name());
        }
        return new Event(topic, properties);
    }

    private static final List<String> EVERYTHING_RELEASED = List.of("coap release lamp-1", "zigbee release lamp-1",
            "TRANSPORT forget lamp-1", "APPLICATION forget lamp-1", "LINK forget lamp-1");

    @Test
    void leavingOperationalReleasesEveryBindingAndForgetsEveryProvider() {
        addAll();
        registry.transition(LAMP, Transition.MAINTAIN);
        dispatcher.handleEvent(lifecycle(LAMP, Transition.MAINTAIN, LifecycleState.MAINTENANCE));
        assertEquals(EVERYTHING_RELEASED, calls);
    }

    @Test
    void theEventsStateIsNotTrustedTheRegistrysIs() {
        addAll();
        registry.transition(LAMP, Transition.MAINTAIN);
        // A late RESUME event (the thing went back into maintenance since): the thing is released all the same.
        dispatcher.handleEvent(lifecycle(LAMP, Transition.RESUME, LifecycleState.OPERATIONAL));
        assertEquals(EVERYTHING_RELEASED, calls);

        calls.clear();
        registry.transition(LAMP, Transition.RESUME);
        // A late MAINTAIN event (the thing is operational again by now): nothing to release.
        dispatcher.handleEvent(lifecycle(LAMP, Transition.MAINTAIN, LifecycleState.MAINTENANCE));
        assertEquals(List.of(), calls);
    }

    @Test
    void revokedKeysReleaseAnOperationalThing() {
        addAll();
        keys.revoke(LAMP);
        assertEquals(LifecycleState.OPERATIONAL, registry.get(LAMP).state());
        dispatcher.handleEvent(keys(TrustHubEvents.KEYS_REVOKED, LAMP, null));
        assertEquals(EVERYTHING_RELEASED, calls);
    }

    @Test
    void anUnknownThingIsReleased() {
        addAll();
        dispatcher.handleEvent(keys(TrustHubEvents.KEYS_REVOKED, ThingId.of("ghost-1"), null));
        assertEquals(5, calls.size(), calls.toString());
        assertTrue(calls.stream().allMatch(c -> c.endsWith(" ghost-1")), calls.toString());
    }

    @Test
    void rotatingOneLayerForgetsOnlyThatLayersProviders() {
        addAll();
        keys.rotate(LAMP, Layer.TRANSPORT);
        dispatcher.handleEvent(keys(TrustHubEvents.KEYS_ROTATED, LAMP, Layer.TRANSPORT));
        assertEquals(List.of("TRANSPORT forget lamp-1"), calls);
    }

    @Test
    void rotatingEveryLayerForgetsEveryProviderAndReleasesNoBinding() {
        addAll();
        keys.rotateAll(LAMP);
        dispatcher.handleEvent(keys(TrustHubEvents.KEYS_ROTATED, LAMP, null));
        assertEquals(List.of("TRANSPORT forget lamp-1", "APPLICATION forget lamp-1", "LINK forget lamp-1"), calls);
    }

    @Test
    void aRotationOfAThingNoLongerOperationalReleasesIt() {
        addAll();
        registry.transition(LAMP, Transition.MAINTAIN);
        dispatcher.handleEvent(keys(TrustHubEvents.KEYS_ROTATED, LAMP, Layer.LINK));
        assertEquals(EVERYTHING_RELEASED, calls);
    }

    @Test
    void decommissioningAlsoClearsTheRefusalCounts() {
        addAll();
        RecordingRefusals refusals = new RecordingRefusals();
        dispatcher.setRefusals(refusals);
        registry.transition(LAMP, Transition.DECOMMISSION);
        dispatcher.handleEvent(lifecycle(LAMP, Transition.DECOMMISSION, LifecycleState.DECOMMISSIONED));
        assertEquals(EVERYTHING_RELEASED, calls);
        assertEquals(List.of(LAMP), refusals.cleared);

        // Maintenance is not decommissioning: the counts stay.
        registry.transition(PLUG, Transition.MAINTAIN);
        dispatcher.handleEvent(lifecycle(PLUG, Transition.MAINTAIN, LifecycleState.MAINTENANCE));
        assertEquals(List.of(LAMP), refusals.cleared);
    }

    @Test
    void decommissioningWithoutTheRefusalsServiceStillReleases() {
        addAll();
        RecordingRefusals refusals = new RecordingRefusals();
        dispatcher.setRefusals(refusals);
        dispatcher.unsetRefusals(refusals);
        registry.transition(LAMP, Transition.DECOMMISSION);
        dispatcher.handleEvent(lifecycle(LAMP, Transition.DECOMMISSION, LifecycleState.DECOMMISSIONED));
        assertEquals(EVERYTHING_RELEASED, calls);
        assertEquals(List.of(), refusals.cleared);
    }

    /** The decisions' lane is held; the bindings and providers are called at once when it runs. */
    private HeldExecutor holdDecisions() {
        dispatcher.deactivate();
        HeldExecutor held = new HeldExecutor();
        dispatcher = new LifecycleDispatcher(registry, keys,
                name -> name.contains("dispatch to") ? new DirectExecutor() : held);
        addAll();
        held.runAll();
        assertEquals(List.of(), calls, "every thing operational: nothing to catch up on");
        return held;
    }

    @Test
    void aDecommissionIsNotLostWhenTheSameThingIsBackInServiceBeforeTheDecision() {
        HeldExecutor decisions = holdDecisions();
        RecordingRefusals refusals = new RecordingRefusals();
        dispatcher.setRefusals(refusals);
        registry.transition(LAMP, Transition.DECOMMISSION);
        dispatcher.handleEvent(lifecycle(LAMP, Transition.DECOMMISSION, LifecycleState.DECOMMISSIONED));
        byte[] fresh = new byte[32];
        Arrays.fill(fresh, (byte) 42);
        registry.recommission(LAMP, "bob", RootCredential.secret(fresh));
        dispatcher.handleEvent(lifecycle(LAMP, Transition.RECOMMISSION, LifecycleState.BOOTSTRAPPING));
        dispatcher.handleEvent(keys(TrustHubEvents.KEYS_ENROLLED, LAMP, null));
        registry.transition(LAMP, Transition.ACTIVATE);
        dispatcher.handleEvent(lifecycle(LAMP, Transition.ACTIVATE, LifecycleState.OPERATIONAL));
        assertEquals(LifecycleState.OPERATIONAL, registry.get(LAMP).state());
        assertTrue(keys.isActive(LAMP));

        decisions.runAll();
        // The previous device's sessions and cached values go, and its refusal counts with it.
        assertEquals(Set.copyOf(EVERYTHING_RELEASED), Set.copyOf(calls), calls.toString());
        assertTrue(refusals.cleared.contains(LAMP), "refusal counts cleared: " + refusals.cleared);
    }

    @Test
    void aRevocationIsNotLostWhenTheSameThingIsEnrolledAgainBeforeTheDecision() {
        HeldExecutor decisions = holdDecisions();
        RecordingRefusals refusals = new RecordingRefusals();
        dispatcher.setRefusals(refusals);
        keys.revoke(LAMP);
        dispatcher.handleEvent(keys(TrustHubEvents.KEYS_REVOKED, LAMP, null));
        byte[] fresh = new byte[32];
        Arrays.fill(fresh, (byte) 43);
        keys.enroll(LAMP, RootCredential.secret(fresh));
        dispatcher.handleEvent(keys(TrustHubEvents.KEYS_ENROLLED, LAMP, null));
        assertTrue(keys.isActive(LAMP));

        decisions.runAll();
        assertEquals(Set.copyOf(EVERYTHING_RELEASED), Set.copyOf(calls), calls.toString());
        assertEquals(List.of(), refusals.cleared, "revoked, not decommissioned: the counts stay");
    }

    @Test
    void oneFailingBindingOrProviderDoesNotStopTheOthers() {
        dispatcher.addBinding(new FakeBinding("broken") {
            @Override
            public void release(ThingId thing) {
                super.release(thing);
                throw new IllegalStateException("binding broken");
            }
        });
        dispatcher.addBinding(new FakeBinding("coap"));
        dispatcher.addProvider(new FakeProvider(Layer.LINK) {
            @Override
            public void forget(ThingId thing) {
                super.forget(thing);
                throw new IllegalStateException("provider broken");
            }
        });
        dispatcher.addProvider(new FakeProvider(Layer.TRANSPORT));
        registry.transition(LAMP, Transition.MAINTAIN);
        dispatcher.handleEvent(lifecycle(LAMP, Transition.MAINTAIN, LifecycleState.MAINTENANCE));
        assertEquals(List.of("broken release lamp-1", "coap release lamp-1", "LINK forget lamp-1",
                "TRANSPORT forget lamp-1"), calls);
    }

    @Test
    void aLaterBindingOrProviderCatchesUpAndARemovedOneIsNotCalled() {
        FakeBinding early = new FakeBinding("coap");
        dispatcher.addBinding(early);
        registry.transition(LAMP, Transition.MAINTAIN);
        dispatcher.handleEvent(lifecycle(LAMP, Transition.MAINTAIN, LifecycleState.MAINTENANCE));
        dispatcher.addBinding(new FakeBinding("zigbee"));
        dispatcher.addProvider(new FakeProvider(Layer.LINK));
        assertEquals(List.of("coap release lamp-1", "zigbee release lamp-1", "LINK forget lamp-1"), calls,
                "what arrives is told of every thing not operational now, operational plug-1 left alone");

        dispatcher.removeBinding(early);
        registry.transition(PLUG, Transition.MAINTAIN);
        dispatcher.handleEvent(lifecycle(PLUG, Transition.MAINTAIN, LifecycleState.MAINTENANCE));
        assertEquals(List.of("coap release lamp-1", "zigbee release lamp-1", "LINK forget lamp-1",
                "zigbee release plug-1", "LINK forget plug-1"), calls);
    }

    @Test
    void aRestartedDispatcherReleasesWhatLeftOperationalWhileItWasDown() {
        dispatcher.deactivate();
        // Left OPERATIONAL, and its keys revoked, while no dispatcher ran: nobody got an event.
        registry.transition(LAMP, Transition.MAINTAIN);
        keys.revoke(PLUG);
        dispatcher = new LifecycleDispatcher(registry, keys, name -> new DirectExecutor());
        addAll();
        assertEquals(List.of("coap release lamp-1", "coap release plug-1", "zigbee release lamp-1",
                "zigbee release plug-1", "TRANSPORT forget lamp-1", "TRANSPORT forget plug-1",
                "APPLICATION forget lamp-1", "APPLICATION forget plug-1", "LINK forget lamp-1",
                "LINK forget plug-1"), calls);
    }

    @Test
    void anEventWithoutAValidThingIsIgnored() {
        addAll();
        dispatcher.handleEvent(new Event(TrustHubEvents.KEYS_REVOKED, Map.of(TrustHubEvents.THING, "Not Valid!")));
        dispatcher.handleEvent(new Event(TrustHubEvents.KEYS_REVOKED, Map.of()));
        assertEquals(List.of(), calls);
    }

    /**
     * With the real lanes: the event thread never waits, a hung binding holds up nobody else, and after deactivate
     * nobody is called.
     */
    @Test
    void aHungBindingHoldsUpNeitherTheEventThreadNorTheOthers() throws InterruptedException {
        dispatcher.deactivate();
        dispatcher = new LifecycleDispatcher(registry, keys, LifecycleDispatcher::serialLane);
        // Before the bindings arrive, so their catch-up (which runs in order before the events) sees both released.
        registry.transition(LAMP, Transition.MAINTAIN);
        registry.transition(PLUG, Transition.MAINTAIN);
        CountDownLatch hung = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        dispatcher.addBinding(new FakeBinding("hung") {
            @Override
            public void release(ThingId thing) {
                entered.countDown();
                try {
                    hung.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Set<ThingId> releasedThings = ConcurrentHashMap.newKeySet();
        CountDownLatch released = new CountDownLatch(2);
        dispatcher.addBinding(new FakeBinding("coap") {
            @Override
            public void release(ThingId thing) {
                super.release(thing);
                if (releasedThings.add(thing)) {
                    released.countDown();
                }
            }
        });
        dispatcher.handleEvent(lifecycle(LAMP, Transition.MAINTAIN, LifecycleState.MAINTENANCE));
        dispatcher.handleEvent(lifecycle(PLUG, Transition.MAINTAIN, LifecycleState.MAINTENANCE));
        // The latches bound the test only: each is counted down long before, unless the dispatcher is broken.
        assertTrue(entered.await(30, TimeUnit.SECONDS), "the hung binding was called");
        boolean both = released.await(30, TimeUnit.SECONDS);
        synchronized (calls) {
            assertTrue(both, "the other binding was released while one hangs: " + calls);
        }
        synchronized (calls) {
            // Caught up on arrival, then the events; an event whose release is still queued is covered by it.
            assertEquals(Set.of("coap release lamp-1", "coap release plug-1"), Set.copyOf(calls), calls.toString());
            assertTrue(calls.size() <= 4, calls.toString());
        }
        // Deactivating interrupts the hung call and stops every lane.
        dispatcher.deactivate();
        List<String> before;
        synchronized (calls) {
            before = List.copyOf(calls);
        }
        dispatcher.handleEvent(lifecycle(LAMP, Transition.MAINTAIN, LifecycleState.MAINTENANCE));
        synchronized (calls) {
            assertEquals(before, calls, "nobody is called after deactivate");
        }
    }

    @Test
    void aSlowTargetsLaneHoldsOneCallPerThingAndActionWhateverTheEvents() {
        dispatcher.deactivate();
        HeldExecutor held = new HeldExecutor();
        dispatcher = new LifecycleDispatcher(registry, keys,
                name -> name.contains("dispatch to") ? held : new DirectExecutor());
        dispatcher.addBinding(new FakeBinding("coap"));
        dispatcher.addProvider(new FakeProvider(Layer.TRANSPORT));
        dispatcher.addProvider(new FakeProvider(Layer.LINK));
        for (int i = 0; i < 1000; i++) {
            dispatcher.handleEvent(keys(TrustHubEvents.KEYS_ROTATED, LAMP, Layer.TRANSPORT));
            dispatcher.handleEvent(keys(TrustHubEvents.KEYS_ROTATED, LAMP, Layer.LINK));
        }
        registry.transition(PLUG, Transition.MAINTAIN);
        for (int i = 0; i < 1000; i++) {
            dispatcher.handleEvent(lifecycle(PLUG, Transition.MAINTAIN, LifecycleState.MAINTENANCE));
        }
        assertEquals(5, held.tasks.size(), "one per target, thing and action: " + held.tasks.size());
        held.runAll();
        assertEquals(List.of("TRANSPORT forget lamp-1", "LINK forget lamp-1", "coap release plug-1",
                "TRANSPORT forget plug-1", "LINK forget plug-1"), calls, "no forget of one layer hides another's");

        dispatcher.handleEvent(lifecycle(PLUG, Transition.MAINTAIN, LifecycleState.MAINTENANCE));
        assertEquals(3, held.tasks.size(), "queued again once run");
    }

    @Test
    void theRulesOnTheCurrentState() {
        for (LifecycleState state : LifecycleState.values()) {
            LifecycleDispatcher.Action expected = state.isOperational() ? LifecycleDispatcher.Action.NONE
                    : LifecycleDispatcher.Action.RELEASE;
            assertEquals(expected,
                    LifecycleDispatcher.decide(java.util.Optional.of(state), false, false), state.name());
        }
        assertEquals(LifecycleDispatcher.Action.RELEASE,
                LifecycleDispatcher.decide(java.util.Optional.empty(), false, true));
        assertEquals(LifecycleDispatcher.Action.FORGET,
                LifecycleDispatcher.decide(java.util.Optional.of(LifecycleState.OPERATIONAL), false, true));
        assertEquals(LifecycleDispatcher.Action.RELEASE,
                LifecycleDispatcher.decide(java.util.Optional.of(LifecycleState.OPERATIONAL), true, true));
    }

    private void record(String call) {
        synchronized (calls) {
            calls.add(call);
        }
    }

    private class FakeBinding implements ProtocolBinding {
        private final String protocol;

        FakeBinding(String protocol) {
            this.protocol = protocol;
        }

        @Override
        public String protocol() {
            return protocol;
        }

        @Override
        public boolean isSimulated() {
            return true;
        }

        @Override
        public Set<ThingId> things() {
            return Set.of();
        }

        @Override
        public void release(ThingId thing) {
            record(protocol + " release " + thing);
        }
    }

    private class FakeProvider implements SecurityProvider {
        private final Layer layer;

        FakeProvider(Layer layer) {
            this.layer = layer;
        }

        @Override
        public Layer layer() {
            return layer;
        }

        @Override
        public String mechanism() {
            return "fake";
        }

        @Override
        public void forget(ThingId thing) {
            record(layer + " forget " + thing);
        }
    }

    private static final class RecordingRefusals implements SecurityRefusals {
        final List<ThingId> cleared = new ArrayList<>();

        @Override
        public void refused(java.util.Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
        }

        @Override
        public List<RefusalCount> counts() {
            return List.of();
        }

        @Override
        public List<RefusalCount> counts(ThingId thing) {
            return List.of();
        }

        @Override
        public void clear(ThingId thing) {
            cleared.add(thing);
        }
    }

    /** Holds every task until told to run them: a target that does not keep up. */
    private static final class HeldExecutor extends AbstractExecutorService {
        final List<Runnable> tasks = new ArrayList<>();

        void runAll() {
            List<Runnable> now = List.copyOf(tasks);
            tasks.clear();
            now.forEach(Runnable::run);
        }

        @Override
        public void execute(Runnable command) {
            tasks.add(command);
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    /** Runs each task at once on the caller's thread; shut down, it refuses more. */
    private static final class DirectExecutor extends AbstractExecutorService {
        private volatile boolean shutdown;

        @Override
        public void execute(Runnable command) {
            if (shutdown) {
                throw new java.util.concurrent.RejectedExecutionException("shut down");
            }
            command.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return shutdown;
        }
    }

}
