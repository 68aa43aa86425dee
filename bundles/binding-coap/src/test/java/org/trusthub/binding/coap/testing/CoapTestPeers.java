package org.trusthub.binding.coap.testing;

import java.lang.annotation.Annotation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.cose.AlgorithmID;
import org.eclipse.californium.oscore.HashMapCtxDB;
import org.eclipse.californium.oscore.OSCoreCoapStackFactory;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.eclipse.californium.oscore.OSException;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.coap.internal.CoapBindingComponent;
import org.trusthub.security.oscore.OscoreContexts;
import org.trusthub.security.oscore.OscoreIds;
import org.trusthub.security.transport.dtls.DtlsServers;
import org.trusthub.security.transport.dtls.ThingPsk;

/**
 * The binding's tests' set-up of both ends: the binding's configuration on loopback, an operational thing, and its
 * DTLS-PSK client with the key the thing derives from the keystore. Published in this module's test jar for the offload tests.
 */
public final class CoapTestPeers {
    /** How long a test's client waits for an answer; a bound against a hang, not a timing assertion. */
    public static final long TIMEOUT_MILLIS = 3000L;

    private CoapTestPeers() {
    }

    /** Enrolls {@code id} with a random root secret and brings it to OPERATIONAL, the only state that gets a session. */
    public static ThingId operational(ThingRegistry registry, String id) {
        ThingId thing = ThingId.of(id);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        registry.enroll(thing, "tester", RootCredential.secret(secret));
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
        return thing;
    }

    /**
     * A binding on {@code config} with these providers and {@code policy} bound, as Declarative Services would bind
     * them; no model's values yet (bind them with {@link CoapBindingComponent#bindValues}).
     */
    public static CoapBindingComponent binding(ThingRegistry registry, DtlsServers dtls, OscoreContexts oscore,
            CoapBindingComponent.Config config, SecurityPolicy policy) throws java.io.IOException {
        CoapBindingComponent binding = new CoapBindingComponent(registry, config);
        binding.bindPolicy(policy);
        binding.bindDtls(dtls);
        binding.bindOscore(oscore);
        return binding;
    }

    /** Every mechanism on (OSCORE, DTLS with PSK, raw public keys and X.509) and connection ids of six octets. */
    public static CoapBindingComponent.Config config() {
        return config(true, 6);
    }

    /**
     * Loopback on ephemeral ports, OSCORE and DTLS-PSK on, DTLS with raw public keys and X.509 as {@code certificates}
     * says, connection ids of {@code connectionIdLength} octets (0: none), 100 connections, 10 registrations.
     */
    public static CoapBindingComponent.Config config(boolean certificates, int connectionIdLength) {
        return new CoapBindingComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return CoapBindingComponent.Config.class;
            }

            @Override
            public String address() {
                return "127.0.0.1";
            }

            @Override
            public int port() {
                return 0;
            }

            @Override
            public int securePort() {
                return 0;
            }

            @Override
            public boolean oscore() {
                return true;
            }

            @Override
            public boolean dtlsPsk() {
                return true;
            }

            @Override
            public boolean dtlsRawPublicKey() {
                return certificates;
            }

            @Override
            public boolean dtlsX509() {
                return certificates;
            }

            @Override
            public int dtlsConnectionIdLength() {
                return connectionIdLength;
            }

            @Override
            public int dtlsMaxConnections() {
                return 100;
            }

            @Override
            public int maxRegistrations() {
                return 10;
            }

            @Override
            public long readTimeoutMillis() {
                return 3000;
            }
        };
    }

    /**
     * A thing's CoAP endpoint over DTLS with its PSK, on a loopback ephemeral port. It takes part in connection ids
     * without asking for one of its own, and retransmits its handshake soon, so a lost flight costs a test little.
     */
    public static CoapEndpoint pskEndpoint(ThingKeyStore keys, ThingId thing) {
        Configuration c = CoapBindingComponent.configuration();
        c.set(DtlsConfig.DTLS_ROLE, DtlsRole.CLIENT_ONLY);
        c.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0);
        c.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 2);
        c.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, 300, TimeUnit.MILLISECONDS);
        DTLSConnector connector = new DTLSConnector(DtlsConnectorConfig.builder(c)
                .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setAdvancedPskStore(new AdvancedSinglePskStore(ThingPsk.identity(thing), ThingPsk.secret(keys, thing)))
                .build());
        return new CoapEndpoint.Builder().setConnector(connector).setConfiguration(c).build();
    }

    /**
     * A thing's plain CoAP endpoint with its OSCORE context for the hub at {@code hubBase} ({@code coap://host:port}),
     * as {@link org.trusthub.security.oscore.OscoreIds} defines it, on a loopback ephemeral port.
     */
    public static CoapEndpoint oscoreEndpoint(ThingKeyStore keys, ThingId thing, String hubBase) {
        DerivedKey key = OscoreIds.masterSecret(keys, thing);
        byte[] secret = key.bytes();
        key.destroy();
        HashMapCtxDB db = new HashMapCtxDB();
        try {
            db.addContext(hubBase, new OSCoreCtx(secret, true, AlgorithmID.AES_CCM_16_64_128,
                    OscoreIds.thingSenderId(thing), OscoreIds.hubSenderId(), AlgorithmID.HKDF_HMAC_SHA_256, 32, null,
                    null, 4096));
        } catch (OSException e) {
            throw new IllegalStateException(e);
        }
        return new CoapEndpoint.Builder().setConfiguration(CoapBindingComponent.configuration())
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setCoapStackFactory(new OSCoreCoapStackFactory()).setCustomCoapStackArgument(db).build();
    }

    /** A client on {@code endpoint}, which the caller destroys after the client's shutdown. */
    public static CoapClient client(CoapEndpoint endpoint) {
        CoapClient client = new CoapClient();
        client.setEndpoint(endpoint);
        client.setTimeout(TIMEOUT_MILLIS);
        return client;
    }
}
