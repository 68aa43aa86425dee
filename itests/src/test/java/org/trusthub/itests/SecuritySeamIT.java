package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFileExtend;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.model.PropertyWriteException;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.security.SecurityPolicy;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork;
import org.trusthub.itests.CoapIT.Result;
import org.trusthub.testkit.Await;
import org.trusthub.testkit.FreePorts;

/**
 * The "one hub" seam in the real distribution: a CoAP thing (DTLS PSK, libcoap's coap-client), a hosted DPWS
 * thing, a SIMULATED ZigBee device and a SIMULATED BLE peripheral, all OPERATIONAL in one hub, side by side in
 * {@code trusthub:security-status}; then, on each protocol, a read that works until a {@code trusthub:policy-*}
 * change refuses it, each refusal counted as POLICY in {@code trusthub:refusals}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class SecuritySeamIT {

    private static final String PLAIN_PORT = CoapIT.freeUdpPort();
    private static final String SECURE_PORT = CoapIT.freeUdpPort();

    static final ThingId COAP = ThingId.of("seam-coap");
    static final ThingId DPWS = ThingId.of("seam-dpws");
    static final ThingId DPWS_CALLER = ThingId.of("seam-dpws-caller");
    static final long ZIGBEE_IEEE = 0x00124B0000005E01L;
    static final ThingId ZIGBEE = ThingId.of("zigbee:00124b0000005e01");
    static final String ZIGBEE_CODE = "11223344556677884AF7";
    /** What the shipped policy says (trusthub-core's etc/org.trusthub.security.policy.cfg). */
    static final String SHIPPED = "protect * dpws both confidentiality/end-to-end; read * * dpws-metadata dpws-state";

    /** The four things, set up once for the class: every test starts from them. */
    private static Hub hub;

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
    ThingKeyStore keyStore;

    @Inject
    @Filter(timeout = 60_000)
    ConfigurationAdmin configAdmin;

    @Inject
    @Filter(timeout = 60_000)
    SessionFactory sessionFactory;

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        String ble = "etc/org.trusthub.binding.bluetooth.simulated.cfg";
        return HubOptions.hub(
                // Booted with ZigBee, as ZigbeeIT: the probe uses the simulated network's SPI.
                editConfigurationFileExtend("etc/org.apache.karaf.features.cfg", "featuresBoot", "trusthub-zigbee"),
                editConfigurationFilePut("etc/org.trusthub.binding.coap.cfg", "port", PLAIN_PORT),
                editConfigurationFilePut("etc/org.trusthub.binding.coap.cfg", "securePort", SECURE_PORT),
                editConfigurationFilePut("etc/org.trusthub.binding.coap.cfg", "dtlsX509", "false"),
                editConfigurationFilePut(ble, "peripherals", "1"),
                editConfigurationFilePut(ble, "legacyPeripherals", "0"),
                CoreOptions.systemProperty("trusthub.itest.coapsPort").value(SECURE_PORT),
                CoreOptions.systemProperty("trusthub.itest.coapPort").value(PLAIN_PORT));
    }

    /** What the tests hold on to of the hub they set up. */
    record Hub(Shell shell, ThingModelRegistry model, SimulatedZigbeeNetwork zigbee, ThingId ble, String[] pskArgs,
            String dpwsUrl, String dpwsAddress) {
    }

    private Hub hub() throws Exception {
        if (hub == null) {
            hub = setUp();
        }
        return hub;
    }

    private Hub setUp() throws Exception {
        Shell shell = new Shell(sessionFactory);
        for (String feature : List.of("trusthub-coap", "trusthub-dpws", "trusthub-bluetooth", "trusthub-model")) {
            features.installFeature(feature, EnumSet.noneOf(FeaturesService.Option.class));
        }
        for (String protocol : List.of("coap", "dpws", "zigbee", "bluetooth")) {
            service(ProtocolBinding.class, "(" + ProtocolBinding.PROTOCOL + "=" + protocol + ")");
        }
        for (String service : List.of("org.trusthub.security.transport.dtls.DtlsServers",
                "org.trusthub.security.oscore.OscoreContexts", "org.trusthub.api.security.SecurityPolicy",
                "org.trusthub.api.model.RawValues")) {
            Await.until(service + " to come up", Duration.ofSeconds(60),
                    () -> context.getServiceReferences(service, null), refs -> refs != null);
        }
        FeatureConfigs.applied(configAdmin, "org.trusthub.security.policy");
        assertEquals(SecurityPolicyBoots.SHIPPED, shell.awaitOutput("trusthub:policy-list", "dpws-state")
                .replace("\r", ""));

        // CoAP: a thing with a DTLS PSK registers in the resource directory and writes a value of its own.
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        operational(COAP, RootCredential.secret(secret));
        String[] pskArgs = {"-u", COAP.value(), "-k", CoapIT.psk(keyStore, COAP)};
        Result registered = CoapIT.run(coapRequest("post", "/rd?ep=" + COAP.value() + "&lt=3600",
                "</things/seam-coap/state>;rt=\"state\"", pskArgs, "-t", "40"));
        assertTrue(registered.output(), registered.exit() == 0 && !registered.output().contains("4.0"));
        Result put = CoapIT.run(coapRequest("put", "/things/seam-coap/state", "state-on-7", pskArgs));
        assertEquals(put.output(), 0, put.exit());

        // DPWS: a thing hosted as a device (the shipped policy: signed and encrypted both ways).
        new SecureRandom().nextBytes(secret);
        operational(DPWS, RootCredential.secret(secret));
        Configuration dpws = FeatureConfigs.applied(configAdmin, "org.trusthub.binding.dpws");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("hostEnabled", Boolean.TRUE);
        props.put("discoveryPort", FreePorts.udp());
        props.put("hostedThings", new String[] {DPWS.value()});
        dpws.update(props);
        String hosted = Await.nonNull("the DPWS thing to be hosted", () -> {
            String out = DpwsWire.tryRun(shell, "trusthub:dpws-hosted");
            return out != null && out.contains(DPWS.value()) ? out : null;
        });
        Matcher url = Pattern.compile("http://127\\.0\\.0\\.1:\\d+/\\S*").matcher(hosted);
        Matcher address = Pattern.compile("urn:uuid:[0-9a-fA-F-]+").matcher(hosted);
        assertTrue(hosted, url.find() && address.find());

        // ZigBee: a SIMULATED device commissioned with its install code joins.
        SimulatedZigbeeNetwork zigbee = service(SimulatedZigbeeNetwork.class, null);
        String permit = shell.run(String.format("zigbee:permit-join --ieee %016x --install-code %s 120", ZIGBEE_IEEE,
                ZIGBEE_CODE));
        assertTrue(permit, permit.contains("commissioned " + ZIGBEE.value()));
        zigbee.addDevice(ZIGBEE_IEEE, ZIGBEE_CODE);
        assertTrue(zigbee.join(ZIGBEE_IEEE));

        // BLE: a SIMULATED peripheral pairs with LE Secure Connections.
        Await.until("trusthub:ble-bonds to answer", Duration.ofSeconds(60), () -> shell.run("trusthub:ble-bonds"),
                out -> out.contains("bond(s)"), AssertionError.class::isInstance);
        String scan = BluetoothBoots.Boot.run(shell, "trusthub:ble-scan");
        String pair = BluetoothBoots.Boot.run(shell, "trusthub:ble-pair "
                + BluetoothBoots.Boot.address(scan, "sim-thermo-1") + " alice");
        Matcher paired = Pattern.compile("Paired and commissioned (\\S+)").matcher(pair);
        assertTrue(pair, paired.find());

        ThingModelRegistry model = service(ThingModelRegistry.class, null);
        return new Hub(shell, model, zigbee, ThingId.of(paired.group(1)), pskArgs, url.group(), address.group());
    }

    @Test
    public void a_fourProtocolsSideBySideInTheSecurityStatus() throws Exception {
        Hub h = hub();
        String status = h.shell().run("trusthub:security-status");
        Map<String, List<String[]>> things = statusRows(status);
        assertProtocol(status, things, COAP, "coap", "TRANSPORT", "dtls");
        assertProtocol(status, things, DPWS, "dpws", null, null);
        assertProtocol(status, things, ZIGBEE, "zigbee (SIMULATED)", null, "zigbee");
        assertProtocol(status, things, h.ble(), "bluetooth (SIMULATED)", "LINK", "ble");
        // The policy's inbound requirement per protocol: the shipped DPWS rule, nothing else.
        assertEquals(status, "dpws confidentiality/end-to-end", things.get(DPWS.value()).get(0)[3]);
        assertTrue(status, things.get(COAP.value()).get(0)[3].startsWith("coap "));
        assertTrue(status, things.get(ZIGBEE.value()).get(0)[3].startsWith("zigbee "));
        assertTrue(status, things.get(h.ble().value()).get(0)[3].startsWith("bluetooth "));
    }

    /** Asserts the thing's rows: OPERATIONAL, served by exactly this protocol, one row per layer, the mechanism. */
    private static void assertProtocol(String status, Map<String, List<String[]>> things, ThingId thing,
            String protocol, String layer, String mechanism) {
        List<String[]> rows = things.get(thing.value());
        assertTrue("no rows for " + thing + " in\n" + status, rows != null);
        assertEquals(status, "OPERATIONAL", rows.get(0)[1]);
        assertEquals(status, protocol, rows.get(0)[2]);
        assertEquals(status, List.of("LINK", "NETWORK", "TRANSPORT", "APPLICATION"),
                rows.stream().map(r -> r[4]).toList());
        if (mechanism != null) {
            assertTrue(thing + " has a " + mechanism + " mechanism" + (layer == null ? "" : " at " + layer) + ":\n"
                    + status, rows.stream().anyMatch(r -> (layer == null || layer.equals(r[4]))
                            && r[5].contains(mechanism)));
        }
    }

    @Test
    public void b_coapReadRefusedOnceThePolicyRequiresEndToEnd() throws Exception {
        Hub h = hub();
        Result before = CoapIT.run(coapRequest("get", "/things/seam-coap/state", null, h.pskArgs()));
        assertTrue(before.output(), before.output().contains("state-on-7"));
        String rule = "protect " + COAP.value() + " coap in confidentiality/end-to-end";
        policy(h.shell(), "trusthub:policy-add " + rule, requires(COAP, "coap", "confidentiality/end-to-end"));
        try {
            Result after = CoapIT.run(coapRequest("get", "/things/seam-coap/state", null, h.pskArgs()));
            assertTrue(after.output(), after.output().contains("4.01") && !after.output().contains("state-on-7"));
            assertPolicyRefusal(h.shell(), COAP, "dtls-psk");
        } finally {
            policy(h.shell(), "trusthub:policy-remove --force " + rule, requires(COAP, "coap", "none"));
        }
    }

    @Test
    public void c_zigbeeModelReadRefusedOnceThePolicyRequiresEndToEnd() throws Exception {
        Hub h = hub();
        Await.until("the ZigBee device in the thing model", Await.DEFAULT_TIMEOUT,
                () -> h.model().model(ZIGBEE).isPresent());
        // Its frames came NWK-secured; reading all its values is allowed.
        Await.until("the ZigBee device to have been heard", Await.DEFAULT_TIMEOUT, () -> {
            h.model().refresh(ZIGBEE);
            return true;
        }, ok -> ok, PropertyWriteException.class::isInstance);
        String rule = "protect " + ZIGBEE.value() + " zigbee in confidentiality/end-to-end";
        policy(h.shell(), "trusthub:policy-add " + rule, requires(ZIGBEE, "zigbee", "confidentiality/end-to-end"));
        try {
            PropertyWriteException refused = Await.until("the model read refused", Await.DEFAULT_TIMEOUT, () -> {
                try {
                    h.model().refresh(ZIGBEE);
                    return null;
                } catch (PropertyWriteException e) {
                    return e;
                }
            }, e -> e != null);
            assertTrue(refused.getMessage(), refused.getMessage().contains("confidentiality/end-to-end"));
            // What it sends now (NWK-secured only) is refused and counted.
            assertFalse(h.zigbee().reportTemperature(ZIGBEE_IEEE, 23.5));
            assertPolicyRefusal(h.shell(), ZIGBEE, "zigbee");
        } finally {
            policy(h.shell(), "trusthub:policy-remove --force " + rule, requires(ZIGBEE, "zigbee", "none"));
        }
    }

    @Test
    public void d_bluetoothModelReadRefusedOnceThePolicyRequiresEndToEnd() throws Exception {
        Hub h = hub();
        String read = BluetoothBoots.Boot.run(h.shell(), "trusthub:ble-read " + h.ble().value());
        assertTrue(read, read.contains("temperature 21.5 C"));
        Await.until("the BLE thing in the thing model", Await.DEFAULT_TIMEOUT,
                () -> h.model().model(h.ble()).isPresent());
        String rule = "protect " + h.ble().value() + " bluetooth in confidentiality/end-to-end";
        policy(h.shell(), "trusthub:policy-add " + rule, requires(h.ble(), "bluetooth", "confidentiality/end-to-end"));
        try {
            // The model's read goes to the bridge, which refuses what the encrypted link gives.
            h.model().refresh(h.ble());
            assertPolicyRefusal(h.shell(), h.ble(), "bluetooth");
            String refused = BluetoothBoots.Boot.refused(h.shell(), "trusthub:ble-read " + h.ble().value());
            assertTrue(refused, refused.startsWith("Error: refused (POLICY)"));
        } finally {
            policy(h.shell(), "trusthub:policy-remove --force " + rule, requires(h.ble(), "bluetooth", "none"));
        }
    }

    @Test
    public void e_dpwsMetadataGetRefusedOnceThePolicyNoLongerGrantsIt() throws Exception {
        Hub h = hub();
        DpwsCaller.metadataGetRefusedAfterPolicySet(this, h);
    }

    /** Kept apart so that the probe resolves the WS-Security packages only once trusthub-dpws brought them. */
    static final class DpwsCaller {
        static void metadataGetRefusedAfterPolicySet(SecuritySeamIT test, Hub h) throws Exception {
            org.trusthub.security.wss.WsSecurity wss = test.service(org.trusthub.security.wss.WsSecurity.class, null);
            // The caller holds the hub's own certificate, so this test can sign as it (and read what is encrypted
            // to it), as WssIT does.
            test.operational(DPWS_CALLER, RootCredential.certificate(test.keyStore.hubIdentity().certificate()));
            org.trusthub.api.security.Protection sealed = org.trusthub.api.security.Protection.confidentiality()
                    .endToEnd();
            DpwsWire.post(h.dpwsUrl(), signedGet(wss, h, sealed), 200);
            try {
                test.policy(h.shell(), "trusthub:policy-set \"protect * dpws both confidentiality/end-to-end\"",
                        p -> !p.mayRead(DPWS_CALLER, DPWS, "dpws-metadata"));
                DpwsWire.post(h.dpwsUrl(), signedGet(wss, h, sealed), 400);
                assertPolicyRefusal(h.shell(), DPWS_CALLER, "dpws");
            } finally {
                test.policy(h.shell(), "trusthub:policy-set \"" + SHIPPED + "\"",
                        p -> p.mayRead(DPWS_CALLER, DPWS, "dpws-metadata"));
            }
        }

        private static String signedGet(org.trusthub.security.wss.WsSecurity wss, Hub h,
                org.trusthub.api.security.Protection sealed) throws Exception {
            String get = "<s:Envelope xmlns:s='" + DpwsIT.SOAP + "' xmlns:a='" + DpwsIT.WSA + "'><s:Header><a:Action>"
                    + "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action><a:MessageID>urn:uuid:"
                    + java.util.UUID.randomUUID() + "</a:MessageID><a:To>" + h.dpwsAddress()
                    + "</a:To></s:Header><s:Body/></s:Envelope>";
            javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            org.w3c.dom.Document doc = f.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(
                    get.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            wss.secure(doc, DPWS_CALLER, sealed);
            java.io.StringWriter out = new java.io.StringWriter();
            javax.xml.transform.Transformer t = javax.xml.transform.TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty("omit-xml-declaration", "yes");
            t.transform(new javax.xml.transform.dom.DOMSource(doc), new javax.xml.transform.stream.StreamResult(out));
            return out.toString();
        }
    }

    @Test
    public void f_oscoreProviderUpdatedWhileTheDtlsThingKeepsItsSession() throws Exception {
        Hub h = hub();
        CoapPeers.oscoreUpdatedUnderAnOpenDtlsSession(this, h);
    }

    /** Californium peers in the probe, kept apart so that its packages resolve only once trusthub-coap is there. */
    static final class CoapPeers {
        static final ThingId OSCORE = ThingId.of("seam-coap-oscore");

        static void oscoreUpdatedUnderAnOpenDtlsSession(SecuritySeamIT test, Hub h) throws Exception {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            test.operational(OSCORE, RootCredential.secret(secret));
            org.eclipse.californium.elements.config.Configuration config =
                    new org.eclipse.californium.elements.config.Configuration(
                            org.eclipse.californium.core.config.CoapConfig.DEFINITIONS,
                            org.eclipse.californium.elements.config.UdpConfig.DEFINITIONS,
                            org.eclipse.californium.scandium.config.DtlsConfig.DEFINITIONS);
            config.set(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_ROLE,
                    org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole.CLIENT_ONLY);
            java.net.InetSocketAddress any = new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(),
                    0);

            // The DTLS thing: one client connection, kept open across the update.
            org.eclipse.californium.scandium.DTLSConnector dtls = new org.eclipse.californium.scandium.DTLSConnector(
                    org.eclipse.californium.scandium.config.DtlsConnectorConfig.builder(config).setAddress(any)
                            .setAdvancedPskStore(new org.eclipse.californium.scandium.dtls.pskstore
                                    .AdvancedSinglePskStore(COAP.value(), CoapIT.psk(test.keyStore, COAP)
                                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                            .build());
            org.eclipse.californium.core.network.CoapEndpoint dtlsEndpoint =
                    new org.eclipse.californium.core.network.CoapEndpoint.Builder().setConnector(dtls)
                            .setConfiguration(config).build();
            // The OSCORE thing: the documented context (no salt, no ID context, the hub's sender ID empty).
            org.trusthub.api.keystore.DerivedKey key = test.keyStore.deriveKey(OSCORE,
                    org.trusthub.api.keystore.Layer.APPLICATION, "oscore", 16);
            byte[] kid = Arrays.copyOf(java.security.MessageDigest.getInstance("SHA-256").digest(
                    ("trusthub/oscore-kid/" + OSCORE.value()).getBytes(java.nio.charset.StandardCharsets.UTF_8)), 7);
            org.eclipse.californium.oscore.HashMapCtxDB db = new org.eclipse.californium.oscore.HashMapCtxDB();
            String plain = "coap://127.0.0.1:" + System.getProperty("trusthub.itest.coapPort");
            db.addContext(plain, new org.eclipse.californium.oscore.OSCoreCtx(key.bytes(), true,
                    org.eclipse.californium.cose.AlgorithmID.AES_CCM_16_64_128, kid,
                    org.eclipse.californium.elements.util.Bytes.EMPTY,
                    org.eclipse.californium.cose.AlgorithmID.HKDF_HMAC_SHA_256, 32, null, null, 4096));
            key.destroy();
            org.eclipse.californium.core.network.CoapEndpoint oscoreEndpoint =
                    new org.eclipse.californium.core.network.CoapEndpoint.Builder().setConfiguration(config)
                            .setInetSocketAddress(any)
                            .setCoapStackFactory(new org.eclipse.californium.oscore.OSCoreCoapStackFactory())
                            .setCustomCoapStackArgument(db).build();
            org.eclipse.californium.core.CoapClient dtlsClient = new org.eclipse.californium.core.CoapClient(
                    CoapIT.uri("/things/seam-coap/state"));
            dtlsClient.setEndpoint(dtlsEndpoint);
            dtlsClient.setTimeout(10_000L);
            org.eclipse.californium.core.CoapClient oscoreClient = new org.eclipse.californium.core.CoapClient(
                    plain + "/things/" + OSCORE.value() + "/state");
            oscoreClient.setEndpoint(oscoreEndpoint);
            oscoreClient.setTimeout(10_000L);
            try {
                assertEquals("state-on-7", dtlsGet(dtlsClient));
                org.eclipse.californium.core.coap.Request put = org.eclipse.californium.core.coap.Request.newPut();
                put.getOptions().setOscore(org.eclipse.californium.elements.util.Bytes.EMPTY);
                put.setPayload("oscore-on-3");
                org.eclipse.californium.core.CoapResponse written = oscoreClient.advanced(put);
                assertTrue(String.valueOf(written), written != null && written.isSuccess());
                assertEquals("oscore-on-3", oscoreGet(oscoreClient));

                String session = test.hubSessions(COAP, "dtls");
                java.net.InetSocketAddress hubAddress = new java.net.InetSocketAddress(
                        java.net.InetAddress.getLoopbackAddress(), Integer.getInteger("trusthub.itest.coapsPort"));
                Object clientSession = dtls.getSessionByAddress(hubAddress).getSessionIdentifier();

                org.osgi.framework.Bundle provider = Arrays.stream(test.context.getBundles())
                        .filter(b -> "org.trusthub.security.oscore".equals(b.getSymbolicName())).findFirst()
                        .orElseThrow();
                long modified = provider.getLastModified();
                // Plain bundle:update (no -r: no refresh), as the operator's console runs it: Karaf's command ACL
                // hides bundle:update from a session whose subject lacks the operator's roles.
                javax.security.auth.Subject operator = new javax.security.auth.Subject();
                operator.getPrincipals().add(new org.apache.karaf.jaas.boot.principal.UserPrincipal(
                        System.getProperty("karaf.local.user", "karaf")));
                for (String role : System.getProperty("karaf.local.roles", "admin,manager,viewer,systembundles")
                        .split(",")) {
                    operator.getPrincipals().add(new org.apache.karaf.jaas.boot.principal.RolePrincipal(role.strip()));
                }
                javax.security.auth.Subject.doAs(operator, (java.security.PrivilegedExceptionAction<String>)
                        () -> h.shell().run("bundle:update " + provider.getBundleId()));
                Await.until("the OSCORE provider updated and active again", Duration.ofSeconds(60),
                        () -> provider.getLastModified() != modified
                                && provider.getState() == org.osgi.framework.Bundle.ACTIVE);

                // The DTLS thing's session went on: same session at the hub and at the client, no new handshake.
                assertEquals("state-on-7", dtlsGet(dtlsClient));
                assertEquals(session, test.hubSessions(COAP, "dtls"));
                assertEquals(clientSession, dtls.getSessionByAddress(hubAddress).getSessionIdentifier());
                // OSCORE is served again, by the updated provider, under the thing's context.
                String again = Await.until("OSCORE served again after the update", Duration.ofSeconds(60),
                        () -> oscoreGet(oscoreClient), "oscore-on-3"::equals);
                assertEquals("oscore-on-3", again);
            } finally {
                dtlsClient.shutdown();
                oscoreClient.shutdown();
                dtlsEndpoint.destroy();
                oscoreEndpoint.destroy();
            }
        }

        private static String dtlsGet(org.eclipse.californium.core.CoapClient client) throws Exception {
            org.eclipse.californium.core.CoapResponse r = client.get();
            return r == null ? "no answer" : r.isSuccess() ? r.getResponseText() : r.getCode() + " "
                    + r.getResponseText();
        }

        private static String oscoreGet(org.eclipse.californium.core.CoapClient client) throws Exception {
            org.eclipse.californium.core.coap.Request get = org.eclipse.californium.core.coap.Request.newGet();
            get.getOptions().setOscore(org.eclipse.californium.elements.util.Bytes.EMPTY);
            org.eclipse.californium.core.CoapResponse r = client.advanced(get);
            return r == null ? "no answer" : r.isSuccess() ? r.getResponseText() : r.getCode() + " "
                    + r.getResponseText();
        }
    }

    /** The sessions the hub's providers hold for the thing under a mechanism starting so, as one text. */
    String hubSessions(ThingId thing, String mechanism) throws Exception {
        List<String> sessions = new ArrayList<>();
        for (var ref : context.getServiceReferences(org.trusthub.api.security.SecurityProvider.class, null)) {
            org.trusthub.api.security.SecurityProvider p = context.getService(ref);
            try {
                p.sessions(thing).stream().filter(a -> a.mechanism().startsWith(mechanism))
                        .forEach(a -> sessions.add(a.mechanism() + " " + a.session()));
            } finally {
                context.ungetService(ref);
            }
        }
        assertTrue("the hub holds a " + mechanism + " session of " + thing, !sessions.isEmpty());
        return String.join(", ", sessions);
    }

    /** Runs a policy command and waits until the policy service answers as it should then. */
    void policy(Shell shell, String command, java.util.function.Predicate<SecurityPolicy> inForce) throws Exception {
        shell.run(command);
        Await.until("'" + command + "' in force", Await.DEFAULT_TIMEOUT, () -> service(SecurityPolicy.class, null),
                inForce::test);
    }

    static java.util.function.Predicate<SecurityPolicy> requires(ThingId thing, String protocol, String protection) {
        return p -> p.inbound(thing, protocol).toString().equals(protection);
    }

    /** {@code trusthub:refusals THING} shows a POLICY refusal under this mechanism (refusals may be counted late). */
    static void assertPolicyRefusal(Shell shell, ThingId thing, String mechanism) throws Exception {
        Await.until(thing + "'s POLICY refusal over " + mechanism, Await.DEFAULT_TIMEOUT,
                () -> shell.run("trusthub:refusals " + thing.value()), out -> rows(out).stream()
                        .anyMatch(r -> r.length >= 5 && r[0].equals(thing.value()) && r[2].equals(mechanism)
                                && r[3].equals("POLICY") && Long.parseLong(r[4]) >= 1));
    }

    private void operational(ThingId thing, RootCredential root) {
        registry.enroll(thing, "itest", root);
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
    }

    private static List<String> coapRequest(String method, String path, String payload, String[] security,
            String... more) {
        String[] all = Arrays.copyOf(security, security.length + more.length);
        System.arraycopy(more, 0, all, security.length, more.length);
        return CoapIT.coap("coap-client-openssl", method, CoapIT.uri(path), payload, all);
    }

    private <T> T service(Class<T> type, String filter) throws Exception {
        return Await.until(type.getSimpleName() + (filter == null ? "" : " " + filter) + " to come up",
                Duration.ofSeconds(60), () -> {
                    var refs = context.getServiceReferences(type, filter);
                    return refs.isEmpty() ? null : context.getService(refs.iterator().next());
                }, s -> s != null);
    }

    /** A console table's rows (header and rule lines left out), each as its trimmed cells. */
    static List<String[]> rows(String table) {
        List<String[]> rows = new ArrayList<>();
        boolean header = true;
        for (String line : table.replace("\r", "").split("\n")) {
            if (!line.contains("|")) {
                continue;
            }
            if (header) {
                header = false;
                continue;
            }
            String[] cells = line.split("\\|", -1);
            for (int i = 0; i < cells.length; i++) {
                cells[i] = cells[i].strip();
            }
            rows.add(cells);
        }
        return rows;
    }

    /** The security status's rows per thing: a thing's first row names it, its other layers' rows follow. */
    static Map<String, List<String[]>> statusRows(String status) {
        Map<String, List<String[]>> things = new LinkedHashMap<>();
        String current = null;
        for (String[] row : rows(status)) {
            if (!row[0].isEmpty()) {
                current = row[0];
            }
            things.computeIfAbsent(current, k -> new ArrayList<>()).add(row);
        }
        return things;
    }
}
