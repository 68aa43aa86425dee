package org.trusthub.binding.dpws.internal.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.trusthub.api.thing.ThingId;
import org.trusthub.binding.dpws.internal.Tls;
import org.trusthub.security.tls.TlsContexts;

/**
 * Offers security-tls's {@link TlsContexts} (the hub identity, trusting enrolled things' certificates, directly or
 * through tls trust anchors) to the binding as its {@link Tls} seam. Satisfied only while a TlsContexts service is registered.
 */
@Component(service = Tls.class)
public final class TlsBridge implements Tls {

    private final TlsContexts contexts;

    @Activate
    public TlsBridge(@Reference TlsContexts contexts) {
        this.contexts = contexts;
    }

    @Override
    public SSLContext serverContext() {
        return contexts.serverContext();
    }

    @Override
    public SSLParameters serverParameters() {
        return contexts.serverParameters();
    }

    @Override
    public SSLContext clientContext() {
        return contexts.clientContext();
    }

    @Override
    public SSLContext clientContext(ThingId server) {
        return contexts.clientContext(server);
    }

    @Override
    public SSLParameters clientParameters() {
        return contexts.clientParameters();
    }
}
