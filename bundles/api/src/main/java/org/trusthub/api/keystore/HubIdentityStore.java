package org.trusthub.api.keystore;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where the hub's own identity is kept: made at first start, kept in the keystore, the same across restarts.
 *
 * <p>Depend on this service when all you need is to authenticate the hub (DTLS/TLS servers, WS-Security signing).
 *
 * @since 1.4
 */
@ProviderType
public interface HubIdentityStore {

    /** The hub's identity, made at first start. */
    HubIdentity hubIdentity();
}
