package org.trusthub.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.trusthub.api.keystore.HubIdentity;

/** Off loopback the server speaks HTTPS only, with the hub identity; settings are checked. */
class HttpsTest extends WebTestSupport {

    static WebConfig config(String address, int port, boolean https) {
        return config(address, port, https, "hub.example.net");
    }

    static WebConfig config(String address, int port, boolean https, String hostName) {
        return new WebConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return WebConfig.class;
            }

            @Override
            public String address() {
                return address;
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public boolean https() {
                return https;
            }

            @Override
            public int sessionMinutes() {
                return 30;
            }

            @Override
            public int loginFailuresPerMinute() {
                return 5;
            }

            @Override
            public int loginFailuresPerMinuteTotal() {
                return 30;
            }

            @Override
            public String[] hostNames() {
                return new String[] { hostName };
            }
        };
    }

    @Test
    void anAddressOffLoopbackMeansHttps() {
        assertFalse(Settings.of(config("127.0.0.1", 8088, false)).https());
        assertTrue(Settings.of(config("127.0.0.1", 8088, true)).https());
        assertTrue(Settings.of(config("0.0.0.0", 8088, false)).https());
        assertTrue(Settings.of(config("192.0.2.10", 8088, false)).https());
    }

    @Test
    void aBadSettingIsRefusedNamingIt() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.of(config("hub.example", 8088,
                false))).getMessage().contains("address"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.of(config("127.0.0.1", 70000,
                false))).getMessage().contains("port"));
    }

    @Test
    void httpsServesWithTheHubIdentity() throws Exception {
        HubIdentity identity = keystore.hubIdentity();
        Sessions sessions = new Sessions(Duration.ofMinutes(30), Clock.systemUTC());
        WebServer https = new WebServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                TlsContexts.of(identity), component.routes((u, p) -> Optional.empty(), sessions, 5,
                        Clock.systemUTC()), sessions, new StaticFiles());
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("hub", identity.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext client = SSLContext.getInstance("TLSv1.3");
            client.init(null, tmf.getTrustManagers(), null);
            javax.net.ssl.HttpsURLConnection c = (javax.net.ssl.HttpsURLConnection) URI.create("https://127.0.0.1:"
                    + https.port() + "/api/openapi.json").toURL().openConnection();
            c.setSSLSocketFactory(client.getSocketFactory());
            // The hub's self-signed certificate names the hub, not 127.0.0.1: trust is the pinned certificate.
            c.setHostnameVerifier((host, session) -> true);
            assertEquals(200, c.getResponseCode());
            assertEquals(identity.certificate(), c.getServerCertificates()[0]);
            assertTrue(c.getHeaderField("Strict-Transport-Security") != null);
            c.disconnect();
        } finally {
            https.stop();
        }
    }
}
