package org.trusthub.security.transport.dtls;

import java.security.Principal;
import java.util.Optional;

import org.eclipse.californium.scandium.DTLSConnector;
import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.ThingId;

/**
 * Makes DTLS server connectors for bindings (CoAP over DTLS) and keeps track of them, so that a thing's sessions on
 * every connector can be closed at once. Registered together with the transport layer's
 * {@link org.trusthub.api.security.SecurityProvider} (mechanism {@value #DTLS_MECHANISM}), whose {@code forget} closes
 * them.
 */
@ProviderType
public interface DtlsServers {

    /** The mechanism name of the DTLS provider. */
    String DTLS_MECHANISM = "dtls";

    /**
     * A new, not yet started server connector. Only things that are operational complete a handshake; the caller
     * starts it and destroys it when done.
     *
     * @throws IllegalArgumentException if the options enable no credential type
     */
    DTLSConnector newServer(DtlsServerOptions options);

    /** The thing a DTLS peer authenticated as, if it is one the keystore knows. */
    Optional<ThingId> thingOf(Principal peer);

    /** How many established DTLS sessions the thing has, over every connector. */
    int openSessions(ThingId thing);

    /** Closes every DTLS session of the thing on every connector, and waits until they are gone. */
    void closeSessions(ThingId thing);
}
