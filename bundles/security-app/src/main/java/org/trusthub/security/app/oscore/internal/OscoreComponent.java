package org.trusthub.security.app.oscore.internal;

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
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.security.app.oscore.OscoreContexts;
import org.trusthub.security.app.oscore.OscoreIds;

/** The application layer's OSCORE provider. */
@Component(service = {SecurityProvider.class, OscoreContexts.class}, property = {
        SecurityProvider.LAYER + "=APPLICATION", SecurityProvider.MECHANISM + "=" + OscoreIds.MECHANISM})
public final class OscoreComponent implements SecurityProvider, OscoreContexts {
    private final ThingContextDb db;

    @Activate
    public OscoreComponent(@Reference ThingKeyStore keys, @Reference ThingRegistry registry) {
        this.db = new ThingContextDb(keys, registry);
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
    void deactivate() {
        db.dropAll();
    }
}
