package org.trusthub.binding.dpws.internal.wss;

import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.trusthub.api.security.Authenticated;
import org.trusthub.api.security.Protection;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.spi.SoapSecurity;
import org.trusthub.binding.dpws.spi.SoapSecurityException;
import org.trusthub.security.wss.DiscoverySigner;
import org.trusthub.security.wss.WsSecurity;
import org.trusthub.security.wss.WsSecurityException;
import org.trusthub.security.wss.WssResult;
import org.w3c.dom.Document;

/**
 * Offers the WS-Security provider of security-wss to the binding as its {@link SoapSecurity} seam. The dependency
 * runs binding to security: security-wss knows nothing of DPWS. A stateless adapter, registered only while a
 * {@link WsSecurity} service is: when the provider goes, so does this service, and the binding (which holds it by an
 * optional dynamic greedy reference) refuses secured traffic until a provider is back; the binding itself, its HTTP
 * server and its discovery keep running.
 */
@Component(service = SoapSecurity.class)
public final class WsSecurityBridge implements SoapSecurity {

    private final WsSecurity wss;

    @Activate
    public WsSecurityBridge(@Reference WsSecurity wss) {
        this.wss = wss;
    }

    @Override
    public Protection effective(ThingId thing, Protection required) {
        return wss.effective(thing, required);
    }

    @Override
    public Protection secure(Document envelope, ThingId peer, Protection required) throws SoapSecurityException {
        try {
            WssResult r = wss.secure(envelope, peer, required);
            return !r.signed() ? Protection.NONE
                    : r.encrypted() ? Protection.confidentiality().endToEnd() : Protection.integrity().endToEnd();
        } catch (WsSecurityException e) {
            throw translate(e);
        }
    }

    @Override
    public Optional<Authenticated> verify(Document envelope, ThingId peer, Protection required)
            throws SoapSecurityException {
        try {
            return wss.verify(envelope, peer, required).authenticated();
        } catch (WsSecurityException e) {
            throw translate(e);
        }
    }

    @Override
    public Optional<Authenticated> verifyRequest(Document envelope, ThingId hosted, Protection required)
            throws SoapSecurityException {
        try {
            return wss.verifyRequest(envelope, hosted, required).authenticated();
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

    // The provider's messages name the fault without key material; they pass through as they are.
    private static SoapSecurityException translate(WsSecurityException e) {
        return new SoapSecurityException(e.faultCode(), e.getMessage(), e);
    }
}
