package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.net.ssl.SSLContext;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.security.wss.WsSecurity;
import org.trusthub.security.wss.WssResult;
import org.trusthub.security.tls.TlsContexts;
import org.w3c.dom.Document;

/**
 * trusthub-wss installs into the running hub without Apache CXF and without OpenSAML, and WSS4J works there: an
 * invoke is signed (ECDSA-SHA256), encrypted (AES-GCM, ECDH-ES) and verified by the real component on the hub's
 * keystore, the peer being a thing enrolled with the hub's own certificate.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WssIT {

    private static final String INVOKE = "<s12:Envelope xmlns:s12=\"http://www.w3.org/2003/05/soap-envelope\""
            + " xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><s12:Header>"
            + "<wsa:Action>http://example.org/lamp/SwitchPower/SetTarget</wsa:Action>"
            + "<wsa:MessageID>urn:uuid:6a1b8c3e-2f53-4d7e-9a3c-1b2c3d4e5f60</wsa:MessageID></s12:Header>"
            + "<s12:Body><l:SetTarget xmlns:l=\"http://example.org/lamp\"><l:Level>75</l:Level></l:SetTarget>"
            + "</s12:Body></s12:Envelope>";

    @Inject
    BundleContext context;

    @Inject
    @Filter(timeout = 60_000)
    FeaturesService features;

    @Inject
    @Filter(timeout = 60_000)
    ThingRegistry registry;

    @Inject
    @Filter(timeout = 60_000)
    ThingKeyStore keystore;

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        return HubOptions.hub();
    }

    @Test
    public void wsSecurityRunsInTheHubWithoutCxfOrOpenSaml() throws Exception {
        features.installFeature("trusthub-wss", EnumSet.noneOf(FeaturesService.Option.class));

        for (Bundle bundle : context.getBundles()) {
            String name = String.valueOf(bundle.getSymbolicName()).toLowerCase();
            assertFalse("no OpenSAML: " + name, name.contains("opensaml"));
            assertFalse("no CXF: " + name, name.contains("cxf"));
        }
        for (String name : new String[] {"org.apache.wss4j.wss4j-ws-security-common",
            "org.apache.wss4j.wss4j-ws-security-dom", "org.apache.santuario.xmlsec", "org.trusthub.security.wss",
            "org.trusthub.security.tls"}) {
            Optional<Bundle> bundle = Arrays.stream(context.getBundles())
                    .filter(b -> name.equals(b.getSymbolicName())).findFirst();
            assertTrue(name + " installed", bundle.isPresent());
            assertEquals(name + " active", Bundle.ACTIVE, bundle.get().getState());
        }
        // The WS-Security types exist only now: the probe loads them through a class used after the install.
        RoundTrip.run(this);
    }

    /** Kept apart so that the probe resolves the feature's packages only once the feature is installed. */
    static final class RoundTrip {
        static void run(WssIT test) throws Exception {
            WsSecurity wss = test.service(WsSecurity.class);
            TlsContexts tls = test.service(TlsContexts.class);

            ThingId self = ThingId.of("itest-peer");
            test.registry.enroll(self, "itest", RootCredential.certificate(test.keystore.hubIdentity().certificate()));
            test.registry.transition(self, Transition.BOOTSTRAP);
            test.registry.transition(self, Transition.ACTIVATE);

            Document out = parse(INVOKE.getBytes(StandardCharsets.UTF_8));
            // What the security policy requires of the thing: signed and encrypted.
            org.trusthub.api.security.Protection sealed = org.trusthub.api.security.Protection.confidentiality()
                    .endToEnd();
            WssResult sent = wss.secure(out, self, sealed);
            assertEquals("signed+encrypted", sent.label());
            byte[] wire = write(out);
            assertFalse(new String(wire, StandardCharsets.UTF_8).contains("<l:Level>"));

            Document in = parse(wire);
            WssResult received = wss.verify(in, self, sealed);
            assertEquals(Optional.of(self), received.signer());
            assertTrue(received.encrypted());
            assertTrue(new String(write(in), StandardCharsets.UTF_8).contains("<l:Level>75</l:Level>"));

            SSLContext server = tls.serverContext();
            assertNotNull(server.getServerSocketFactory());
            assertTrue(tls.serverParameters().getNeedClientAuth());
        }
    }

    private <T> T service(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        T service = tracker.waitForService(TimeUnit.SECONDS.toMillis(60));
        assertNotNull(type.getSimpleName() + " registered", service);
        return service;
    }

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    private static byte[] write(Document doc) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        javax.xml.transform.Transformer transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty("omit-xml-declaration", "yes");
        transformer.transform(new DOMSource(doc), new StreamResult(out));
        return out.toByteArray();
    }
}
