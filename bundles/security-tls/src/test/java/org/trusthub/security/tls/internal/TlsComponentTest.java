package org.trusthub.security.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.thing.ThingId;
import org.trusthub.keystore.internal.FileThingKeyStore;

/** Real TLS handshakes on loopback between two hubs that enrolled each other's certificate. */
class TlsComponentTest {

    @TempDir
    Path tmp;

    private FileThingKeyStore keysA;
    private FileThingKeyStore keysB;
    private TlsComponent a;
    private TlsComponent b;

    @BeforeEach
    void setUp() {
        keysA = FileThingKeyStore.open(tmp.resolve("a/store"), tmp.resolve("a/master.key"));
        keysB = FileThingKeyStore.open(tmp.resolve("b/store"), tmp.resolve("b/master.key"));
        keysA.enroll(ThingId.of("hub-b"), RootCredential.certificate(keysB.hubIdentity().certificate()));
        keysB.enroll(ThingId.of("hub-a"), RootCredential.certificate(keysA.hubIdentity().certificate()));
        a = new TlsComponent(keysA, config("need"));
        b = new TlsComponent(keysB, config("need"));
    }

    @AfterEach
    void tearDown() {
        keysA.close();
        keysB.close();
    }

    @Test
    void mutuallyAuthenticatedHandshake() throws Exception {
        X509Certificate seenByClient = handshake(a, b.clientContext(), b);
        assertEquals(keysA.hubIdentity().certificate(), seenByClient);
    }

    @Test
    void onlyModernProtocolsAndAeadSuites() {
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, a.serverParameters().getProtocols());
        assertTrue(List.of(a.serverParameters().getCipherSuites()).stream()
                .allMatch(s -> s.contains("GCM") || s.contains("CHACHA20")));
        assertTrue(a.serverParameters().getNeedClientAuth());
    }

    @Test
    void unknownClientIsRefused() throws Exception {
        try (FileThingKeyStore strangerKeys = FileThingKeyStore.open(tmp.resolve("s/store"),
                tmp.resolve("s/master.key"))) {
            strangerKeys.enroll(ThingId.of("hub-a"), RootCredential.certificate(keysA.hubIdentity().certificate()));
            TlsComponent stranger = new TlsComponent(strangerKeys, config("need"));
            assertThrows(IOException.class, () -> handshake(a, stranger.clientContext(), stranger));
        }
    }

    @Test
    void revokedThingIsRefused() throws Exception {
        handshake(a, b.clientContext(), b);
        keysA.revoke(ThingId.of("hub-b"));
        a.forget(ThingId.of("hub-b"));
        assertThrows(IOException.class, () -> handshake(a, b.clientContext(), b));
    }

    @Test
    void forgettingAThingTheKeystoreDoesNotKnowIsSafeAndStillDropsCachedTrust() throws Exception {
        handshake(a, b.clientContext(), b);
        keysA.revoke(ThingId.of("hub-b"));
        // The dispatcher may name a thing no keystore knows (its enrollment cut short, a stray event).
        a.forget(ThingId.of("nobody"));
        assertThrows(IOException.class, () -> handshake(a, b.clientContext(), b));
    }

    @Test
    void aCertificateATlsAnchorIssuedForAnEnrolledKeyIsTrusted() throws Exception {
        KeyPair ca = p256();
        X509Certificate caCert = certificate("home ca", ca, "home ca", ca);
        KeyPair device = p256();
        keysA.enroll(ThingId.of("sensor-7"), RootCredential.certificate(certificate("sensor-7", device, "sensor-7",
                device)));
        X509Certificate deviceCert = certificate("sensor-7", device, "home ca", ca, KeyPurposeId.id_kp_clientAuth);
        KeystoreTrustManager trust = new KeystoreTrustManager(keysA);
        assertThrows(CertificateException.class,
                () -> trust.checkClientTrusted(new X509Certificate[] {deviceCert, caCert}, "EC"));
        keysA.addTrustAnchor("home-ca", caCert, Set.of(TrustPurpose.TLS));
        trust.checkClientTrusted(new X509Certificate[] {deviceCert, caCert}, "EC");
        assertEquals(ThingId.of("sensor-7"), trust.identify(new X509Certificate[] {deviceCert}, true));
        KeyPair other = p256();
        X509Certificate selfMade = certificate("sensor-7", device, "home ca", other, KeyPurposeId.id_kp_clientAuth);
        assertThrows(CertificateException.class,
                () -> trust.checkClientTrusted(new X509Certificate[] {selfMade}, "EC"));
    }

    @Test
    void anAnchoredCertificateWithTheThingsNameButAnotherKeyIsRefused() throws Exception {
        KeyPair ca = p256();
        X509Certificate caCert = certificate("home ca", ca, "home ca", ca);
        keysA.addTrustAnchor("home-ca", caCert, Set.of(TrustPurpose.TLS));
        KeyPair device = p256();
        keysA.enroll(ThingId.of("sensor-7"), RootCredential.certificate(certificate("sensor-7", device, "home ca",
                ca, KeyPurposeId.id_kp_clientAuth)));
        X509Certificate impostor = certificate("sensor-7", p256(), "home ca", ca, KeyPurposeId.id_kp_clientAuth);
        KeystoreTrustManager trust = new KeystoreTrustManager(keysA);
        assertEquals("the peer's certificate is issued by a trust anchor but carries no enrolled thing's key",
                assertThrows(CertificateException.class, () -> trust.checkClientTrusted(
                        new X509Certificate[] {impostor, caCert}, "EC")).getMessage());
    }

    @Test
    void anAnchorForOtherPurposesOrACertificateWithoutClientAuthIsRefused() throws Exception {
        KeyPair ca = p256();
        X509Certificate caCert = certificate("home ca", ca, "home ca", ca);
        keysA.addTrustAnchor("home-ca", caCert, Set.of(TrustPurpose.DTLS, TrustPurpose.WSS, TrustPurpose.FIRMWARE));
        KeyPair device = p256();
        X509Certificate deviceCert = certificate("sensor-7", device, "home ca", ca, KeyPurposeId.id_kp_clientAuth);
        keysA.enroll(ThingId.of("sensor-7"), RootCredential.certificate(certificate("sensor-7", device, "sensor-7",
                device)));
        KeystoreTrustManager trust = new KeystoreTrustManager(keysA);
        assertEquals("the peer's certificate is not a known thing's", assertThrows(CertificateException.class,
                () -> trust.checkClientTrusted(new X509Certificate[] {deviceCert, caCert}, "EC")).getMessage());

        assertTrue(keysA.removeTrustAnchor("home-ca"));
        keysA.addTrustAnchor("home-ca", caCert, Set.of(TrustPurpose.TLS));
        X509Certificate serverOnly = certificate("sensor-7", device, "home ca", ca, KeyPurposeId.id_kp_serverAuth);
        assertEquals("certificate 'CN=sensor-7' lacks extended key usage clientAuth", assertThrows(
                CertificateException.class, () -> trust.checkClientTrusted(new X509Certificate[] {serverOnly, caCert},
                        "EC")).getMessage());
        trust.checkServerTrusted(new X509Certificate[] {serverOnly, caCert}, "EC");
    }

    @Test
    void aClientMeaningOneThingRefusesAServerPresentingAnotherTrustedThingsCertificate() throws Exception {
        KeyPair lamp = p256();
        keysB.enroll(ThingId.of("lamp"), RootCredential.certificate(certificate("lamp", lamp, "lamp", lamp)));
        // hub-a is trusted by b, but it is not the lamp b means to reach
        assertThrows(IOException.class, () -> handshake(a, b.clientContext(ThingId.of("lamp")), b));
        assertThrows(IOException.class, () -> handshake(a, b.clientContext(ThingId.of("nobody")), b));
        assertEquals(keysA.hubIdentity().certificate(), handshake(a, b.clientContext(ThingId.of("hub-a")), b));
        assertEquals(keysA.hubIdentity().certificate(), handshake(a, b.clientContext(), b),
                "the context for any server still takes any enrolled thing");
    }

    /** Runs one handshake and one byte each way; returns the server certificate the client saw. */
    private static X509Certificate handshake(TlsComponent server, SSLContext clientContext, TlsComponent client)
            throws Exception {
        try (SSLServerSocket listener = server.configure((SSLServerSocket) server.serverContext()
                .getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress()))) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(5000);
                    InputStream in = socket.getInputStream();
                    int b = in.read();
                    OutputStream out = socket.getOutputStream();
                    out.write(b + 1);
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            X509Certificate seen;
            try (SSLSocket socket = client.configure((SSLSocket) clientContext.getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort()))) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(41);
                socket.getOutputStream().flush();
                int answer = socket.getInputStream().read();
                if (answer != 42) {
                    throw new IOException("no answer from the server (" + answer + ")");
                }
                seen = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            } finally {
                // Closing first: a TLS 1.3 server's close waits for the client's close_notify.
                served.handle((v, e) -> null).get(10, TimeUnit.SECONDS);
            }
            served.get(1, TimeUnit.SECONDS);
            return seen;
        }
    }

    private static KeyPair p256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /**
     * A self-issued certificate is a CA's (keyCertSign), one issued by another an end certificate (digitalSignature)
     * with these extended key usages.
     */
    private static X509Certificate certificate(String subject, KeyPair key, String issuer, KeyPair issuerKey,
            KeyPurposeId... eku) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer),
                new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=" + subject), key.getPublic());
        boolean ca = subject.equals(issuer);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.digitalSignature : KeyUsage.digitalSignature));
        if (eku.length > 0) {
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    }

    private static TlsComponent.Config config(String clientAuth) {
        return new TlsComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return TlsComponent.Config.class;
            }

            @Override
            public String clientAuth() {
                return clientAuth;
            }
        };
    }
}
