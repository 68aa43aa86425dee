package org.trusthub.binding.dpws.internal.wss;

import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.internal.PolicyWords;
import org.trusthub.binding.dpws.spi.SoapProtection;
import org.trusthub.binding.dpws.spi.SoapSecurity;
import org.trusthub.binding.dpws.spi.SoapSecurityException;
import org.trusthub.binding.dpws.spi.VerifiedRequest;
import org.trusthub.security.wss.DiscoverySigner;
import org.trusthub.security.wss.WsSecurity;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WssPolicy;
import org.trusthub.security.wss.WssResult;
import org.w3c.dom.Document;

/**
 * Offers the WS-Security provider of security-wss to the binding as its {@link SoapSecurity} seam. The dependency
 * runs binding to security: security-wss knows nothing of DPWS. Satisfied only while a {@link WsSecurity} service
 * is registered, so the binding runs plain without trusthub-wss.
 */
@Component(service = SoapSecurity.class)
public final class WsSecurityBridge implements SoapSecurity, PolicyWords {

    private final WsSecurity wss;

    @Activate
    public WsSecurityBridge(@Reference WsSecurity wss) {
        this.wss = wss;
    }

    @Override
    public SoapProtection policy(ThingId thing) {
        WssPolicy p = wss.policy(thing);
        return new SoapProtection(p.sign(), p.encrypt());
    }

    /** As thingPolicies writes it: "sign encrypt username ttl=300", or "plain". */
    @Override
    public String policyWords(ThingId thing) {
        WssPolicy p = wss.policy(thing);
        if (p.isPlain()) {
            return "plain";
        }
        StringBuilder b = new StringBuilder();
        if (p.sign()) {
            b.append("sign ");
        }
        if (p.encrypt()) {
            b.append("encrypt ");
        }
        if (p.usernameToken()) {
            b.append("username ");
        }
        return b.append("ttl=").append(p.timestampTtl().toSeconds()).toString();
    }

    @Override
    public SoapProtection secure(Document envelope, ThingId peer) throws SoapSecurityException {
        try {
            return protection(wss.secure(envelope, peer));
        } catch (WsSecurityException e) {
            throw translate(e);
        }
    }

    @Override
    public SoapProtection verify(Document envelope, ThingId peer) throws SoapSecurityException {
        try {
            return protection(wss.verify(envelope, peer));
        } catch (WsSecurityException e) {
            throw translate(e);
        }
    }

    @Override
    public VerifiedRequest verifyRequest(Document envelope, ThingId hosted) throws SoapSecurityException {
        try {
            WssResult r = wss.verifyRequest(envelope, hosted);
            return new VerifiedRequest(protection(r), r.signer());
        } catch (WsSecurityException e) {
            throw translate(e);
        }
    }

    @Override
    public void signDiscovery(Document envelope) throws SoapSecurityException {
        try {
            wss.signDiscovery(envelope);
        } catch (WsSecurityException e) {
            throw translate(e);
        }
    }

    @Override
    public Optional<String> verifyDiscovery(Document envelope) throws SoapSecurityException {
        try {
            return wss.verifyDiscovery(envelope).map(WsSecurityBridge::name);
        } catch (WsSecurityException e) {
            throw translate(e);
        }
    }

    private static String name(DiscoverySigner s) {
        if (s.isHub()) {
            return HUB_SIGNER;
        }
        return s.thing().map(ThingId::value).orElse(s.certificate().getSubjectX500Principal().getName());
    }

    private static SoapProtection protection(WssResult r) {
        return new SoapProtection(r.signed(), r.encrypted());
    }

    // The provider's messages name the fault without key material; they pass through as they are.
    private static SoapSecurityException translate(WsSecurityException e) {
        return new SoapSecurityException(e.faultCode(), e.getMessage(), e);
    }
}
