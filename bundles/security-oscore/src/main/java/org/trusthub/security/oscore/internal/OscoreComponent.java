package org.trusthub.security.oscore.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.security.oscore.OscoreContexts;
import org.trusthub.security.oscore.OscoreIds;

/**
 * The application layer's OSCORE provider. Its replay state is the keystore's replay marks, so it keeps no store of
 * its own; its refusals are counted by the {@link SecurityRefusals} service when there is one. At start it imports
 * the marks an earlier version kept in a store of its own ({@link LegacyReplayMarks}), before any context opens.
 */
@Component(service = {SecurityProvider.class, OscoreContexts.class}, configurationPid = OscoreComponent.PID,
        property = {SecurityProvider.LAYER + "=APPLICATION", SecurityProvider.MECHANISM + "=" + OscoreIds.MECHANISM})
public final class OscoreComponent implements SecurityProvider, OscoreContexts {
    static final String PID = "org.trusthub.security.oscore";
    /**
     * Where an earlier version kept its replay marks when an operator moved them; read only to find those marks
     * (the setting itself is gone).
     */
    static final String LEGACY_STATE_DIRECTORY = "stateDirectory";

    private final ThingContextDb db;
    private final LegacyReplayMarks.Outcome legacyImport;
    private volatile SecurityRefusals refusals;

    @Activate
    public OscoreComponent(@Reference ThingKeyStore keys, @Reference ThingRegistry registry, BundleContext context,
            Map<String, Object> properties) {
        this(keys, registry, legacyDirectory(context.getProperty("karaf.data"), properties));
    }

    /** Nothing of an earlier version to import (tests and benchmarks). */
    public OscoreComponent(ThingKeyStore keys, ThingRegistry registry) {
        this(keys, registry, (Path) null);
    }

    /** Imports the marks an earlier version left in {@code legacyDirectory}, if any, then serves. */
    OscoreComponent(ThingKeyStore keys, ThingRegistry registry, Path legacyDirectory) {
        this.legacyImport = LegacyReplayMarks.importInto(legacyDirectory, keys);
        this.db = new ThingContextDb(keys, registry, this::refused);
    }

    static Path legacyDirectory(String karafData, Map<String, Object> properties) {
        Object configured = properties == null ? null : properties.get(LEGACY_STATE_DIRECTORY);
        if (configured instanceof String s && !s.isBlank()) {
            return Path.of(s.strip());
        }
        return LegacyReplayMarks.defaultDirectory(karafData);
    }

    /** What the import at start found. */
    LegacyReplayMarks.Outcome legacyImport() {
        return legacyImport;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindRefusals(SecurityRefusals r) {
        refusals = r;
    }

    public void unbindRefusals(SecurityRefusals r) {
        if (refusals == r) {
            refusals = null;
        }
    }

    private void refused(Optional<ThingId> thing, RefusalReason reason) {
        SecurityRefusals r = refusals;
        if (r != null) {
            r.refused(thing, Layer.APPLICATION, OscoreIds.MECHANISM, reason);
        }
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
    public List<Authenticated> sessions(ThingId thing) {
        return db.session(thing).map(List::of).orElse(List.of());
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
    }
}
