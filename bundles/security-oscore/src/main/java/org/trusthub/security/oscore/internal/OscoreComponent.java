package org.trusthub.security.oscore.internal;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.oscore.OSCoreCtxDB;
import org.eclipse.californium.oscore.OSCoreEndpointContextInfo;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.security.oscore.OscoreContexts;
import org.trusthub.security.oscore.OscoreIds;
import org.trusthub.storage.StoreException;

/** The application layer's OSCORE provider. */
@Component(service = {SecurityProvider.class, OscoreContexts.class}, configurationPid = OscoreComponent.PID,
        property = {SecurityProvider.LAYER + "=APPLICATION", SecurityProvider.MECHANISM + "=" + OscoreIds.MECHANISM})
@Designate(ocd = OscoreComponent.Config.class)
public final class OscoreComponent implements SecurityProvider, OscoreContexts {
    static final String PID = "org.trusthub.security.oscore";
    private static final Logger LOG = LoggerFactory.getLogger(OscoreComponent.class);

    @ObjectClassDefinition(name = "trusthub OSCORE", description = "OSCORE security contexts (RFC 8613).")
    public @interface Config {
        @AttributeDefinition(name = "State directory",
                description = "Where the hub records the high-water marks of the OSCORE sequence numbers it accepted, "
                        + "so a restart never accepts an old message again; empty means ${karaf.data}/trusthub/oscore. "
                        + "No key is stored there.")
        String stateDirectory() default "";
    }

    private final ThingContextDb db;
    private final ReplayMarks marks;

    @Activate
    public OscoreComponent(@Reference ThingKeyStore keys, @Reference ThingRegistry registry, Config config,
            BundleContext context) {
        this(keys, registry, stateDirectory(config, context));
    }

    /** Replay marks in memory only: a restart forgets them (tests and benchmarks that do not restart). */
    public OscoreComponent(ThingKeyStore keys, ThingRegistry registry) {
        this(keys, registry, (Path) null);
    }

    /**
     * Replay marks in {@code stateDirectory}, or in memory with a warning when it is null.
     *
     * @throws IllegalStateException if the store cannot be opened: serving with empty replay state would accept
     *         old messages again
     */
    public OscoreComponent(ThingKeyStore keys, ThingRegistry registry, Path stateDirectory) {
        if (stateDirectory == null) {
            LOG.warn("No OSCORE state directory (stateDirectory and karaf.data unset): after a restart a message "
                    + "recorded before it could be accepted once more");
            marks = ReplayMarks.inMemory();
        } else {
            try {
                marks = ReplayMarks.open(stateDirectory);
            } catch (StoreException e) {
                throw new IllegalStateException("OSCORE replay state in " + stateDirectory + " cannot be opened: "
                        + e.getMessage(), e);
            }
        }
        this.db = new ThingContextDb(keys, registry, marks);
    }

    static Path stateDirectory(Config c, BundleContext context) {
        if (c != null && c.stateDirectory() != null && !c.stateDirectory().isBlank()) {
            return Path.of(c.stateDirectory().strip());
        }
        String data = context == null ? null : context.getProperty("karaf.data");
        return data == null ? null : Path.of(data, "trusthub", "oscore");
    }

    @Override
    public Layer layer() {
        return Layer.APPLICATION;
    }

    @Override
    public String mechanism() {
        return OscoreIds.MECHANISM;
    }

    @Override
    public void forget(ThingId thing) {
        db.drop(thing);
    }

    @Override
    public OSCoreCtxDB database() {
        return db;
    }

    @Override
    public Optional<ThingId> sender(Request verifiedRequest) {
        EndpointContext source = verifiedRequest.getSourceContext();
        if (source == null) {
            return Optional.empty();
        }
        // The hub's recipient ID of the context that verified the request is the thing's sender ID.
        return db.thingOfKid(source.getString(OSCoreEndpointContextInfo.OSCORE_RECIPIENT_ID));
    }

    @Override
    public Optional<org.eclipse.californium.oscore.OSCoreCtx> context(ThingId thing) {
        Optional<org.eclipse.californium.oscore.OSCoreCtx> live = db.context(thing);
        if (live.isPresent()) {
            return live;
        }
        return Optional.ofNullable(db.getContext(OscoreIds.thingSenderId(thing)));
    }

    @Override
    public Set<ThingId> things() {
        return db.things();
    }

    @Override
    public void drop(ThingId thing) {
        db.drop(thing);
    }

    @Deactivate
    public void deactivate() {
        db.dropAll();
        marks.close();
    }
}
