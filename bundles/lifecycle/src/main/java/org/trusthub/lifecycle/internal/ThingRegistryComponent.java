package org.trusthub.lifecycle.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.lifecycle.ThingHistory;
import org.trusthub.storage.StoreException;

/**
 * The registry as a DS component: configuration, the keystore and EventAdmin around {@link ThingRegistryCore}.
 * Other bundles get the {@link ThingRegistry} from {@link BundleThingRegistry}, which names them in the journal.
 */
@Component(service = { ThingRegistryComponent.class, ThingHistory.class },
        configurationPid = ThingRegistryComponent.PID, immediate = true)
@Designate(ocd = ThingRegistryComponent.Config.class)
public class ThingRegistryComponent implements ThingHistory {

    public static final String PID = "org.trusthub.lifecycle";

    @ObjectClassDefinition(name = "trusthub thing registry",
            description = "Where the registry of things and their lifecycle states is kept.")
    public @interface Config {
        @AttributeDefinition(name = "Registry directory",
                description = "Directory of the registry's journal and snapshot; empty means "
                        + "${karaf.data}/trusthub/registry.")
        String registryDirectory() default "";
    }

    @Reference
    private ThingKeyStore keyStore;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private ThingRegistryCore core;

    @Activate
    void activate(Config config, BundleContext context) throws StoreException {
        Path directory = registryDirectory(config.registryDirectory(), context.getProperty("karaf.data"));
        core = new ThingRegistryCore(directory, keyStore, this::post, Clock.systemUTC());
    }

    @Deactivate
    void deactivate() {
        core.close();
    }

    /** The configured directory, else the default under karaf.data. */
    static Path registryDirectory(String configured, String karafData) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip());
        }
        if (karafData == null || karafData.isBlank()) {
            throw new IllegalStateException("thing registry has no directory: set registryDirectory in etc/" + PID
                    + ".cfg (karaf.data is not set, so there is no default)");
        }
        return Path.of(karafData, "trusthub", "registry");
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin admin = eventAdmin;
        if (admin != null) {
            admin.postEvent(new Event(topic, properties));
        }
    }

    /** The registry itself, for the per-bundle views {@link BundleThingRegistry} registers. */
    ThingRegistryCore core() {
        return core;
    }

    @Override
    public List<String> startNotes() {
        return core.startNotes();
    }
}
