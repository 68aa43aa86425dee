package org.trusthub.binding.mqtt.internal;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalCount;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;
import org.trusthub.model.internal.ModelCore;

/** The hub around the binding in its tests: the real keystore, registry and model, a policy and a refusal count. */
final class MqttTestHub implements AutoCloseable {

    final FileThingKeyStore keystore;
    final ThingRegistryCore registry;
    final ModelCore model;
    final Refusals refusals = new Refusals();
    final Policy policy = new Policy();

    MqttTestHub(Path dir) throws Exception {
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, LifecycleEventSink.NONE,
                Clock.systemUTC());
        model = new ModelCore((topic, p) -> {
        }, id -> registry.find(id).map(org.trusthub.api.thing.Thing::state), Clock.systemUTC());
    }

    /** Enrolls a thing and takes it to OPERATIONAL, as bootstrapping would. */
    ThingId operational(String id) {
        ThingId thing = ThingId.of(id);
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        registry.enroll(thing, "alice", RootCredential.secret(secret));
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
        return thing;
    }

    /** The binding, wired as SCR would wire it. */
    MqttBinding binding(Config config) {
        MqttBinding binding = new MqttBinding(registry, keystore, keystore, keystore, config);
        binding.policy = policy;
        binding.refusals = refusals;
        model.attach(binding);
        return binding;
    }

    @Override
    public void close() throws Exception {
        model.close();
        registry.close();
        keystore.close();
    }

    /** The binding's settings, with a test's values. */
    record Config(String described, String brokerDirectory, String brokerPidFile, int brokerPort, int syncSeconds)
            implements MqttConfig {
        @Override
        public Class<? extends Annotation> annotationType() {
            return MqttConfig.class;
        }

        @Override
        public String[] things() {
            return new String[] { described };
        }

        @Override
        public String brokerHost() {
            return "127.0.0.1";
        }

        @Override
        public String topicRoot() {
            return "trusthub";
        }

        @Override
        public String clientId() {
            return "trusthub-hub-test";
        }

        @Override
        public int timeoutSeconds() {
            return 10;
        }
    }

    /** Every refusal, as the security-policy bundle's count would get it. */
    static final class Refusals implements SecurityRefusals {
        record Refusal(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
        }

        final List<Refusal> seen = new CopyOnWriteArrayList<>();

        @Override
        public void refused(Optional<ThingId> thing, Layer layer, String mechanism, RefusalReason reason) {
            seen.add(new Refusal(thing, layer, mechanism, reason));
        }

        List<RefusalReason> reasons() {
            List<RefusalReason> out = new ArrayList<>();
            seen.forEach(r -> out.add(r.reason()));
            return out;
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
        }
    }

    /** A policy whose inbound and outbound requirements a test sets; it grants nothing across things. */
    static final class Policy implements SecurityPolicy {
        volatile Protection inbound = Protection.NONE;
        volatile Protection outbound = Protection.NONE;

        @Override
        public Protection inbound(ThingId thing, String protocol) {
            return inbound;
        }

        @Override
        public Protection outbound(ThingId thing, String protocol) {
            return outbound;
        }

        @Override
        public boolean mayRead(ThingId caller, ThingId target, String property) {
            return caller.equals(target);
        }

        @Override
        public boolean mayWrite(ThingId caller, ThingId target, String property) {
            return false;
        }

        @Override
        public boolean mayRequestToken(ThingId client, ThingId audience, Set<String> scopes) {
            return false;
        }

        @Override
        public boolean mayPair(ThingId thing, ThingId peer) {
            return false;
        }
    }
}
