package org.trusthub.api.security;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.thing.ThingId;

/**
 * A security mechanism at one layer (IEEE 802.15.4 CCM*, DTLS, OSCORE, WS-Security, ...), registered as an OSGi
 * service with the properties {@link #LAYER} and {@link #MECHANISM}. Bindings never construct a provider: they reach
 * one through a dynamic reference, by its typed service or by layer and mechanism ({@link #filter}), so a provider
 * can be swapped at run time without restarting the binding. The lifecycle dispatcher calls {@link #forget} when a
 * thing leaves the operational state or the provider's layer's keys change. Its keys come from the
 * {@link org.trusthub.api.keystore.ThingKeyStore}.
 */
@ConsumerType
public interface SecurityProvider {

    /** Service property: the {@link Layer} name the provider works at. */
    String LAYER = "trusthub.layer";
    /** Service property: the mechanism name (see {@link org.trusthub.api.keystore.Mechanisms}). */
    String MECHANISM = "trusthub.mechanism";

    /** The layer this provider works at; equals its {@link #LAYER} service property. */
    Layer layer();

    /** The mechanism this provider implements; equals its {@link #MECHANISM} service property. */
    String mechanism();

    /**
     * Drops every session, security context and cached key the provider holds for a thing, at once. Called when
     * the thing's keys are rotated or revoked, or it leaves the operational state.
     */
    void forget(ThingId thing);

    /**
     * The sessions or security contexts the provider holds for a thing now, each as who it authenticates and how
     * well it protects; empty when it holds none. Read by the security status; never carries key material.
     */
    default List<Authenticated> sessions(ThingId thing) {
        return List.of();
    }

    /** An OSGi filter that selects the provider of one layer and mechanism. */
    static String filter(Layer layer, String mechanism) {
        return "(&(objectClass=" + SecurityProvider.class.getName() + ")(" + LAYER + "=" + layer.name() + ")("
                + MECHANISM + "=" + org.trusthub.api.keystore.Mechanisms.check(mechanism) + "))";
    }
}
