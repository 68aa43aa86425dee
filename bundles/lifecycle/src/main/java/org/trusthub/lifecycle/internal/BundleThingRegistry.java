package org.trusthub.lifecycle.internal;

import java.util.List;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.JournalEntry;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;

/**
 * The {@link ThingRegistry} service, one instance per bundle that uses it, so the journal names the bundle that
 * made a change ({@code bundle:<symbolic name>}) unless the caller names a person with {@link #actingAs}.
 */
@Component(service = ThingRegistry.class, scope = ServiceScope.BUNDLE)
public class BundleThingRegistry implements ThingRegistry {

    private final ThingRegistry registry;

    @Activate
    public BundleThingRegistry(@Reference(name = "registry") ThingRegistryComponent component,
            ComponentContext context) {
        this.registry = component.core().actingAs(actorOf(context.getUsingBundle()));
    }

    /** {@code bundle:<symbolic name>}, cut to the longest actor the journal takes. */
    static String actorOf(Bundle bundle) {
        String name = bundle == null || bundle.getSymbolicName() == null ? "unnamed" : bundle.getSymbolicName();
        String actor = "bundle:" + name.strip();
        return actor.length() > ThingRegistryCore.MAX_OWNER_LENGTH
                ? actor.substring(0, ThingRegistryCore.MAX_OWNER_LENGTH) : actor;
    }

    @Override
    public Thing enroll(ThingId id, String owner, RootCredential rootCredential) {
        return registry.enroll(id, owner, rootCredential);
    }

    @Override
    public Optional<Thing> find(ThingId id) {
        return registry.find(id);
    }

    @Override
    public Thing get(ThingId id) {
        return registry.get(id);
    }

    @Override
    public List<Thing> list() {
        return registry.list();
    }

    @Override
    public Thing transition(ThingId id, Transition transition) {
        return registry.transition(id, transition);
    }

    @Override
    public Thing recommission(ThingId id, String newOwner, RootCredential freshRootCredential) {
        return registry.recommission(id, newOwner, freshRootCredential);
    }

    @Override
    public List<JournalEntry> journal(ThingId id) {
        return registry.journal(id);
    }

    @Override
    public ThingRegistry actingAs(String actor) {
        return registry.actingAs(actor);
    }
}
