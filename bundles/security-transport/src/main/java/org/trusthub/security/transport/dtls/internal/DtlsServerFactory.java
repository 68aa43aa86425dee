package org.trusthub.security.transport.dtls.internal;

import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.ConnectionIdGenerator;
import org.eclipse.californium.scandium.dtls.SingleNodeConnectionIdGenerator;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.trusthub.api.keystore.HubIdentity;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.log.LogLimiter;
import org.trusthub.security.transport.dtls.DtlsServerOptions;

/**
 * Builds hardened server connectors: HelloVerifyRequest cookies for every handshake (PSK too) so spoofed
 * ClientHellos cost the hub no state, a bounded connection store, the anti-replay window, client authentication
 * required, connection IDs (RFC 9146), and no session IDs, so a thing whose access ended cannot come back by
 * resuming an old session. Scandium's record filter is extended by {@link HandshakeGuard}, which drops an epoch-0
 * handshake record Scandium would fail on with a logged stack trace.
 */
final class DtlsServerFactory {
    private final ThingKeyStore keys;
    private final PeerThings peers;
    private final ThingGate gate;
    private final DecoyPsk decoy = new DecoyPsk();
    private final LogLimiter limiter;
    private final DtlsRefusals refusals;

    DtlsServerFactory(ThingKeyStore keys, PeerThings peers, ThingGate gate, LogLimiter limiter,
            DtlsRefusals refusals) {
        this.refusals = refusals;
        this.keys = keys;
        this.peers = peers;
        this.gate = gate;
        this.limiter = limiter;
    }

    static Configuration configuration(DtlsServerOptions options) {
        Configuration configuration = new Configuration(DtlsConfig.DEFINITIONS);
        configuration.set(DtlsConfig.DTLS_ROLE, DtlsRole.SERVER_ONLY);
        configuration.set(DtlsConfig.DTLS_USE_HELLO_VERIFY_REQUEST, true);
        configuration.set(DtlsConfig.DTLS_USE_HELLO_VERIFY_REQUEST_FOR_PSK, true);
        configuration.set(DtlsConfig.DTLS_USE_ANTI_REPLAY_FILTER, true);
        configuration.set(DtlsConfig.DTLS_SERVER_USE_SESSION_ID, false);
        configuration.set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.NEEDED);
        configuration.set(DtlsConfig.DTLS_MAX_CONNECTIONS, options.maxConnections());
        configuration.set(DtlsConfig.DTLS_STALE_CONNECTION_THRESHOLD, 30L, TimeUnit.MINUTES);
        configuration.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH,
                options.connectionIdLength() == 0 ? null : options.connectionIdLength());
        configuration.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
        configuration.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 2);
        return configuration;
    }

    HandingOverConnector create(DtlsServerOptions options, SessionTracker tracker, HandingOverConnector.Handover handover) {
        Configuration configuration = configuration(options);
        // One generator for the connector and its guard, so both frame connection-id records alike.
        ConnectionIdGenerator connectionIds = options.connectionIdLength() > 0
                ? new SingleNodeConnectionIdGenerator(options.connectionIdLength()) : null;
        DtlsConnectorConfig.Builder builder = DtlsConnectorConfig.builder(configuration)
                .setAddress(options.address()).setConnectionListener(tracker).setLoggingTag("trusthub-dtls")
                .setDatagramFilter(new HandshakeGuard(configuration, connectionIds, limiter, refusals));
        if (connectionIds != null) {
            builder.setConnectionIdGenerator(connectionIds);
        }
        if (options.psk()) {
            builder.setAdvancedPskStore(new KeystorePskStore(keys, peers, gate, decoy, tracker.guesses(), limiter,
                    refusals))
                    .setApplicationLevelInfoSupplier(tracker.uses());
        }
        if (options.rawPublicKey() || options.x509()) {
            HubIdentity hub = keys.hubIdentity();
            // Raw public key first: a client that offers both (GnuTLS does) gets the hub's raw key, which it can
            // pin; a client that offers no certificate types (RFC 7250) gets X.509.
            List<CertificateType> types = new ArrayList<>();
            if (options.rawPublicKey()) {
                types.add(CertificateType.RAW_PUBLIC_KEY);
            }
            if (options.x509()) {
                types.add(CertificateType.X_509);
            }
            builder.setCertificateIdentityProvider(new SingleCertificateProvider(hub.privateKey(),
                    new Certificate[] {hub.certificate()}, types));
            builder.setAdvancedCertificateVerifier(
                    new ThingCertificateVerifier(keys, peers, gate, options.rawPublicKey(), options.x509(),
                            refusals));
        }
        return new HandingOverConnector(builder.build(), handover);
    }
}
