package org.trusthub.binding.dpws.internal;

import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.trusthub.api.keystore.Layer;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.SoapSecurity;
import org.trusthub.binding.dpws.spi.SoapSecurityException;

/**
 * Puts every SOAP envelope through the message-security service, with the protection the {@link SecurityPolicy}
 * requires for protocol {@value #PROTOCOL}, asks the policy who may read and write what, and counts what the binding
 * refuses in {@link SecurityRefusals}. The three are looked up on every call, so a provider or a policy that is
 * replaced applies to the next message without restarting anything.
 *
 * <p>Fail closed: while no policy is registered nothing is sent, answered or acted on; while no WS-Security provider
 * is registered every exchange with a thing of which the policy requires any protection is refused
 * ({@link Unavailable}, counted as {@link RefusalReason#NOT_OPERATIONAL}), and only exchanges the policy requires
 * nothing of go plain. A message that carries a wsse:Security header is then still readable (SOAP lets a receiver
 * ignore headers it was not told to understand), but it is taken as unprotected, never as signed.
 */
public final class MessageSecurity {

    /** The protocol name the policy is asked about. */
    public static final String PROTOCOL = "dpws";
    /** The mechanism the binding's own refusals are counted under. */
    public static final String MECHANISM = "dpws";

    static final String UNAVAILABLE = "message security is unavailable: no WS-Security provider or no security "
            + "policy is registered";

    /** An exchange refused because the provider or the policy it needs is not registered now: try again later. */
    public static final class Unavailable extends SoapSecurityException {
        private static final long serialVersionUID = 1L;

        Unavailable() {
            super(SoapSecurityException.INVALID_SECURITY, UNAVAILABLE);
        }
    }

    private final Supplier<SoapSecurity> service;
    private final Supplier<SecurityPolicy> policy;
    private final Supplier<SecurityRefusals> refusals;

    public MessageSecurity(Supplier<SoapSecurity> service, Supplier<SecurityPolicy> policy,
            Supplier<SecurityRefusals> refusals) {
        this.service = service;
        this.policy = policy;
        this.refusals = refusals;
    }

    /** Whether no policy is registered: every exchange and every discovery message is refused now. */
    public boolean policyMissing() {
        return policy.get() == null;
    }

    /** Whether messages about this thing (null: about none) cannot be protected as required now. */
    public boolean missing(ThingId thing) {
        SecurityPolicy p = policy.get();
        if (p == null) {
            return true;
        }
        return service.get() == null && thing != null && p.outbound(thing, PROTOCOL).level() != Protection.Level.NONE;
    }

    /** Whether both the provider and the policy are registered. */
    public boolean available() {
        return service.get() != null && policy.get() != null;
    }

    /** The thing's requirement both ways, as the shell prints it, or why there is none. */
    public String describe(ThingId thing) {
        SecurityPolicy p = policy.get();
        if (p == null) {
            return "refused: no security policy is registered";
        }
        Protection in = p.inbound(thing, PROTOCOL);
        Protection out = p.outbound(thing, PROTOCOL);
        SoapSecurity s = service.get();
        if (s == null) {
            boolean none = in.level() == Protection.Level.NONE && out.level() == Protection.Level.NONE;
            return none ? "none" : "refused: the policy requires " + in + " in, " + out
                    + " out, and no WS-Security provider is registered";
        }
        Protection effectiveIn = s.effective(thing, in);
        Protection effectiveOut = s.effective(thing, out);
        return effectiveIn.equals(effectiveOut) ? effectiveIn.toString()
                : "in " + effectiveIn + ", out " + effectiveOut;
    }

    /** Whether the thing's unsigned discovery messages are forgeries: its inbound requirement is more than none. */
    public boolean requiresSignature(ThingId thing) {
        SecurityPolicy p = policy.get();
        if (p == null) {
            return true;
        }
        Protection required = p.inbound(thing, PROTOCOL);
        SoapSecurity s = service.get();
        return (s == null ? required : s.effective(thing, required)).level() != Protection.Level.NONE;
    }

    /** Secures an outgoing envelope to {@code thing} as the policy requires; returns what was applied. */
    public Protection outgoing(SoapMessage m, ThingId thing) throws SoapSecurityException {
        SecurityPolicy p = need(policy.get(), thing);
        Protection required = p.outbound(thing, PROTOCOL);
        SoapSecurity s = service.get();
        if (s == null) {
            need(required, thing);
            return Protection.NONE;
        }
        Xml.declareNamespaces(m.doc);
        return s.secure(m.doc, thing, required);
    }

    /**
     * Verifies an envelope from {@code thing}; the provider refuses one weaker than the policy requires.
     *
     * @return who sent it and how well protected; empty when it names no thing (a plain message)
     */
    public Optional<Authenticated> incoming(SoapMessage m, ThingId thing) throws SoapSecurityException {
        SecurityPolicy p = need(policy.get(), thing);
        Protection required = p.inbound(thing, PROTOCOL);
        SoapSecurity s = service.get();
        if (s == null) {
            need(required, thing);
            return Optional.empty();
        }
        return s.verify(m.doc, thing, required);
    }

    /**
     * Verifies a request to a hosted thing (device-host role) from any trusted signer. It must meet both what the
     * policy requires of requests to the hosted thing and what it requires of the caller's own messages
     * ({@link SecurityPolicy#inbound} of the caller); one below the caller's requirement is refused and counted as
     * {@link RefusalReason#POLICY}.
     *
     * @return the caller; empty for a request that names no thing
     */
    public Optional<Authenticated> incomingRequest(SoapMessage m, ThingId hosted) throws SoapSecurityException {
        SecurityPolicy p = need(policy.get(), hosted);
        Protection required = p.inbound(hosted, PROTOCOL);
        SoapSecurity s = service.get();
        if (s == null) {
            need(required, hosted);
            return Optional.empty();
        }
        Optional<Authenticated> caller = s.verifyRequest(m.doc, hosted, required);
        if (caller.isPresent()) {
            Authenticated a = caller.get();
            Protection own = p.inbound(a.thing(), PROTOCOL);
            // The provider already held the request to the hosted thing's requirement, by its own reading of what a
            // message can carry (a signed request with an empty Body has nothing to encrypt); a caller requirement
            // no stronger than that one is met the same way.
            if (!required.satisfies(own) && !a.protection().satisfies(own)) {
                refused(Optional.of(a.thing()), RefusalReason.POLICY);
                throw new SoapSecurityException(SoapSecurityException.INVALID_SECURITY, "the request carries "
                        + a.protection() + "; the security policy requires " + own + " of what " + a.thing()
                        + " sends");
            }
        }
        return caller;
    }

    /**
     * Whether what {@code caller} (empty: a request that named no thing) was granted under an earlier policy, reading
     * a property of a hosted thing (a live event subscription), still holds under the policy in force: the request
     * it made would still be protected enough (the hosted thing's and the caller's own inbound requirement) and the
     * read still granted. A refusal is counted as {@link RefusalReason#POLICY}. True while no policy is registered:
     * nothing is sent then, and what was granted waits for the next policy to decide.
     */
    public boolean stillGranted(Optional<Authenticated> caller, ThingId hosted, String property) {
        SecurityPolicy p = policy.get();
        if (p == null) {
            return true;
        }
        Optional<ThingId> thing = caller.map(Authenticated::thing);
        Protection carried = caller.map(Authenticated::protection).orElse(Protection.NONE);
        boolean granted = carried.satisfies(p.inbound(hosted, PROTOCOL))
                && thing.map(t -> carried.satisfies(p.inbound(t, PROTOCOL))).orElse(true)
                && thing.map(t -> t.equals(hosted) || p.mayRead(t, hosted, property))
                        .orElseGet(() -> p.mayReadUnauthenticated(hosted, property));
        if (!granted) {
            refused(thing, RefusalReason.POLICY);
        }
        return granted;
    }

    /**
     * Signs a discovery message about a hosted thing ({@code about}; null for none) when a provider is registered.
     * Without one it goes unsigned only when the policy requires nothing of what the hub sends that thing.
     */
    public void signDiscovery(SoapMessage m, ThingId about) throws SoapSecurityException {
        SecurityPolicy p = need(policy.get(), about);
        SoapSecurity s = service.get();
        if (s == null) {
            if (about != null) {
                need(p.outbound(about, PROTOCOL), about);
            }
            return;
        }
        Xml.declareNamespaces(m.doc);
        s.signDiscovery(m.doc);
    }

    /** The signer of a discovery message; empty when it is unsigned or no provider can tell. */
    public Optional<String> verifyDiscovery(SoapMessage m) throws SoapSecurityException {
        need(policy.get(), null);
        SoapSecurity s = service.get();
        return s == null ? Optional.empty() : s.verifyDiscovery(m.doc);
    }

    /**
     * Whether an authenticated caller may read a property of a thing: always its own (the {@link SecurityPolicy}
     * contract), otherwise as the policy grants; nothing while no policy is registered. A refusal is counted.
     */
    public boolean mayRead(ThingId caller, ThingId target, String property) {
        if (caller.equals(target)) {
            return true;
        }
        return decide(Optional.of(caller), p -> p.mayRead(caller, target, property));
    }

    /**
     * Whether a request that names no thing may read a property of a thing: only where the policy grants it
     * explicitly ({@link SecurityPolicy#mayReadUnauthenticated}); nothing while no policy is registered. A refusal is
     * counted (for no thing).
     */
    public boolean mayReadUnauthenticated(ThingId target, String property) {
        return decide(Optional.empty(), p -> p.mayReadUnauthenticated(target, property));
    }

    /** {@link #mayRead} for an authenticated caller, {@link #mayReadUnauthenticated} for one that names no thing. */
    public boolean mayRead(Optional<ThingId> caller, ThingId target, String property) {
        return caller.isPresent() ? mayRead(caller.get(), target, property)
                : mayReadUnauthenticated(target, property);
    }

    /**
     * Whether a caller may write a property of a thing or invoke an operation on it. Every write is the policy's
     * decision, a thing's writes to itself included (the policy grants those with a rule naming the thing as both
     * caller and target). A caller that is not authenticated never may, whatever the rules say: a rule names things,
     * and an unsigned request is nobody's. A refusal is counted as {@link RefusalReason#POLICY}.
     */
    public boolean mayWrite(Optional<ThingId> caller, ThingId target, String property) {
        if (caller.isEmpty()) {
            refused(caller, RefusalReason.POLICY);
            return false;
        }
        return decide(caller, p -> p.mayWrite(caller.get(), target, property));
    }

    private boolean decide(Optional<ThingId> caller, java.util.function.Predicate<SecurityPolicy> rule) {
        SecurityPolicy p = policy.get();
        if (p == null) {
            refused(caller, RefusalReason.NOT_OPERATIONAL);
            return false;
        }
        if (!rule.test(p)) {
            refused(caller, RefusalReason.POLICY);
            return false;
        }
        return true;
    }

    /** Counts one refusal of the binding's own (the provider counts those it makes). */
    public void refused(Optional<ThingId> thing, RefusalReason reason) {
        SecurityRefusals r = refusals.get();
        if (r != null) {
            r.refused(thing, Layer.APPLICATION, MECHANISM, reason);
        }
    }

    /** Namespaces of headers this receiver processes, for the mustUnderstand check. */
    public Set<String> understoodHeaders() {
        return service.get() != null ? Set.of(DpwsVersion.WSSE, DpwsVersion.WSE) : Set.of(DpwsVersion.WSE);
    }

    private SecurityPolicy need(SecurityPolicy p, ThingId thing) throws Unavailable {
        if (p == null) {
            throw unavailable(thing);
        }
        return p;
    }

    private void need(Protection required, ThingId thing) throws Unavailable {
        if (required.level() != Protection.Level.NONE) {
            throw unavailable(thing);
        }
    }

    private Unavailable unavailable(ThingId thing) {
        refused(Optional.ofNullable(thing), RefusalReason.NOT_OPERATIONAL);
        return new Unavailable();
    }
}
