package org.trusthub.model.internal;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;

/**
 * The model as a DS component: bindings' {@link PropertyProvider}s are picked up whiteboard-style as they come and go,
 * changes are posted on EventAdmin, and a decommissioned thing's model goes. The raw values things keep at the hub are
 * {@link RawValuesComponent}'s.
 */
@Component(service = { ThingModelRegistry.class, EventHandler.class }, immediate = true,
        property = EventConstants.EVENT_TOPIC + "=" + TrustHubEvents.LIFECYCLE_TOPIC_PREFIX + "DECOMMISSION")
public final class ThingModelComponent implements ThingModelRegistry, EventHandler {

    private final ModelCore core;
    private volatile EventAdmin eventAdmin;

    @Activate
    public ThingModelComponent(@Reference ThingRegistry things) {
        this.core = new ModelCore(this::post, id -> things.find(id).map(Thing::state), Clock.systemUTC());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setEventAdmin(EventAdmin admin) {
        this.eventAdmin = admin;
    }

    void unsetEventAdmin(EventAdmin admin) {
        if (this.eventAdmin == admin) {
            this.eventAdmin = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addProvider(PropertyProvider provider) {
        core.attach(provider);
    }

    void removeProvider(PropertyProvider provider) {
        core.detach(provider);
    }

    @Deactivate
    void deactivate() {
        core.close();
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin admin = eventAdmin;
        if (admin != null) {
            admin.postEvent(new Event(topic, properties));
        }
    }

    @Override
    public void handleEvent(Event event) {
        if (event.getProperty(TrustHubEvents.THING) instanceof String id && ThingId.isValid(id)
                && Transition.DECOMMISSION.name().equals(event.getProperty(TrustHubEvents.TRANSITION))) {
            core.remove(ThingId.of(id));
        }
    }

    /** Refused values and descriptions from bindings, by reason (for the shell). */
    Map<String, Long> refusals() {
        return core.refusals();
    }

    @Override
    public Optional<ThingModel> model(ThingId thing) {
        return core.model(thing);
    }

    @Override
    public List<ThingModel> models() {
        return core.models();
    }

    @Override
    public Property write(ThingId thing, String property, Object value) {
        return core.write(thing, property, value);
    }

    @Override
    public Property writeText(ThingId thing, String property, String text) {
        return core.writeText(thing, property, text);
    }

    @Override
    public Property toggle(ThingId thing, String property) {
        return core.toggle(thing, property);
    }

    @Override
    public void refresh(ThingId thing) {
        core.refresh(thing);
    }
}
