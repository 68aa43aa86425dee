package org.trusthub.binding.coap.internal;

import java.security.Principal;
import java.util.Optional;

import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.security.oscore.OscoreContexts;
import org.trusthub.security.transport.dtls.DtlsServers;

/**
 * Who sent a request: the thing behind its DTLS session or its OSCORE context. The registry is asked on every
 * request, so a thing that has just left the operational state is refused even before its session is closed.
 */
final class Callers {
    private final ThingRegistry registry;
    private final DtlsServers dtls;
    private final OscoreContexts oscore;

    Callers(ThingRegistry registry, DtlsServers dtls, OscoreContexts oscore) {
        this.registry = registry;
        this.dtls = dtls;
        this.oscore = oscore;
    }

    Optional<Caller> of(Request request) {
        Optional<Caller> caller = authenticated(request);
        return caller.filter(c -> registry.find(c.thing()).map(t -> t.state() == LifecycleState.OPERATIONAL)
                .orElse(false));
    }

    private Optional<Caller> authenticated(Request request) {
        if (oscore != null && request.getOptions().hasOscore()) {
            return oscore.sender(request).map(t -> new Caller(t, "oscore"));
        }
        EndpointContext source = request.getSourceContext();
        Principal peer = source == null ? null : source.getPeerIdentity();
        if (peer == null || dtls == null) {
            return Optional.empty();
        }
        Optional<ThingId> thing = dtls.thingOf(peer);
        String mode = peer instanceof PreSharedKeyIdentity ? "dtls-psk"
                : peer instanceof RawPublicKeyIdentity ? "dtls-rpk" : peer instanceof X509CertPath ? "dtls-x509" : "dtls";
        return thing.map(t -> new Caller(t, mode));
    }
}
