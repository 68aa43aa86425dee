package org.trusthub.security.transport.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.osgi.annotation.versioning.ProviderType;

/**
 * TLS contexts for HTTPS servers and clients of the hub. The hub authenticates with its identity (EC P-256, from
 * {@code ThingKeyStore.hubIdentity()}); a peer is trusted when its certificate is an active thing's root certificate
 * or chains to a keystore trust anchor. Only TLS 1.3 and 1.2 with ECDHE and AEAD suites are enabled. Registered as an
 * OSGi service; the same component is the {@code SecurityProvider} with {@code trusthub.layer=TRANSPORT} and
 * {@code trusthub.mechanism=}{@value #TLS}.
 */
@ProviderType
public interface TlsContexts {

    /** The mechanism name. */
    String TLS = "tls";

    /** The context for servers; use {@link #configure(SSLServerSocket)} or {@link #serverParameters()} on its sockets. */
    SSLContext serverContext();

    /** The context for clients; use {@link #configure(SSLSocket)} or {@link #clientParameters()}. */
    SSLContext clientContext();

    /** Protocols, suites and client authentication (as configured: required by default) for server sockets. */
    SSLParameters serverParameters();

    /** Protocols and suites for client sockets. */
    SSLParameters clientParameters();

    /** Applies {@link #serverParameters()}. */
    default SSLServerSocket configure(SSLServerSocket socket) {
        socket.setSSLParameters(serverParameters());
        return socket;
    }

    /** Applies {@link #clientParameters()}. */
    default SSLSocket configure(SSLSocket socket) {
        socket.setSSLParameters(clientParameters());
        return socket;
    }

    /** Applies the parameters for the engine's mode. */
    default SSLEngine configure(SSLEngine engine) {
        engine.setSSLParameters(engine.getUseClientMode() ? clientParameters() : serverParameters());
        return engine;
    }
}
