package org.trusthub.model.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

import org.osgi.framework.BundleContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.model.Origin;
import org.trusthub.api.model.RawValue;
import org.trusthub.api.model.RawValues;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.Transition;
import org.trusthub.storage.StoreException;

/**
 * The raw values things keep at the hub ({@link RawValues}: what a CoAP thing writes to its {@code /things/<id>/<name>}
 * and what the hub sets for it), the held ones on disk; a decommissioned thing's values go. A component of its own,
 * apart from the model: bindings that keep values here are also the model's property providers, and one component
 * offering both would make each wait for the other. Configuration PID {@value #PID}.
 */
@Component(service = { RawValues.class, EventHandler.class }, immediate = true,
        configurationPid = RawValuesComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = EventConstants.EVENT_TOPIC + "=" + TrustHubEvents.LIFECYCLE_TOPIC_PREFIX + "DECOMMISSION")
@Designate(ocd = RawValuesComponent.Config.class)
public final class RawValuesComponent implements RawValues, EventHandler {
    public static final String PID = "org.trusthub.model";
    private static final Logger LOG = LoggerFactory.getLogger(RawValuesComponent.class);

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

    private final RawValueStore values;

    @Activate
    public RawValuesComponent(Config config, BundleContext context) {
        this(openValues(directory(config.valuesDirectory(), context, "model")),
                directory(config.importCoapValuesFrom(), context, "coap"));
    }

    /** Raw values in memory only (tests). */
    public RawValuesComponent() {
        this(new RawValueStore(Clock.systemUTC()), null);
    }

    /**
     * @param values where raw values are kept
     * @param oldCoapValues where an earlier CoAP binding kept its values, taken over now ({@code null}: none)
     */
    public RawValuesComponent(RawValueStore values, Path oldCoapValues) {
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

    @Deactivate
    void deactivate() {
        values.close();
    }

    @Override
    public void handleEvent(Event event) {
        if (event.getProperty(TrustHubEvents.THING) instanceof String id && ThingId.isValid(id)
                && Transition.DECOMMISSION.name().equals(event.getProperty(TrustHubEvents.TRANSITION))) {
            values.forget(ThingId.of(id));
        }
    }

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
