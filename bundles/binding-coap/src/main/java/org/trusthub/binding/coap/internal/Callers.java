package org.trusthub.binding.coap.internal;

import java.security.Principal;
import java.util.Optional;

import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.DtlsEndpointContext;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;
import org.eclipse.californium.elements.util.Bytes;
import org.eclipse.californium.oscore.OSCoreEndpointContextInfo;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.security.oscore.OscoreContexts;
import org.trusthub.security.transport.dtls.DtlsServers;

/**
 * Who sent a request and how well it was protected: the thing behind its DTLS session or its OSCORE context, as an
 * {@link Authenticated}. A request is admitted only if that thing is operational now (the registry is asked on every
 * request, so a thing that has just left the operational state is refused even before its session is closed) and its
 * protection satisfies what the {@link SecurityPolicy} requires of the thing over CoAP inbound. Without a policy
 * service nothing is admitted. Every refusal is answered, logged (rate-limited) and counted.
 */
final class Callers {
    /** The protocol name the policy is asked about. */
    static final String PROTOCOL = "coap";
    /**
     * The mechanism name the refusals of a request nobody authenticated are counted under (layer APPLICATION); a
     * refusal of an authenticated caller is counted under the layer and mechanism it authenticated with.
     */
    static final String MECHANISM = "coap";

    private final ThingRegistry registry;
    private final Providers providers;
    private final boolean oscoreOn;

    /**
     * @param oscoreOn whether OSCORE-protected requests are taken (configuration); DTLS requests are taken whenever
     *            a DTLS endpoint delivered them
     */
    Callers(ThingRegistry registry, Providers providers, boolean oscoreOn) {
        this.registry = registry;
        this.providers = providers;
        this.oscoreOn = oscoreOn;
    }

    /**
     * The authenticated caller of the exchange's request when it may be served; otherwise the refusal has been sent
     * ({@code unauthenticated} is the text of the 4.01 for a request nobody authenticated) and counted.
     */
    Optional<Authenticated> admit(CoapExchange exchange, String unauthenticated) {
        Request request = exchange.advanced().getRequest();
        Optional<Authenticated> caller = authenticated(request);
        if (caller.isEmpty()) {
            providers.refused(Optional.empty(), Layer.APPLICATION, MECHANISM, unauthenticatedReason(request));
            Refusals.refuse(exchange, ResponseCode.UNAUTHORIZED, unauthenticated);
            return Optional.empty();
        }
        Authenticated who = caller.get();
        boolean operational = registry.find(who.thing()).map(t -> t.state() == LifecycleState.OPERATIONAL)
                .orElse(false);
        if (!operational) {
            providers.refused(Optional.of(who.thing()), who.layer(), who.mechanism(), RefusalReason.NOT_OPERATIONAL);
            Refusals.refuse(exchange, ResponseCode.UNAUTHORIZED, unauthenticated);
            return Optional.empty();
        }
        Optional<SecurityPolicy> policy = providers.policy();
        if (policy.isEmpty()) {
            // Fail closed: without the policy nobody can say what protection is enough.
            providers.refused(Optional.of(who.thing()), who.layer(), who.mechanism(), RefusalReason.NOT_OPERATIONAL);
            Refusals.refuse(exchange, ResponseCode.SERVICE_UNAVAILABLE, "the hub's security policy is not available");
            return Optional.empty();
        }
        Protection required = policy.get().inbound(who.thing(), PROTOCOL);
        if (!who.protection().satisfies(required)) {
            providers.refused(Optional.of(who.thing()), who.layer(), who.mechanism(), RefusalReason.POLICY);
            Refusals.refuse(exchange, ResponseCode.UNAUTHORIZED, "the policy requires " + required + " for "
                    + who.thing().value() + "; " + who.mechanism() + " gives " + who.protection());
            return Optional.empty();
        }
        return caller;
    }

    /**
     * Whether the policy lets {@code caller} read {@code property} of {@code target}, its own included: the policy
     * decides that too (it lets a thing read and write its own values).
     */
    boolean mayRead(Authenticated caller, ThingId target, String property) {
        return providers.policy().map(p -> p.mayRead(caller.thing(), target, property)).orElse(false);
    }

    /** Whether the policy lets {@code caller} write {@code property} of {@code target}, its own included. */
    boolean mayWrite(Authenticated caller, ThingId target, String property) {
        return providers.policy().map(p -> p.mayWrite(caller.thing(), target, property)).orElse(false);
    }

    /**
     * Whether a write admitted earlier may still run now: the caller is still OPERATIONAL, still granted, and its
     * protection still meets what the policy requires of it and of the target (a write can wait for a slow thing).
     */
    boolean stillMayWrite(Authenticated caller, ThingId target, String property, String targetProtocol) {
        boolean operational = registry.find(caller.thing()).map(t -> t.state() == LifecycleState.OPERATIONAL)
                .orElse(false);
        return operational && mayWrite(caller, target, property)
                && caller.protection().satisfies(inbound(caller.thing(), PROTOCOL))
                && caller.protection().satisfies(inbound(target, targetProtocol));
    }

    /**
     * What the policy requires of the values {@code thing} sends the hub over {@code protocol}: the least a caller's
     * protection must give to read or write them. Without a policy, the strongest there is (fail closed).
     */
    Protection inbound(ThingId thing, String protocol) {
        return providers.policy().map(p -> p.inbound(thing, protocol)).orElse(Protection.confidentiality().endToEnd());
    }

    /** Counts an authorization refused to an admitted caller, under the layer and mechanism it authenticated with. */
    void refusedByPolicy(Authenticated caller) {
        providers.refused(Optional.of(caller.thing()), caller.layer(), caller.mechanism(), RefusalReason.POLICY);
    }

    private RefusalReason unauthenticatedReason(Request request) {
        if (request.getOptions().hasOscore() || dtlsPeer(request) != null) {
            // It carried security, but no known thing's: a key the hub does not hold, or a provider that is absent.
            return request.getOptions().hasOscore() && providers.oscore().isEmpty()
                    || !request.getOptions().hasOscore() && providers.dtls().isEmpty()
                            ? RefusalReason.NOT_OPERATIONAL : RefusalReason.UNKNOWN_KEY;
        }
        return RefusalReason.POLICY;
    }

    private static Principal dtlsPeer(Request request) {
        EndpointContext source = request.getSourceContext();
        return source == null ? null : source.getPeerIdentity();
    }

    /** Who the request's security proves it came from, operational or not. */
    Optional<Authenticated> authenticated(Request request) {
        if (request.getOptions().hasOscore()) {
            Optional<OscoreContexts> oscore = providers.oscore();
            if (!oscoreOn || oscore.isEmpty()) {
                return Optional.empty();
            }
            EndpointContext source = request.getSourceContext();
            String recipient = source == null ? null : source.getString(OSCoreEndpointContextInfo.OSCORE_RECIPIENT_ID);
            return oscore.get().sender(request).map(t -> new Authenticated(t, Layer.APPLICATION, "oscore",
                    Protection.confidentiality().endToEnd(),
                    recipient == null ? "" : recipient.toLowerCase(java.util.Locale.ROOT)));
        }
        Principal peer = dtlsPeer(request);
        Optional<DtlsServers> dtls = providers.dtls();
        if (peer == null || dtls.isEmpty()) {
            return Optional.empty();
        }
        String mechanism = peer instanceof PreSharedKeyIdentity ? "dtls-psk"
                : peer instanceof RawPublicKeyIdentity ? "dtls-rpk" : peer instanceof X509CertPath ? "dtls-x509"
                        : "dtls";
        Bytes session = request.getSourceContext().get(DtlsEndpointContext.KEY_SESSION_ID);
        String sessionId = session == null ? "" : session.getAsString().toLowerCase(java.util.Locale.ROOT);
        return dtls.get().thingOf(peer).map(t -> new Authenticated(t, Layer.TRANSPORT, mechanism,
                Protection.confidentiality(), sessionId));
    }
}
