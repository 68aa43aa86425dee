package org.trusthub.model.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

import org.osgi.framework.BundleContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyProvider;
import org.trusthub.api.model.RawValue;
import org.trusthub.api.model.RawValues;
import org.trusthub.api.model.ThingModel;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.storage.StoreException;

/**
 * The model as a DS component: bindings' {@link PropertyProvider}s are picked up whiteboard-style as they come and go,
 * changes are posted on EventAdmin, and a decommissioned thing's model and raw values go. The raw values things keep
 * at the hub ({@link RawValues}) live here too; the held ones on disk. Configuration PID {@value #PID}.
 */
@Component(service = { ThingModelRegistry.class, RawValues.class, EventHandler.class }, immediate = true,
        configurationPid = ThingModelComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = EventConstants.EVENT_TOPIC + "=" + TrustHubEvents.LIFECYCLE_TOPIC_PREFIX + "DECOMMISSION")
@Designate(ocd = ThingModelComponent.Config.class)
public final class ThingModelComponent implements ThingModelRegistry, RawValues, EventHandler {
    public static final String PID = "org.trusthub.model";
    private static final Logger LOG = LoggerFactory.getLogger(ThingModelComponent.class);

    @ObjectClassDefinition(name = "trusthub thing model",
            description = "Things' properties and last values; the values things keep at the hub.")
    public @interface Config {
        @AttributeDefinition(name = "Values directory", description = "Where the values things write to the hub"
                + " (CoAP's /things/<thing>/<name>) and the values the hub sets for them are kept across restarts;"
                + " empty means ${karaf.data}/trusthub/model. Values read or observed from things are not written"
                + " to disk.")
        String valuesDirectory() default "";

        @AttributeDefinition(name = "Old CoAP values directory", description = "Where an earlier release's CoAP"
                + " binding kept those values (its valuesDirectory); they are taken over once at start. Empty means"
                + " ${karaf.data}/trusthub/coap.")
        String importCoapValuesFrom() default "";
    }

    private final ModelCore core;
    private final RawValueStore values;
    private volatile EventAdmin eventAdmin;

    @Activate
    public ThingModelComponent(@Reference ThingRegistry things, Config config, BundleContext context) {
        this(things, openValues(directory(config.valuesDirectory(), context, "model")),
                directory(config.importCoapValuesFrom(), context, "coap"));
    }

    /** Raw values in memory only (tests). */
    public ThingModelComponent(ThingRegistry things) {
        this(things, new RawValueStore(Clock.systemUTC()), null);
    }

    /**
     * @param values where raw values are kept
     * @param oldCoapValues where an earlier CoAP binding kept its values, taken over now ({@code null}: none)
     */
    public ThingModelComponent(ThingRegistry things, RawValueStore values, Path oldCoapValues) {
        this.core = new ModelCore(this::post, id -> things.find(id).map(Thing::state), Clock.systemUTC());
        this.values = values;
        try {
            CoapValuesImport.run(oldCoapValues, values);
        } catch (StoreException | RuntimeException e) {
            values.close();
            // starting without them would let things overwrite what they wrote before the upgrade
            throw new IllegalStateException("old CoAP values in " + oldCoapValues + " cannot be taken over: "
                    + e.getMessage(), e);
        }
    }

    static Path directory(String configured, BundleContext context, String fallback) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip());
        }
        String data = context == null ? null : context.getProperty("karaf.data");
        return data == null ? null : Path.of(data, "trusthub", fallback);
    }

    // A store that cannot be opened stops the model: serving without it would lose what things wrote before.
    private static RawValueStore openValues(Path directory) {
        if (directory == null) {
            LOG.warn("No thing model values directory (valuesDirectory and karaf.data unset): values things write to"
                    + " the hub are kept in memory only");
            return new RawValueStore(Clock.systemUTC());
        }
        try {
            return RawValueStore.open(directory, Clock.systemUTC());
        } catch (StoreException e) {
            throw new IllegalStateException("held values in " + directory + " cannot be opened: " + e.getMessage(),
                    e);
        }
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
        values.close();
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
            values.forget(ThingId.of(id));
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

    // RawValues

    @Override
    public boolean put(ThingId thing, String name, byte[] bytes, int format, Origin origin, boolean held) {
        return values.put(thing, name, bytes, format, origin, held);
    }

    @Override
    public Optional<RawValue> get(ThingId thing, String name) {
        return values.get(thing, name);
    }

    @Override
    public SortedMap<String, RawValue> values(ThingId thing) {
        return values.values(thing);
    }

    @Override
    public Set<ThingId> things() {
        return values.things();
    }

    @Override
    public void listen(Listener listener) {
        values.listen(listener);
    }

    @Override
    public void unlisten(Listener listener) {
        values.unlisten(listener);
    }
}
