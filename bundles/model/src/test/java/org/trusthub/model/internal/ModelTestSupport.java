package org.trusthub.model.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.PropertyDescriptor;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.model.PropertySink;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;

/** The model on the hub's real registry and keystore in a temporary directory, with a recording event sink. */
class ModelTestSupport {

    static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @TempDir
    Path dir;
    FileThingKeyStore keystore;
    ThingRegistryCore registry;
    ModelCore model;
    final List<Posted> posted = Collections.synchronizedList(new ArrayList<>());

    record Posted(String topic, Map<String, Object> properties) {
    }

    @BeforeEach
    void open() throws Exception {
        keystore = FileThingKeyStore.open(dir.resolve("keys"), dir.resolve("master.key"));
        registry = new ThingRegistryCore(dir.resolve("registry"), keystore, LifecycleEventSink.NONE,
                Clock.systemUTC());
        model = new ModelCore((t, p) -> posted.add(new Posted(t, Map.copyOf(p))),
                id -> registry.find(id).map(Thing::state), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        model.close();
        registry.close();
        keystore.close();
    }

    /** An enrolled, OPERATIONAL thing. */
    ThingId operational(String id) {
        ThingId thing = ThingId.of(id);
        registry.enroll(thing, "alice", RootCredential.secret(new byte[32]));
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
        return thing;
    }

    List<Posted> posted(String topic) {
        synchronized (posted) {
            return posted.stream().filter(p -> p.topic().equals(topic)).toList();
        }
    }

    /**
     * A binding with simulated lamps: a write goes to the "device", which obeys; the binding then reads it back and
     * publishes what the device answered.
     */
    static class FakeBinding implements PropertyProvider {
        final String name;
        final boolean canToggle;
        volatile PropertySink sink;
        final List<String> sent = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Object> device = new java.util.concurrent.ConcurrentHashMap<>();
        volatile boolean deviceAnswers = true;
        int refreshes;

        FakeBinding(String name, boolean canToggle) {
            this.name = name;
            this.canToggle = canToggle;
        }

        static List<PropertyDescriptor> lamp() {
            return List.of(PropertyDescriptor.onOff(), PropertyDescriptor.level(), PropertyDescriptor.temperature());
        }

        @Override
        public String binding() {
            return name;
        }

        @Override
        public boolean isSimulated() {
            return true;
        }

        @Override
        public void attach(PropertySink s) {
            sink = s;
        }

        @Override
        public void detach(PropertySink s) {
            sink = null;
        }

        @Override
        public void write(ThingId thing, PropertyDescriptor property, Object value) {
            sent.add(thing + " " + property.id() + "=" + value);
            if (!deviceAnswers) {
                throw new PropertyWriteException(thing, property.id(), "the device did not confirm");
            }
            device.put(thing + property.id(), value);
            sink.update(thing, property.id(), device.get(thing + property.id()), Origin.READ);
        }

        @Override
        public boolean toggle(ThingId thing, PropertyDescriptor property) {
            if (!canToggle) {
                return false;
            }
            sent.add(thing + " " + property.id() + " toggle");
            boolean now = !Boolean.TRUE.equals(device.get(thing + property.id()));
            device.put(thing + property.id(), now);
            sink.update(thing, property.id(), now, Origin.READ);
            return true;
        }

        @Override
        public void refresh(ThingId thing) {
            refreshes++;
        }
    }
}
