package org.trusthub.security.tls.internal;

import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.SecurityProvider;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.UnknownThingException;
import org.trusthub.security.tls.TlsContexts;

/**
 * TLS contexts from the hub identity, trusting what the keystore trusts. Configuration PID {@value #PID}. When the
 * lifecycle dispatcher has it {@link #forget} a thing (keys revoked or rotated, the thing no longer operational), the
 * cached trust decisions and the thing's sessions go, so a revoked thing cannot resume a session.
 */
@Component(service = {TlsContexts.class, SecurityProvider.class}, configurationPid = TlsComponent.PID,
        property = {SecurityProvider.LAYER + "=TRANSPORT", SecurityProvider.MECHANISM + "=" + TlsContexts.TLS})
@Designate(ocd = TlsComponent.Config.class)
public final class TlsComponent implements TlsContexts, SecurityProvider {

    /** Configuration PID. */
    public static final String PID = "org.trusthub.security.tls";

    private static final int MAX_CLIENT_CONTEXTS = 1024;

    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    static final List<String> SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");

    @ObjectClassDefinition(name = "trusthub TLS", description = "TLS contexts of the hub's HTTPS endpoints: the hub "
            + "identity as certificate, things' root certificates and trust anchors as trust.")
    public @interface Config {
        @AttributeDefinition(name = "Client authentication", description = "Whether HTTPS servers require a client "
                + "certificate.", options = {@Option(label = "required", value = "need"),
                    @Option(label = "requested", value = "want"), @Option(label = "none", value = "none")})
        String clientAuth() default "need";
    }

    private final ThingKeyStore keystore;
    private final KeystoreTrustManager trust;
    private final SSLContext server;
    private final SSLContext client;
    // Client contexts for one server thing each; dropped with every keystore event, and their sessions with them.
    private final Map<ThingId, SSLContext> clientsFor = new ConcurrentHashMap<>();
    private volatile String clientAuth = "need";

    @Activate
    public TlsComponent(@Reference ThingKeyStore keystore, Config config) {
        this.keystore = keystore;
        this.trust = new KeystoreTrustManager(keystore);
        this.server = context(trust);
        this.client = context(trust);
        modified(config);
    }

    @Modified
    void modified(Config config) {
        String mode = config.clientAuth().trim().toLowerCase(Locale.ROOT);
        if (!List.of("need", "want", "none").contains(mode)) {
            throw new IllegalArgumentException("clientAuth must be need, want or none, not '" + config.clientAuth()
                    + "'");
        }
        clientAuth = mode;
    }

    private SSLContext context(KeystoreTrustManager trustManager) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new javax.net.ssl.KeyManager[] {new HubKeyManager(keystore::hubIdentity)},
                    new javax.net.ssl.TrustManager[] {trustManager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available: " + e.getMessage(), e);
        }
    }

    @Override
    public SSLContext serverContext() {
        return server;
    }

    @Override
    public SSLContext clientContext() {
        return client;
    }

    @Override
    public SSLContext clientContext(ThingId thing) {
        java.util.Objects.requireNonNull(thing, "thing");
        if (clientsFor.size() >= MAX_CLIENT_CONTEXTS) {
            clientsFor.clear();
        }
        return clientsFor.computeIfAbsent(thing, t -> context(trust.forServer(t)));
    }

    @Override
    public SSLParameters serverParameters() {
        SSLParameters parameters = parameters(server);
        parameters.setNeedClientAuth("need".equals(clientAuth));
        if ("want".equals(clientAuth)) {
            parameters.setWantClientAuth(true);
        }
        return parameters;
    }

    @Override
    public SSLParameters clientParameters() {
        return parameters(client);
    }

    private static SSLParameters parameters(SSLContext context) {
        SSLParameters parameters = new SSLParameters();
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getCipherSuites());
        parameters.setProtocols(PROTOCOLS.toArray(new String[0]));
        parameters.setCipherSuites(SUITES.stream().filter(supported::contains).toArray(String[]::new));
        parameters.setUseCipherSuitesOrder(true);
        return parameters;
    }

    @Override
    public Layer layer() {
        return Layer.TRANSPORT;
    }

    @Override
    public String mechanism() {
        return TLS;
    }

    /** Safe for any thing: one the keystore does not know has no sessions here, but the cached trust still goes. */
    @Override
    public void forget(ThingId thing) {
        trust.invalidate();
        clientsFor.clear();
        Optional<X509Certificate> root;
        try {
            root = keystore.rootCertificate(thing);
        } catch (UnknownThingException e) {
            return;
        }
        root.ifPresent(certificate -> {
            invalidate(server.getServerSessionContext(), certificate);
            invalidate(client.getClientSessionContext(), certificate);
        });
    }

    private static void invalidate(SSLSessionContext sessions, X509Certificate certificate) {
        for (Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements();) {
            SSLSession session = sessions.getSession(ids.nextElement());
            if (session == null) {
                continue;
            }
            try {
                Certificate[] peer = session.getPeerCertificates();
                if (peer.length > 0 && peer[0].equals(certificate)) {
                    session.invalidate();
                }
            } catch (SSLPeerUnverifiedException e) {
                // An unauthenticated session belongs to no thing.
            }
        }
    }
}
