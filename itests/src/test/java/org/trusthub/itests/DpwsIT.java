package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        Bundle b = await("the binding bundle", () -> java.util.Arrays.stream(context.getBundles())
                .filter(x -> "org.trusthub.binding.dpws".equals(x.getSymbolicName())
                        && x.getState() == Bundle.ACTIVE).findFirst().orElse(null));
        assertEquals(Bundle.ACTIVE, b.getState());
        await("the dpws ProtocolBinding", () -> context.getServiceReferences(ProtocolBinding.class,
                "(" + ProtocolBinding.PROTOCOL + "=dpws)").stream().findFirst().orElse(null));
        Shell shell = new Shell(sessionFactory);
        // Karaf registers the bundle's commands on its own thread once the bundle is active.
        String off = await("the dpws commands", () -> tryRun(shell, "trusthub:dpws-hosted"));
        assertTrue(off, off.contains("device-host role is off"));
        // The feature's configuration may arrive now and restart the binding, taking its commands away briefly.
        String devices = await("the dpws-devices command", () -> tryRun(shell, "trusthub:dpws-devices"));
        assertTrue(devices, devices.contains("No DPWS devices discovered."));

        ThingId lamp = ThingId.of("lamp-dpws-1");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        registry.enroll(lamp, "alice", RootCredential.secret(secret));
        registry.transition(lamp, Transition.BOOTSTRAP);
        registry.transition(lamp, Transition.ACTIVATE);

        // Where trusthub-wss is installed too, this test speaks plain SOAP: the thing's WS-Security policy says so.
        Configuration wss = FeatureConfigs.applied(configAdmin, "org.trusthub.security.app.wss");
        Dictionary<String, Object> wssProps = new Hashtable<>();
        wssProps.put("thingPolicies", new String[] {lamp.value() + ": plain"});
        wss.update(wssProps);

        int discoveryPort = freeUdpPort();
        Configuration c = FeatureConfigs.applied(configAdmin, "org.trusthub.binding.dpws");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("hostEnabled", Boolean.TRUE);
        props.put("discoveryPort", discoveryPort);
        c.update(props);

        String hosted = await("the thing to be hosted", () -> {
            String out = tryRun(shell, "trusthub:dpws-hosted");
            return out != null && out.contains(lamp.value()) ? out : null;
        });
        assertTrue(hosted, hosted.contains("urn:uuid:"));
        // trusthub-dpws brings trusthub-wss: the bridge offers its provider, and the thing's policy reads plain.
        assertTrue(hosted, !hosted.contains("no WS-Security provider"));

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

        String xxe = "<?xml version='1.0'?><!DOCTYPE e [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><e>&x;</e>";
        String refused = post(xaddr, xxe, 400);
        assertTrue(refused, refused.contains("DTD refused"));

        // Leaving OPERATIONAL withdraws the device (Bye) at once.
        registry.transition(lamp, Transition.MAINTAIN);
        await("the thing to be withdrawn", () -> {
            String out = tryRun(shell, "trusthub:dpws-hosted");
            return out == null || out.contains(lamp.value()) ? null : out;
        });
        c.delete();
        wss.delete();
    }

    // A configuration change restarts the binding; its commands are away for that moment.
    private static String tryRun(Shell shell, String command) {
        try {
            return shell.run(command);
        } catch (AssertionError e) {
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    interface Check<T> {
        T get() throws Exception;
    }

    private static <T> T await(String what, Check<T> check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            T v = check.get();
            if (v != null) {
                return v;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String udpExchange(String message, int port) throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(1000);
            byte[] data = message.getBytes(StandardCharsets.UTF_8);
            for (int attempt = 0; attempt < 5; attempt++) {
                s.send(new DatagramPacket(data, data.length, new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        port)));
                DatagramPacket p = new DatagramPacket(new byte[8192], 8192);
                try {
                    s.receive(p);
                    return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                } catch (SocketTimeoutException e) {
                    // the binding may still be restarting with the new configuration
                }
            }
            throw new AssertionError("no ProbeMatches from 127.0.0.1:" + port);
        }
    }

    private static String post(String url, String body, int expectedStatus) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/soap+xml; charset=utf-8");
        try (OutputStream out = c.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        int status = c.getResponseCode();
        if (status != expectedStatus) {
            InputStream err = status < 400 ? c.getInputStream() : c.getErrorStream();
            String answer = err == null ? "" : new String(err.readAllBytes(), StandardCharsets.UTF_8);
            throw new AssertionError("POST " + url + ": expected " + expectedStatus + " but was " + status + ": "
                    + answer);
        }
        try (InputStream in = expectedStatus < 400 ? c.getInputStream() : c.getErrorStream()) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    private static String between(String text, String start, String end) {
        Matcher m = Pattern.compile(Pattern.quote(start) + "([^<]*)" + Pattern.quote(end)).matcher(text);
        assertTrue(text, m.find());
        return m.group(1).trim();
    }

}
