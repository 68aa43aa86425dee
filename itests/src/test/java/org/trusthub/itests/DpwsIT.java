package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.trusthub.itests.DpwsWire.between;
import static org.trusthub.itests.DpwsWire.post;
import static org.trusthub.itests.DpwsWire.tryRun;
import static org.trusthub.itests.DpwsWire.udpExchange;

import java.security.SecureRandom;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.UUID;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.testkit.Await;
import org.trusthub.testkit.FreePorts;

/**
 * The DPWS feature in the real distribution: it installs and resolves, the binding is inert on the network by
 * default, and once configured to host things an OPERATIONAL thing answers a WS-Discovery Probe and a
 * WS-Transfer Get on the wire (loopback, directed probe: the container has no multicast interface to rely on).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DpwsIT {

    static final String SOAP = "http://www.w3.org/2003/05/soap-envelope";
    static final String WSA = "http://www.w3.org/2005/08/addressing";
    static final String WSD = "http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01";
    static final String DPWS = "http://docs.oasis-open.org/ws-dd/ns/dpws/2009/01";

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
    ConfigurationAdmin configAdmin;

    @Inject
    @Filter(timeout = 60_000)
    SessionFactory sessionFactory;

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        return HubOptions.hub();
    }

    @Test
    public void hostedThingAnswersProbeAndMetadataGet() throws Exception {
        features.installFeature("trusthub-dpws", EnumSet.noneOf(FeaturesService.Option.class));
        Bundle b = Await.nonNull("the binding bundle", () -> java.util.Arrays.stream(context.getBundles())
                .filter(x -> "org.trusthub.binding.dpws".equals(x.getSymbolicName())
                        && x.getState() == Bundle.ACTIVE).findFirst().orElse(null));
        assertEquals(Bundle.ACTIVE, b.getState());
        Await.nonNull("the dpws ProtocolBinding", () -> context.getServiceReferences(ProtocolBinding.class,
                "(" + ProtocolBinding.PROTOCOL + "=dpws)").stream().findFirst().orElse(null));
        Shell shell = new Shell(sessionFactory);
        // Karaf registers the bundle's commands on its own thread once the bundle is active.
        String off = Await.nonNull("the dpws commands", () -> tryRun(shell, "trusthub:dpws-hosted"));
        assertTrue(off, off.contains("device-host role is off"));
        // The feature's configuration may arrive now and restart the binding, taking its commands away briefly.
        String devices = Await.nonNull("the dpws-devices command", () -> tryRun(shell, "trusthub:dpws-devices"));
        assertTrue(devices, devices.contains("No DPWS devices discovered."));

        ThingId lamp = ThingId.of("lamp-dpws-1");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        registry.enroll(lamp, "alice", RootCredential.secret(secret));
        registry.transition(lamp, Transition.BOOTSTRAP);
        registry.transition(lamp, Transition.ACTIVATE);

        // Where trusthub-wss is installed too, this test speaks plain SOAP: the security policy requires nothing of
        // the thing, and lets unsigned requests read its metadata (not its state).
        Configuration policy = FeatureConfigs.applied(configAdmin, "org.trusthub.security.policy");
        Dictionary<String, Object> policyProps = new Hashtable<>();
        policyProps.put("rules", "protect " + lamp.value() + " dpws both none; read - " + lamp.value()
                + " dpws-metadata");
        policy.update(policyProps);

        int discoveryPort = FreePorts.udp();
        Configuration c = FeatureConfigs.applied(configAdmin, "org.trusthub.binding.dpws");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("hostEnabled", Boolean.TRUE);
        props.put("discoveryPort", discoveryPort);
        c.update(props);

        String hosted = Await.nonNull("the thing to be hosted", () -> {
            String out = tryRun(shell, "trusthub:dpws-hosted");
            return out != null && out.contains(lamp.value()) ? out : null;
        });
        assertTrue(hosted, hosted.contains("urn:uuid:"));
        // What the policy requires of it, and the endpoint's full URL with its port.
        assertTrue(hosted, hosted.contains("none") && hosted.contains("http://127.0.0.1:"));
        // trusthub-dpws brings trusthub-wss: the bridge offers its provider, and nothing is refused.
        assertTrue(hosted, !hosted.contains("refused"));

        String probe = "<s:Envelope xmlns:s='" + SOAP + "' xmlns:a='" + WSA + "' xmlns:d='" + WSD + "' xmlns:p='"
                + DPWS + "'><s:Header><a:Action>" + WSD + "/Probe</a:Action><a:MessageID>urn:uuid:"
                + UUID.randomUUID() + "</a:MessageID><a:To>urn:docs-oasis-open-org:ws-dd:ns:discovery:2009:01</a:To>"
                + "</s:Header><s:Body><d:Probe><d:Types>p:Device</d:Types></d:Probe></s:Body></s:Envelope>";
        String matches = udpExchange(probe, discoveryPort);
        assertTrue(matches, matches.contains(WSD + "/ProbeMatches"));
        String xaddr = between(matches, "XAddrs>", "<");
        String address = between(matches, "Address>", "<");
        assertTrue(xaddr, xaddr.startsWith("http://127.0.0.1:"));

        String get = "<s:Envelope xmlns:s='" + SOAP + "' xmlns:a='" + WSA + "'><s:Header><a:Action>"
                + "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action><a:MessageID>urn:uuid:"
                + UUID.randomUUID() + "</a:MessageID><a:To>" + address + "</a:To></s:Header><s:Body/></s:Envelope>";
        String metadata = post(xaddr, get, 200);
        assertTrue(metadata, metadata.contains("FriendlyName>" + lamp.value() + "<"));
        // A DPWS 2006 client's WS-Transfer Get on the service endpoint: the WSDL, the portType an event source, and the
        // Relationship naming the device.
        String serviceGet = "<s:Envelope xmlns:s='" + SOAP + "' xmlns:a='" + WSA + "'><s:Header><a:Action>"
                + "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action><a:MessageID>urn:uuid:"
                + UUID.randomUUID() + "</a:MessageID><a:To>" + xaddr + "/thing</a:To></s:Header><s:Body/></s:Envelope>";
        String serviceMetadata = post(xaddr + "/thing", serviceGet, 200);
        assertTrue(serviceMetadata, serviceMetadata.contains("EventSource=\"true\"")
                && serviceMetadata.contains("soap12:operation") && serviceMetadata.contains(address));
        // dpws-invoke names what it cannot find, and sends nothing.
        String invoke;
        try {
            invoke = shell.run("trusthub:dpws-invoke dpws:00000000-0000-0000-0000-000000000000 thing GetStatus");
        } catch (AssertionError e) {
            invoke = e.getMessage();
        }
        assertTrue(invoke, invoke.contains("Error: no discovered device dpws:00000000-0000-0000-0000-000000000000"));
        String status = "<s:Envelope xmlns:s='" + SOAP + "' xmlns:a='" + WSA + "'><s:Header><a:Action>"
                + "http://trusthub.org/ns/dpws/2026/thing/ThingPortType/GetStatus</a:Action><a:MessageID>urn:uuid:"
                + UUID.randomUUID() + "</a:MessageID><a:To>" + address + "</a:To></s:Header><s:Body/></s:Envelope>";
        String denied = post(xaddr + "/thing", status, 400);
        assertTrue(denied, denied.contains("an unauthenticated caller may not read dpws-state"));

        floodedEndpointStillServes(xaddr, get);

        String xxe = "<?xml version='1.0'?><!DOCTYPE e [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><e>&x;</e>";
        String refused = post(xaddr, xxe, 400);
        assertTrue(refused, refused.contains("DTD refused"));

        // Leaving OPERATIONAL withdraws the device (Bye) at once.
        registry.transition(lamp, Transition.MAINTAIN);
        Await.nonNull("the thing to be withdrawn", () -> {
            String out = tryRun(shell, "trusthub:dpws-hosted");
            return out == null || out.contains(lamp.value()) ? null : out;
        });
        c.delete();
        policy.delete();
    }

    static long openDescriptors() throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(
                java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** A connection to the endpoint from a loopback source address; null when it was refused. */
    static java.net.Socket connectFrom(String source, java.net.URL endpoint) {
        java.net.Socket s = new java.net.Socket();
        try {
            s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(source), 0));
            s.connect(new java.net.InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 2000);
            return s;
        } catch (java.io.IOException e) {
            try {
                s.close();
            } catch (java.io.IOException ignored) {
                // refused either way
            }
            return null;
        }
    }

    /**
     * 500 idle connections, 50 slowloris clients and a flood of 1000 connections, each from its own loopback
     * address, against the hub's SOAP endpoint: the hub's descriptors stay within the endpoint's connection limit
     * (this test runs inside the hub's JVM, so /proc/self/fd is the hub's), and a client from 127.0.0.1 is served.
     */
    void floodedEndpointStillServes(String xaddr, String get) throws Exception {
        java.net.URL endpoint = new java.net.URL(xaddr);
        long before = openDescriptors();
        java.util.List<java.net.Socket> held = new java.util.ArrayList<>();
        try {
            String[][] attack = {{"127.0.0.3", "500", ""}, {"127.0.0.4", "50", "POST / HTTP/1.1\r\nX-Slow: "},
                {"127.0.0.2", "1000", ""}};
            for (String[] a : attack) {
                for (int i = 0; i < Integer.parseInt(a[1]); i++) {
                    java.net.Socket s = connectFrom(a[0], endpoint);
                    if (s == null) {
                        continue;
                    }
                    held.add(s);
                    if (!a[2].isEmpty()) {
                        try {
                            s.getOutputStream().write(a[2].getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        } catch (java.io.IOException e) {
                            // reset by the hub: over the limit
                        }
                    }
                }
            }
            long hubSide = openDescriptors() - before - held.size();
            assertTrue("the hub holds " + hubSide + " descriptors for " + held.size() + " connections",
                    hubSide <= 64 + 32);
            String metadata = post(xaddr, get.replaceFirst("MessageID>urn:uuid:[^<]*<", "MessageID>urn:uuid:"
                    + UUID.randomUUID() + "<"), 200);
            assertTrue(metadata, metadata.contains("FriendlyName>"));
        } finally {
            for (java.net.Socket s : held) {
                s.close();
            }
        }
        assertTrue(registry.list().size() > 0);
    }
}
