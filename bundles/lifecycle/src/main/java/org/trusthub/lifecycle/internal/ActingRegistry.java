package org.trusthub.lifecycle.internal;

import java.util.List;
import java.util.Optional;

import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.JournalEntry;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;

/** The registry as one actor uses it: every change it makes is journalled under that actor's name. */
final class ActingRegistry implements ThingRegistry {

    private final ThingRegistryCore core;
    private final String actor;

    /** {@code actor} is already checked. */
    ActingRegistry(ThingRegistryCore core, String actor) {
        this.core = core;
        this.actor = actor;
    }

    @Override
    public Thing enroll(ThingId id, String owner, RootCredential rootCredential) {
        return core.enroll(id, owner, rootCredential, actor);
    }

    @Override
    public Optional<Thing> find(ThingId id) {
        return core.find(id);
    }

    @Override
    public Thing get(ThingId id) {
        return core.get(id);
    }

    @Override
    public List<Thing> list() {
        return core.list();
    }

    @Override
    public Thing transition(ThingId id, Transition transition) {
        return core.transition(id, transition, actor);
    }

    @Override
    public Thing recommission(ThingId id, String newOwner, RootCredential freshRootCredential) {
        return core.recommission(id, newOwner, freshRootCredential, actor);
    }

    @Override
    public List<JournalEntry> journal(ThingId id) {
        return core.journal(id);
    }

    @Override
    public ThingRegistry actingAs(String otherActor) {
        return core.actingAs(otherActor);
    }
}
