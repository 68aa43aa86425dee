package org.trusthub.binding.dpws.internal;

import java.util.Optional;
import java.util.function.Supplier;

import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.SoapProtection;
import org.trusthub.binding.dpws.spi.SoapSecurity;
import org.trusthub.binding.dpws.spi.SoapSecurityException;
import org.trusthub.binding.dpws.spi.VerifiedRequest;

/**
 * Puts every SOAP envelope through the message-security service when one is registered.
 *
 * <p>When message security is {@linkplain #required() required} (the installation has WS-Security; the binding's
 * {@code requireMessageSecurity}, true by default) and no provider is registered, as during a restart of
 * trusthub-wss or the keystore, every operation fails closed: nothing is sent or answered unprotected, and nothing
 * received is taken as it is. Only when it is not required does the binding run plain without a provider: a
 * message that carries a wsse:Security header is then still readable (SOAP lets a receiver ignore headers it was
 * not told to understand), but it is labelled unprotected, never as signed.
 */
public final class MessageSecurity {

    static final String UNAVAILABLE = "WS-Security is required and no WS-Security provider is registered";

    private final Supplier<SoapSecurity> service;
    private final boolean required;

    /** Security as an option: without a provider, messages go and come plain. */
    public MessageSecurity(Supplier<SoapSecurity> service) {
        this(service, false);
    }

    /** {@code required}: without a provider, refuse and drop rather than go plain. */
    public MessageSecurity(Supplier<SoapSecurity> service, boolean required) {
        this.service = service;
        this.required = required;
    }

    public boolean required() {
        return required;
    }

    /** Whether security is required and its provider is missing: every exchange is refused now. */
    public boolean missing() {
        return required && service.get() == null;
    }

    private SoapSecurityException unavailable() {
        return new SoapSecurityException(SoapSecurityException.INVALID_SECURITY, UNAVAILABLE);
    }

    public static MessageSecurity none() {
        return new MessageSecurity(() -> null);
    }

    public boolean available() {
        return service.get() != null;
    }

    public SoapProtection policy(ThingId thing) {
        SoapSecurity s = service.get();
        return s == null || thing == null ? SoapProtection.NONE : s.policy(thing);
    }

    /** The thing's whole policy as the shell prints it, or why there is none. */
    public String describe(ThingId thing) {
        SoapSecurity s = service.get();
        if (s == null) {
            return required ? "refused: WS-Security is required and its provider is not registered"
                    : "none (no WS-Security provider)";
        }
        return s instanceof PolicyWords w ? w.policyWords(thing) : s.policy(thing).label();
    }

    /** Secures an outgoing envelope as the thing's policy asks; fails when a policy exists and no provider does. */
    public SoapProtection outgoing(SoapMessage m, ThingId thing) throws SoapSecurityException {
        SoapSecurity s = service.get();
        if (s == null && required) {
            throw unavailable();
        }
        if (s == null || thing == null) {
            return SoapProtection.NONE;
        }
        // Always through the provider: a policy may ask for more than SoapProtection shows (a UsernameToken).
        Xml.declareNamespaces(m.doc);
        return s.secure(m.doc, thing);
    }

    /** Verifies an incoming envelope; the provider also refuses messages weaker than the thing's policy. */
    public SoapProtection incoming(SoapMessage m, ThingId thing) throws SoapSecurityException {
        SoapSecurity s = service.get();
        if (s == null && required) {
            throw unavailable();
        }
        if (s == null || thing == null) {
            return SoapProtection.NONE;
        }
        return s.verify(m.doc, thing);
    }

    /** Verifies a request to a hosted thing (device-host role): the hosted thing's policy, any trusted signer. */
    public VerifiedRequest incomingRequest(SoapMessage m, ThingId hosted) throws SoapSecurityException {
        SoapSecurity s = service.get();
        if (s == null && required) {
            throw unavailable();
        }
        if (s == null || hosted == null) {
            return VerifiedRequest.PLAIN;
        }
        return s.verifyRequest(m.doc, hosted);
    }

    public void signDiscovery(SoapMessage m) throws SoapSecurityException {
        SoapSecurity s = service.get();
        if (s == null && required) {
            throw unavailable();
        }
        if (s != null) {
            Xml.declareNamespaces(m.doc);
            s.signDiscovery(m.doc);
        }
    }

    public Optional<String> verifyDiscovery(SoapMessage m) throws SoapSecurityException {
        SoapSecurity s = service.get();
        if (s == null && required) {
            throw unavailable();
        }
        return s == null ? Optional.empty() : s.verifyDiscovery(m.doc);
    }

    /** Namespaces of headers this receiver processes, for the mustUnderstand check. */
    public java.util.Set<String> understoodHeaders() {
        return available() ? java.util.Set.of(DpwsVersion.WSSE, DpwsVersion.WSE)
                : java.util.Set.of(DpwsVersion.WSE);
    }
}
