package org.trusthub.api.security;

import org.osgi.annotation.versioning.ConsumerType;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.thing.ThingId;

/**
 * A security mechanism at one layer (IEEE 802.15.4 CCM*, DTLS, OSCORE, WS-Security, ...), registered as an OSGi
 * service with the properties {@link #LAYER} and {@link #MECHANISM}. Bindings never construct a provider: they look
 * one up by layer and mechanism ({@link #filter}), so a provider can be swapped at run time. Its keys come from the
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

    /** An OSGi filter that selects the provider of one layer and mechanism. */
    static String filter(Layer layer, String mechanism) {
        return "(&(objectClass=" + SecurityProvider.class.getName() + ")(" + LAYER + "=" + layer.name() + ")("
                + MECHANISM + "=" + org.trusthub.api.keystore.Mechanisms.check(mechanism) + "))";
    }
}
