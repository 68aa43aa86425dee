package org.trusthub.security.oscore.internal;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.oscore.OSCoreCtxDB;
import org.eclipse.californium.oscore.OSCoreEndpointContextInfo;
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
 * its own; its refusals are counted by the {@link SecurityRefusals} service when there is one.
 */
@Component(service = {SecurityProvider.class, OscoreContexts.class},
        property = {SecurityProvider.LAYER + "=APPLICATION", SecurityProvider.MECHANISM + "=" + OscoreIds.MECHANISM})
public final class OscoreComponent implements SecurityProvider, OscoreContexts {
    private final ThingContextDb db;
    private volatile SecurityRefusals refusals;

    @Activate
    public OscoreComponent(@Reference ThingKeyStore keys, @Reference ThingRegistry registry) {
        this.db = new ThingContextDb(keys, registry, this::refused);
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
