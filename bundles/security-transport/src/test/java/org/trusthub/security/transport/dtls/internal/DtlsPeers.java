package org.trusthub.security.transport.dtls.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/** Scandium clients as a thing would run them, and a CoAP GET over them. */
final class DtlsPeers {
    private DtlsPeers() {
    }

    static Configuration coapConfiguration() {
        return new Configuration(CoapConfig.DEFINITIONS, DtlsConfig.DEFINITIONS, UdpConfig.DEFINITIONS);
    }

    private static DtlsConnectorConfig.Builder clientBuilder() {
        Configuration c = coapConfiguration();
        c.set(DtlsConfig.DTLS_ROLE, DtlsRole.CLIENT_ONLY);
        // Length 0: the client accepts the server's connection ID (RFC 9146) without asking for one itself.
        c.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0);
        c.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 2);
        // The hub certificate names the hub, not the loopback address the test dials.
        c.set(DtlsConfig.DTLS_VERIFY_SERVER_CERTIFICATES_SUBJECT, false);
        c.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, 300, TimeUnit.MILLISECONDS);
        c.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
        c.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
        return DtlsConnectorConfig.builder(c)
                .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    static DTLSConnector psk(String identity, byte[] psk) {
        return new DTLSConnector(clientBuilder().setAdvancedPskStore(new AdvancedSinglePskStore(identity, psk)).build());
    }

    static DTLSConnector rpk(KeyPair pair, X509Certificate hub) {
        return new DTLSConnector(clientBuilder()
                .setCertificateIdentityProvider(new SingleCertificateProvider(pair.getPrivate(), pair.getPublic()))
                .setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
                        .setTrustedRPKs(new RawPublicKeyIdentity(hub.getPublicKey())).build())
                .build());
    }

    static DTLSConnector x509(KeyPair pair, X509Certificate[] chain, X509Certificate hub) {
        return new DTLSConnector(clientBuilder()
                .setCertificateIdentityProvider(
                        new SingleCertificateProvider(pair.getPrivate(), (Certificate[]) chain, CertificateType.X_509))
                .setAdvancedCertificateVerifier(
                        StaticNewAdvancedCertificateVerifier.builder().setTrustedCertificates(hub).build())
                .build());
    }

    static CoapClient client(DTLSConnector connector, InetSocketAddress server, String path) {
        CoapClient client = new CoapClient("coaps://" + server.getHostString() + ":" + server.getPort() + "/" + path);
        client.setEndpoint(
                new CoapEndpoint.Builder().setConnector(connector).setConfiguration(coapConfiguration()).build());
        client.setTimeout(3000L);
        return client;
    }

    /** The response payload, or null when the exchange failed (handshake refused, timeout). */
    static String get(CoapClient client) {
        try {
            CoapResponse r = client.get();
            return r == null ? null : r.getResponseText();
        } catch (Exception e) {
            return null;
        }
    }
}
