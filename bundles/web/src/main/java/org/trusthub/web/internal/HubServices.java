package org.trusthub.web.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.keystore.TrustAnchorStore;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.offload.GroupKeyService;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.security.SecurityStatus;
import org.trusthub.api.thing.ThingRegistry;

/**
 * The hub services the REST layer translates to, as the component has them now. Each may be absent (optional,
 * dynamic references): a request that needs an absent one is answered 503 naming it.
 */
final class HubServices {

    volatile ThingRegistry registry;
    volatile ThingKeyStore keyStore;
    volatile TrustAnchorStore trustAnchors;
    volatile ThingModelRegistry model;
    volatile SecurityStatus status;
    volatile SecurityRefusals refusals;
    volatile GroupKeyService groups;
    /** org.trusthub.binding.zigbee.spi.ZigbeeBridge, held as Object so this class loads without the ZigBee bundle. */
    volatile Object zigbee;
    final List<ProtocolBinding> bindings = new CopyOnWriteArrayList<>();

    ThingRegistry registry() {
        return need(registry, "the thing registry");
    }

    ThingKeyStore keyStore() {
        return need(keyStore, "the keystore");
    }

    TrustAnchorStore trustAnchors() {
        return need(trustAnchors, "the keystore");
    }

    ThingModelRegistry model() {
        return need(model, "the thing model (feature trusthub-model)");
    }

    SecurityStatus status() {
        return need(status, "the security status (security-policy)");
    }

    SecurityRefusals refusals() {
        return need(refusals, "the refusal count (security-policy)");
    }

    private static <T> T need(T service, String what) {
        if (service == null) {
            throw ApiException.unavailable(what);
        }
        return service;
    }
}
