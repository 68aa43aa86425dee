package org.trusthub.security.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.osgi.annotation.versioning.ProviderType;
import org.trusthub.api.thing.ThingId;

/**
 * TLS contexts for HTTPS servers and clients of the hub. The hub authenticates with its identity (EC P-256, from
 * {@code ThingKeyStore.hubIdentity()}); a peer is trusted when its certificate identifies an active thing: it is the
 * thing's enrolled root certificate, or it chains to a keystore trust anchor added for {@code tls}, has the extended
 * key usage of its side (clientAuth, serverAuth) and carries the thing's enrolled key. A client that knows which thing
 * it means to reach uses {@link #clientContext(ThingId)}, which trusts that thing's certificate only. Only TLS 1.3 and 1.2 with ECDHE and AEAD suites are enabled. Registered as an
 * OSGi service; the same component is the {@code SecurityProvider} with {@code trusthub.layer=TRANSPORT} and
 * {@code trusthub.mechanism=}{@value #TLS}.
 */
@ProviderType
public interface TlsContexts {

    /** The mechanism name. */
    String TLS = "tls";

    /** The context for servers; use {@link #configure(SSLServerSocket)} or {@link #serverParameters()} on its sockets. */
    SSLContext serverContext();

    /**
     * The context for clients that accept any thing as server; use {@link #configure(SSLSocket)} or
     * {@link #clientParameters()}. Prefer {@link #clientContext(ThingId)} whenever the server's thing is known.
     */
    SSLContext clientContext();

    /**
     * The context for clients that mean to reach this thing: the server must present its enrolled root certificate,
     * or a certificate a {@code tls} trust anchor issued for its enrolled key (with serverAuth). Another trusted
     * thing's certificate fails the handshake.
     *
     * @since 1.1
     */
    SSLContext clientContext(ThingId server);

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
