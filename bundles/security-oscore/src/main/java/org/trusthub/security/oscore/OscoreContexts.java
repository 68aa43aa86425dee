package org.trusthub.security.oscore;

import java.util.Optional;
import java.util.Set;

import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.oscore.OSCoreCtxDB;
import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.ThingId;

/**
 * The hub's OSCORE security contexts, one per operational thing, made on a thing's first request and dropped the
 * moment it loses access. Registered together with the application layer's
 * {@link org.trusthub.api.security.SecurityProvider} (mechanism {@value OscoreIds#MECHANISM}), whose
 * {@code forget} drops the context.
 */
@ProviderType
public interface OscoreContexts {

    /**
     * The context database to give a Californium endpoint built with {@code OSCoreCoapStackFactory}: it finds an
     * operational thing's context by the key id of its requests, and never one of a thing that is not operational.
     */
    OSCoreCtxDB database();

    /** The thing that sent an OSCORE request the endpoint has verified, if any. */
    Optional<ThingId> sender(Request verifiedRequest);

    /**
     * The thing's live context, for the hub's own requests to the thing (the hub is then the OSCORE client of the
     * same context: its sender key protects, its sequence numbers come from the keystore). Opens the context if the
     * thing is operational and has none yet.
     */
    Optional<org.eclipse.californium.oscore.OSCoreCtx> context(ThingId thing);

    /** The things that have a live context. */
    Set<ThingId> things();

    /** Drops the thing's context at once; its next request is refused until it is operational again. */
    void drop(ThingId thing);
}
