package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.EnumMap;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

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
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.trusthub.api.event.TrustHubEvents;
import org.trusthub.api.keystore.KeyMetadata;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.Thing;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.testkit.Await;

/** The hub as an operator meets it: every bundle up, the console driving a thing through its life, events. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HubIT {

    /** The whole lifecycle, as the brief of the hub states it. */
    private static final List<Transition> LIFE = List.of(Transition.BOOTSTRAP, Transition.ACTIVATE,
            Transition.MAINTAIN, Transition.RESUME, Transition.MAINTAIN, Transition.REBOOTSTRAP, Transition.ACTIVATE,
            Transition.DECOMMISSION);

    private static final Set<String> OUR_BUNDLES = Set.of("org.trusthub.api", "org.trusthub.storage",
            "org.trusthub.keystore", "org.trusthub.lifecycle", "org.trusthub.shell");

    private static final Pattern LAYER_ROW = Pattern.compile(
            "^\\s*(LINK|NETWORK|TRANSPORT|APPLICATION)\\s*\\|\\s*(\\d+)\\s*\\|", Pattern.MULTILINE);

    @Inject
    BundleContext context;

    @Inject
    @Filter(timeout = 60_000)
    ServiceComponentRuntime scr;

    @Inject
    @Filter(timeout = 60_000)
    ThingRegistry registry;

    @Inject
    @Filter(timeout = 60_000)
    ThingKeyStore keyStore;

    @Inject
    @Filter(timeout = 60_000)
    SessionFactory sessionFactory;

    @Inject
    @Filter(timeout = 60_000)
    ConfigurationAdmin configAdmin;

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        return HubOptions.hub();
    }

    @Test
    public void everyTrusthubBundleIsActiveAndEveryComponentIsUp() {
        Set<String> seen = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            String name = bundle.getSymbolicName();
            if (name == null || !name.startsWith("org.trusthub")) {
                continue;
            }
            seen.add(name);
            if (bundle.getState() != Bundle.ACTIVE) {
                problems.add(name + " is in state " + bundle.getState() + ", not ACTIVE");
            }
            for (ComponentDescriptionDTO component : scr.getComponentDescriptionDTOs(bundle)) {
                if (!scr.isComponentEnabled(component)) {
                    problems.add(component.name + " is disabled");
                    continue;
                }
                var configurations = scr.getComponentConfigurationDTOs(component);
                if (configurations.isEmpty()) {
                    problems.add(component.name + " has no configuration (missing required configuration?)");
                }
                for (ComponentConfigurationDTO c : configurations) {
                    if (c.state != ComponentConfigurationDTO.ACTIVE && c.state != ComponentConfigurationDTO.SATISFIED) {
                        problems.add(component.name + " is not satisfied (state " + c.state + ", unsatisfied: "
                                + Arrays.toString(c.unsatisfiedReferences) + ")");
                    }
                }
            }
        }
        assertTrue("missing bundles: " + seen, seen.containsAll(OUR_BUNDLES));
        assertEquals(List.of(), problems);
    }

    @Test
    public void distributionShipsSafeDefaults() throws Exception {
        Dictionary<String, Object> shell = configAdmin.getConfiguration("org.apache.karaf.shell", null).getProperties();
        assertEquals("SSH listens on loopback only", "127.0.0.1", shell.get("sshHost"));
        assertEquals("no file transfer over SSH", "false", String.valueOf(shell.get("sftpEnabled")));
        Dictionary<String, Object> jmx = configAdmin.getConfiguration("org.apache.karaf.management", null)
                .getProperties();
        assertEquals("127.0.0.1", jmx.get("rmiRegistryHost"));
        assertEquals("127.0.0.1", jmx.get("rmiServerHost"));
        Dictionary<String, Object> logging = configAdmin.getConfiguration("org.ops4j.pax.logging", null)
                .getProperties();
        assertEquals("the ZigBee stack's logger is capped (it prints keys at DEBUG)", "INFO",
                logging.get("log4j2.logger.zsmartsystems.level"));
        // Loggers that packets or SOAP requests nobody authenticated reach are burst-limited, each on its own; the
        // rest of Californium (e.g. CoapServer failing to start an endpoint) is not.
        Map<String, String> limited = Map.of("cfScandium", "org.eclipse.californium.scandium", "cfElements",
                "org.eclipse.californium.elements", "cfNetwork", "org.eclipse.californium.core.network", "cfServer",
                "org.eclipse.californium.core.server", "cfCoap", "org.eclipse.californium.core.coap", "cfOscore",
                "org.eclipse.californium.oscore", "wss4j", "org.apache.wss4j", "xmlsec", "org.apache.xml.security");
        for (Map.Entry<String, String> logger : limited.entrySet()) {
            String key = "log4j2.logger." + logger.getKey();
            assertEquals(key, logger.getValue(), logging.get(key + ".name"));
            assertEquals(key + " is burst-limited", "BurstFilter", logging.get(key + ".filter.burst.type"));
        }
        for (Enumeration<String> keys = logging.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            if (key.endsWith(".name") && "org.eclipse.californium".equals(logging.get(key))) {
                assertNull("all of Californium shares no budget: " + key,
                        logging.get(key.substring(0, key.length() - 5) + ".filter.burst.type"));
            }
        }
        Dictionary<String, Object> jaas = configAdmin.getConfiguration("org.apache.karaf.jaas", null).getProperties();
        assertEquals("passwords are stored as digests", "true", String.valueOf(jaas.get("encryption.enabled")));

        Path etc = Path.of(System.getProperty("karaf.etc"));
        for (String file : List.of("users.properties", "keys.properties")) {
            Properties accounts = new Properties();
            try (var in = Files.newInputStream(etc.resolve(file))) {
                accounts.load(in);
            }
            for (String name : accounts.stringPropertyNames()) {
                assertTrue(file + " ships an account: " + name, name.startsWith("_g_:"));
            }
        }
        for (Bundle bundle : context.getBundles()) {
            String name = String.valueOf(bundle.getSymbolicName());
            assertFalse("no HTTP server in the distribution: " + name,
                    name.startsWith("org.ops4j.pax.web") || name.startsWith("org.apache.felix.http")
                            || name.startsWith("org.eclipse.jetty"));
        }
    }

    @Test
    public void consoleTakesAThingThroughItsWholeLifeAndNeverShowsItsSecret() throws Exception {
        Shell shell = new Shell(sessionFactory);
        Path dir = Files.createTempDirectory("trusthub-itest");
        Path firstSecret = dir.resolve("lamp.secret");
        Path secondSecret = dir.resolve("lamp-new-owner.secret");
        String id = "itest-lamp-1";
        List<String> outputs = new ArrayList<>();

        String enrolled = shell.run("trusthub:thing-enroll --generate-secret " + firstSecret + " " + id + " alice");
        outputs.add(enrolled);
        assertTrue(enrolled, enrolled.contains("Enrolled " + id));
        assertTrue(enrolled, field(enrolled, "State").equals("MANUFACTURED"));
        assertTrue(Files.isRegularFile(firstSecret));

        String list = shell.run("trusthub:thing-list");
        outputs.add(list);
        assertTrue(list, Pattern.compile("^\\s*" + Pattern.quote(id) + "\\s*\\|\\s*MANUFACTURED\\s*\\|\\s*alice\\b",
                Pattern.MULTILINE).matcher(list).find());

        String keys = shell.run("trusthub:thing-keys " + id);
        outputs.add(keys);
        assertEquals("ACTIVE", field(keys, "Status"));
        Map<Layer, Integer> generations = generations(keys);
        assertEquals(allLayers(1), generations);

        LifecycleState state = LifecycleState.MANUFACTURED;
        for (Transition move : LIFE) {
            String out = shell.run("trusthub:thing-transition " + id + " " + move.name().toLowerCase(Locale.ROOT));
            outputs.add(out);
            assertTrue(out, out.contains(id + ": " + state + " -> " + move.target() + " (" + move + ")"));
            state = move.target();

            String shown = shell.run("trusthub:thing-show " + id);
            outputs.add(shown);
            assertEquals(state.name(), field(shown, "State"));
            assertEquals(state, registry.get(ThingId.of(id)).state());

            keys = shell.run("trusthub:thing-keys " + id);
            outputs.add(keys);
            if (move == Transition.REBOOTSTRAP) {
                Map<Layer, Integer> after = generations(keys);
                for (Layer layer : Layer.values()) {
                    assertEquals("generation of " + layer + " after REBOOTSTRAP", generations.get(layer) + 1,
                            (int) after.get(layer));
                }
                generations = after;
            } else if (move == Transition.DECOMMISSION) {
                assertEquals("REVOKED", field(keys, "Status"));
                assertFalse(keyStore.isActive(ThingId.of(id)));
            } else {
                assertEquals("ACTIVE", field(keys, "Status"));
                assertEquals("a " + move + " must not rotate keys", generations, generations(keys));
            }
        }

        String recommissioned = shell.run("trusthub:thing-recommission --generate-secret " + secondSecret + " " + id
                + " bob");
        outputs.add(recommissioned);
        assertTrue(recommissioned, recommissioned.contains("DECOMMISSIONED -> BOOTSTRAPPING (RECOMMISSION)"));
        String shown = shell.run("trusthub:thing-show " + id);
        outputs.add(shown);
        assertEquals("bob", field(shown, "Owner"));
        assertEquals("BOOTSTRAPPING", field(shown, "State"));
        assertEquals("1", field(shown, "Commissions"));
        keys = shell.run("trusthub:thing-keys " + id);
        outputs.add(keys);
        assertEquals("ACTIVE", field(keys, "Status"));
        assertEquals("a fresh root starts every layer over", allLayers(1), generations(keys));
        outputs.add(shell.run("trusthub:thing-list"));
        outputs.add(shell.run("trusthub:hub-identity"));

        for (Path secretFile : List.of(firstSecret, secondSecret)) {
            String secretHex = Files.readString(secretFile, StandardCharsets.US_ASCII).strip().toLowerCase(Locale.ROOT);
            assertEquals("a generated secret is 32 bytes of hex", 64, secretHex.length());
            for (String out : outputs) {
                assertNoPartOf(secretHex, out);
            }
        }
    }

    @Test
    public void hubIdentityShowsTheKeystoreCertificate() throws Exception {
        String out = new Shell(sessionFactory).run("trusthub:hub-identity");
        byte[] der = keyStore.hubIdentity().certificate().getEncoded();
        String expected = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        assertEquals(expected, field(out, "SHA-256"));
        assertFalse(out, out.toUpperCase(Locale.ROOT).contains("PRIVATE"));
    }

    @Test
    public void badInputIsRefusedWithAnErrorLineAndChangesNothing() throws Exception {
        Shell shell = new Shell(sessionFactory);
        ThingId id = ThingId.of("itest-bad-1");
        registry.enroll(id, "carol", RootCredential.secret(randomBytes(32)));
        List<Thing> before = registry.list();
        KeyMetadata keysBefore = keyStore.metadata(id);
        Path secret = Files.createTempDirectory("trusthub-itest").resolve("dup.secret");

        assertErrorNaming("no-such-thing", shell.refused("trusthub:thing-show no-such-thing"));
        assertErrorNaming("no-such-thing", shell.refused("trusthub:thing-transition no-such-thing bootstrap"));
        assertErrorNaming("ACTIVATE", shell.refused("trusthub:thing-transition " + id + " activate"));
        assertErrorNaming("malformed thing id", shell.refused("trusthub:thing-show Bad_Id!"));
        assertErrorNaming("fly", shell.refused("trusthub:thing-transition " + id + " fly"));
        assertErrorNaming(id.value(),
                shell.refused("trusthub:thing-enroll --generate-secret " + secret + " " + id + " mallory"));
        assertFalse("a refused enrollment leaves no secret file behind", Files.exists(secret));
        assertErrorNaming("RECOMMISSION is not allowed",
                shell.refused("trusthub:thing-recommission --generate-secret " + secret + " " + id + " mallory"));
        assertFalse(Files.exists(secret));

        assertEquals(before, registry.list());
        assertEquals(keysBefore, keyStore.metadata(id));
    }

    @Test
    public void eventAdminSeesEveryLifecycleStepInOrder() throws Exception {
        ThingId id = ThingId.of("itest-events-1");
        List<Event> events = Collections.synchronizedList(new ArrayList<>());
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, TrustHubEvents.LIFECYCLE_ALL);
        props.put(EventConstants.EVENT_FILTER, "(" + TrustHubEvents.THING + "=" + id + ")");
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, events::add, props);
        try {
            List<String> expected = new ArrayList<>();
            registry.enroll(id, "dave", RootCredential.secret(randomBytes(32)));
            expected.add(TrustHubEvents.LIFECYCLE_ENROLLED);
            for (Transition move : LIFE) {
                registry.transition(id, move);
                expected.add(TrustHubEvents.lifecycleTopic(move));
            }
            registry.recommission(id, "erin", RootCredential.secret(randomBytes(32)));
            expected.add(TrustHubEvents.lifecycleTopic(Transition.RECOMMISSION));

            // Delivery is asynchronous: wait until every event is in (or give up and show what came).
            List<String> topics = Await.until("every lifecycle event", Await.DEFAULT_TIMEOUT, () -> {
                synchronized (events) {
                    return events.stream().map(Event::getTopic).toList();
                }
            }, seen -> seen.size() >= expected.size());
            assertEquals(expected, topics);
            synchronized (events) {
                for (Event e : events) {
                    assertEquals(id.value(), e.getProperty(TrustHubEvents.THING));
                }
                assertEquals("MANUFACTURED", String.valueOf(events.get(0).getProperty(TrustHubEvents.TO_STATE)));
                for (int i = 0; i < LIFE.size(); i++) {
                    assertEquals(LIFE.get(i).target().name(),
                            String.valueOf(events.get(i + 1).getProperty(TrustHubEvents.TO_STATE)));
                }
                assertEquals("erin", events.get(events.size() - 1).getProperty(TrustHubEvents.OWNER));
            }
        } finally {
            handler.unregister();
        }
    }

    /** A CA certificate (P-256, basicConstraints CA, keyCertSign, valid 2026-2056) made with openssl for this test. */
    private static final String ANCHOR_PEM = String.join("\n",
            "-----BEGIN CERTIFICATE-----",
            "MIIBmzCCAUGgAwIBAgIUdiUmLEe4ymb8/k4+q8L9+S4fV9gwCgYIKoZIzj0EAwIw",
            "GjEYMBYGA1UEAwwPaXRlc3QgYW5jaG9yIGNhMCAXDTI2MTIwNzEyMzcyM1oYDzIw",
            "NTYxMTI5MTIzNzIzWjAaMRgwFgYDVQQDDA9pdGVzdCBhbmNob3IgY2EwWTATBgcq",
            "hkjOPQIBBggqhkjOPQMBBwNCAAR46GEaQg2ITY95gcyaKp4GgYQkXwgTk9wLVFB1",
            "t7l4jyWRj7YOP5s+XOkk365mHR2nIofZPyiJ9e9k3wkweg0so2MwYTAdBgNVHQ4E",
            "FgQUVI1+JUlQ6/wDL9PNFrpwp/FaYYEwHwYDVR0jBBgwFoAUVI1+JUlQ6/wDL9PN",
            "Frpwp/FaYYEwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZI",
            "zj0EAwIDSAAwRQIhAPDE14AVX1jRTw/rZ8RlDCli+IylvQEFaeNScql9AsicAiBy",
            "XavPcYMu3SL0c7Co/WnQr9hlyhllm2UnPdgcIKGhQQ==",
            "-----END CERTIFICATE-----") + "\n";

    @Test
    public void trustAnchorsAreAddedForTheirPurposesOnlyAndListedWithThem() throws Exception {
        Shell shell = new Shell(sessionFactory);
        Path pem = Files.createTempDirectory("trusthub-itest").resolve("anchor.pem");
        Files.writeString(pem, ANCHOR_PEM);
        assertErrorNaming("--purpose", shell.refused("trusthub:trust-anchor-add itest-ca " + pem));
        assertErrorNaming("unknown trust anchor purpose 'all'",
                shell.refused("trusthub:trust-anchor-add --purpose all itest-ca " + pem));
        assertFalse(keyStore.trustAnchors().containsKey("itest-ca"));

        String added = shell.run("trusthub:trust-anchor-add --purpose dtls --purpose wss itest-ca " + pem);
        assertTrue(added, added.startsWith("Trust anchor itest-ca added for dtls,wss: CN=itest anchor ca"));
        try {
            assertTrue(keyStore.trustAnchors(TrustPurpose.DTLS).containsKey("itest-ca"));
            assertTrue(keyStore.trustAnchors(TrustPurpose.WSS).containsKey("itest-ca"));
            assertFalse(keyStore.trustAnchors(TrustPurpose.FIRMWARE).containsKey("itest-ca"));
            assertFalse(keyStore.trustAnchors(TrustPurpose.TLS).containsKey("itest-ca"));
            String list = shell.run("trusthub:trust-anchor-list");
            assertTrue(list, Pattern.compile("^itest-ca +\\| dtls,wss +\\| CN=itest anchor ca", Pattern.MULTILINE)
                    .matcher(list).find());
        } finally {
            shell.run("trusthub:trust-anchor-remove itest-ca");
        }
    }

    private static void assertErrorNaming(String what, String message) {
        assertTrue("refusal must be one 'Error:' line: " + message, message != null && message.startsWith("Error: ")
                && !message.contains("\n"));
        assertTrue("refusal must name '" + what + "': " + message, message.contains(what));
    }

    /** No 6-byte run of the secret may show up in the output, in either case of hex. */
    private static void assertNoPartOf(String secretHex, String output) {
        String haystack = output.toLowerCase(Locale.ROOT).replace(":", "");
        for (int i = 0; i + 12 <= secretHex.length(); i += 2) {
            if (haystack.contains(secretHex.substring(i, i + 12))) {
                fail("output shows part of a root secret:\n" + output);
            }
        }
    }

    /** The value of a "Label:   value" line. */
    private static String field(String output, String label) {
        Matcher m = Pattern.compile("^" + Pattern.quote(label) + ":\\s+(.*?)\\s*$", Pattern.MULTILINE).matcher(output);
        if (!m.find()) {
            throw new AssertionError("no '" + label + ":' line in:\n" + output);
        }
        return m.group(1);
    }

    private static Map<Layer, Integer> generations(String keysOutput) {
        Map<Layer, Integer> generations = new EnumMap<>(Layer.class);
        Matcher m = LAYER_ROW.matcher(keysOutput);
        while (m.find()) {
            generations.put(Layer.valueOf(m.group(1)), Integer.parseInt(m.group(2)));
        }
        assertEquals("one row per layer in:\n" + keysOutput, Layer.values().length, generations.size());
        return generations;
    }

    private static Map<Layer, Integer> allLayers(int generation) {
        Map<Layer, Integer> all = new EnumMap<>(Layer.class);
        for (Layer layer : Layer.values()) {
            all.put(layer, generation);
        }
        return all;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
