package org.trusthub.benchmarks.wss;

import java.nio.file.Path;
import java.time.Clock;

import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.keystore.internal.FileThingKeyStore;
import org.trusthub.lifecycle.internal.LifecycleEventSink;
import org.trusthub.lifecycle.internal.ThingRegistryCore;

/** The real thing registry for WS-Security benchmarks: the provider accepts only operational things. */
public final class Registries {

    private Registries() {
    }

    public static ThingRegistryCore open(Path directory, FileThingKeyStore keys) throws Exception {
        return new ThingRegistryCore(directory, keys, LifecycleEventSink.NONE, Clock.systemUTC());
    }

    /** Enrolls a thing through the registry and moves it to OPERATIONAL. */
    public static void operational(ThingRegistryCore registry, ThingId thing, RootCredential root) {
        registry.enroll(thing, "owner", root);
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
    }
}
