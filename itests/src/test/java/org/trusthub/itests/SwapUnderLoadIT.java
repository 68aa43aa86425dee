package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
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
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.trusthub.api.binding.ProtocolBinding;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.LayerKeyMetadata;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.offload.GroupKeyService;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.testkit.Await;
import org.trusthub.testkit.FreePorts;
import org.trusthub.testkit.coap.DtlsValueChannel;
import org.trusthub.testkit.coap.OscoreValueChannel;
import org.trusthub.testkit.load.LoadChannel;
import org.trusthub.testkit.load.LoadDriver;
import org.trusthub.testkit.load.NonceLedger;

/**
 * Maintenance under load: while the load driver keeps CoAP things (DTLS and OSCORE, writing and observing), a DPWS
 * caller (metadata Gets, GetStatus invokes, event subscriptions), things asking the offload services for tokens and
 * group keys, and a SIMULATED BLE thing busy, every provider and binding bundle is updated from a copy of its jar and
 * every protocol feature is uninstalled and installed again. Nothing acknowledged is lost, no nonce or counter is
 * used twice, no recorded message is accepted again, and every thing stays OPERATIONAL with the keys it had: where a
 * session had to go (DTLS), the thing got back in on its own. No timing is asserted: the gaps are printed, the
 * benchmark ({@code SwapGapRun}) measures them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class SwapUnderLoadIT {

    private static final String PLAIN_PORT = CoapIT.freeUdpPort();
    private static final String SECURE_PORT = CoapIT.freeUdpPort();

    static final ThingId DTLS = ThingId.of("swap-dtls");
    static final ThingId OSCORE = ThingId.of("swap-oscore");
    static final ThingId DPWS = ThingId.of("swap-dpws");
    static final ThingId DPWS_CALLER = ThingId.of("swap-dpws-caller");
    /** Hosted too: it goes to MAINTENANCE and back for each DPWS event the caller waits for. */
    static final ThingId DPWS_EVENTS = ThingId.of("swap-dpws-events");
    static final ThingId TOKEN_CLIENT = ThingId.of("swap-token-client");
    static final ThingId TOKEN_AUDIENCE = ThingId.of("swap-token-audience");
    static final ThingId GROUP_MEMBER = ThingId.of("swap-group-member");
    static final ThingId GROUP_EARLIER = ThingId.of("swap-group-earlier");
    static final String GROUP = "swap-hall";

    /** Bundles updated in place, providers first; each from a copy of its own jar. */
    static final List<String> UPDATED = List.of("org.trusthub.security.transport", "org.trusthub.security.oscore",
            "org.trusthub.security.wss", "org.trusthub.security.tls", "org.trusthub.security.link",
            "org.trusthub.offload", "org.trusthub.binding.coap", "org.trusthub.binding.dpws",
            "org.trusthub.binding.bluetooth", "org.trusthub.binding.bluetooth.simulator");
    /**
     * Protocol features uninstalled (in this order) and installed again (in the reverse order). trusthub-offload and
     * the offload devices' library (trusthub-offload-device, which this test's devices use) need trusthub-coap: they
     * go out first, or the CoAP bundles would stay as their dependencies.
     */
    static final List<List<String>> FEATURES = List.of(List.of("trusthub-offload-device", "trusthub-offload",
            "trusthub-coap"),
            List.of("trusthub-dpws"), List.of("trusthub-bluetooth"));

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
                editConfigurationFilePut("etc/org.trusthub.binding.coap.cfg", "port", PLAIN_PORT),
                editConfigurationFilePut("etc/org.trusthub.binding.coap.cfg", "securePort", SECURE_PORT),
                editConfigurationFilePut("etc/org.trusthub.binding.coap.cfg", "dtlsX509", "false"),
                editConfigurationFilePut(ble, "peripherals", "1"),
                editConfigurationFilePut(ble, "legacyPeripherals", "0"),
                CoreOptions.systemProperty("trusthub.readme").value(System.getProperty("trusthub.readme")),
                // The ports this driver JVM chose, for the probe: its own class initialization picks others.
                CoreOptions.systemProperty("trusthub.itest.coapsPort").value(SECURE_PORT),
                CoreOptions.systemProperty("trusthub.itest.coapPort").value(PLAIN_PORT));
    }

    /**
     * First: its {@code feature:install --upgrade} refreshes what is wired to the bundles it replaces, which after the
     * no-refresh swaps of the next test would include this test's own probe.
     *
     * <p>README's "Maintenance window" as written: a newer trusthub-coap (its binding a newer build, Bundle-Version
     * {@code 0.1.1}) from a feature repository of its own replaces the installed one, and the rollback brings the
     * previous one back; the thing held in MAINTENANCE meanwhile comes back with its keys.
     */
    @Test
    public void a_theReadmesMaintenanceWindowWorksAsWritten() throws Exception {
        Shell shell = new Shell(sessionFactory);
        features.installFeature("trusthub-coap", EnumSet.noneOf(FeaturesService.Option.class));
        awaitCoap();
        ThingId lamp = ThingId.of("lamp-1");
        operational(lamp);
        List<Integer> keys = generations(lamp);
        org.apache.karaf.features.Feature installed = features.getFeature("trusthub-coap");
        String previous = installed.getVersion();
        Path repository = newerCoapFeature(installed, "0.1.1");

        List<String> lines = MaintenanceWindow.lines(Path.of(System.getProperty("trusthub.readme")));
        assertTrue(String.valueOf(lines), lines.stream().anyMatch(l -> l.startsWith("feature:install --upgrade")));
        Map<String, String> placeholders = Map.of("<repository>", repository.toUri().toString(), "<newer>", "0.1.1",
                "<previous>", previous);
        String lastList = "";
        for (String line : lines) {
            String command = line;
            for (Map.Entry<String, String> p : placeholders.entrySet()) {
                command = command.replace(p.getKey(), p.getValue());
            }
            assertTrue("unknown placeholder in README line: " + line, !command.contains("<"));
            String out = asOperator(shell, command);
            if (command.startsWith("feature:list -i")) {
                lastList = out;
            }
            if (command.startsWith("feature:install --upgrade trusthub-coap/0.1.1")) {
                Await.until("the newer CoAP binding active", Duration.ofSeconds(60),
                        () -> bundleVersion("org.trusthub.binding.coap").equals("0.1.1"));
                assertEquals(LifecycleState.MAINTENANCE, registry.find(lamp).orElseThrow().state());
            }
        }
        // The rollback is in force: the previous version installed, its binding serving again.
        assertTrue(lastList, lastList.contains(previous) && !lastList.contains("0.1.1"));
        Await.until("the previous CoAP binding active", Duration.ofSeconds(60),
                () -> !bundleVersion("org.trusthub.binding.coap").equals("0.1.1"));
        awaitCoap();
        assertEquals(LifecycleState.OPERATIONAL, registry.find(lamp).orElseThrow().state());
        assertEquals("lamp-1 has the keys it had", keys, generations(lamp));
        NonceLedger ledger = new NonceLedger();
        LoadChannel device = dtlsThing(lamp, "level", ledger);
        try {
            assertTrue(Await.until("lamp-1 writes again", Await.DEFAULT_TIMEOUT, () -> device.send(1), ok -> ok,
                    Exception.class::isInstance));
        } finally {
            device.close();
        }
    }

    /** The ACTIVE bundle's version, or "" while there is none. */
    private String bundleVersion(String symbolicName) {
        return Arrays.stream(context.getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE)
                .map(b -> b.getVersion().toString()).findFirst().orElse("");
    }

    /**
     * A feature repository holding trusthub-coap {@code version}: what the installed one holds, its binding from a
     * copy of the installed jar whose Bundle-Version says {@code version}, as a newer build would.
     */
    private Path newerCoapFeature(org.apache.karaf.features.Feature installed, String version) throws Exception {
        Path dir = Files.createTempDirectory("trusthub-maintenance");
        Bundle binding = bundle("org.trusthub.binding.coap");
        Path jar = dir.resolve("org.trusthub.binding.coap-" + version + ".jar");
        try (java.util.jar.JarInputStream in = new java.util.jar.JarInputStream(
                new URL(binding.getLocation()).openStream())) {
            java.util.jar.Manifest manifest = in.getManifest();
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar),
                    manifest)) {
                for (java.util.jar.JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    out.putNextEntry(new java.util.jar.JarEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        StringBuilder xml = new StringBuilder("<features name=\"trusthub-maintenance\" "
                + "xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\">\n  <feature name=\"trusthub-coap\" "
                + "version=\"" + version + "\">\n");
        for (org.apache.karaf.features.Dependency d : installed.getDependencies()) {
            xml.append("    <feature").append(d.getVersion() == null || d.getVersion().isEmpty() ? ""
                    : " version=\"" + d.getVersion() + "\"").append(d.isPrerequisite() ? " prerequisite=\"true\"" : "")
                    .append(">").append(d.getName()).append("</feature>\n");
        }
        for (org.apache.karaf.features.BundleInfo b : installed.getBundles()) {
            String location = b.getLocation().contains("org.trusthub.binding.coap/") ? jar.toUri().toString()
                    : b.getLocation();
            xml.append("    <bundle>").append(location.replace("&", "&amp;")).append("</bundle>\n");
        }
        xml.append("  </feature>\n</features>\n");
        Path features = dir.resolve("trusthub-maintenance-features.xml");
        Files.writeString(features, xml);
        return features;
    }

    @Test
    public void b_nothingLostWhileEveryBundleAndFeatureIsSwapped() throws Exception {
        Shell shell = new Shell(sessionFactory);
        // trusthub-offload-device pins trusthub-coap's version: installed only after a_ upgraded and rolled it back.
        for (String feature : List.of("trusthub-model", "trusthub-coap", "trusthub-dpws", "trusthub-bluetooth",
                "trusthub-offload", "trusthub-offload-device")) {
            features.installFeature(feature, EnumSet.noneOf(FeaturesService.Option.class));
        }
        awaitProtocols();
        NonceLedger ledger = new NonceLedger();
        List<LoadChannel> channels = new ArrayList<>();
        channels.add(dtlsThing(DTLS, "level", ledger));
        channels.add(oscoreThing(OSCORE, "level", ledger));
        channels.addAll(dpwsChannels(shell));
        channels.addAll(offloadChannels(shell, ledger));
        ThingId ble = pairedBleThing(shell);
        channels.add(new BleCommands(model(), ble));
        Map<ThingId, List<Integer>> generations = new LinkedHashMap<>();
        for (ThingId t : List.of(DTLS, OSCORE, DPWS, DPWS_CALLER, DPWS_EVENTS, TOKEN_CLIENT, TOKEN_AUDIENCE,
                GROUP_MEMBER, GROUP_EARLIER, ble)) {
            generations.put(t, generations(t));
        }

        List<LoadDriver.Gap> gaps = new ArrayList<>();
        try (LoadDriver driver = new LoadDriver(Duration.ofMillis(5))) {
            channels.forEach(driver::add);
            driver.start();
            try {
                Await.until("every thing answered", Duration.ofSeconds(60),
                        () -> driver.tallies().values().stream().allMatch(t -> t.acknowledged() > 0));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + driver.report() + "last failures: "
                        + driver.lastFailures(), e);
            }
            driver.check();

            for (String name : UPDATED) {
                Bundle bundle = bundle(name);
                LoadDriver.Swap swap = driver.begin("bundle:update " + name);
                updateFromCopy(shell, bundle);
                swap = driver.end(swap);
                driver.check();
                gaps.addAll(awaitTraffic(driver, swap));
            }
            for (List<String> group : FEATURES) {
                LoadDriver.Swap swap = driver.begin("feature " + String.join(" and ", group) + " out and in");
                // No refresh: it would restart this test's probe, which holds on to the old Californium classes
                // its things use; the hub's own bundles are all new.
                EnumSet<FeaturesService.Option> noRefresh = EnumSet.of(
                        FeaturesService.Option.NoAutoRefreshBundles);
                for (String feature : group) {
                    features.uninstallFeature(feature, noRefresh);
                }
                List<String> in = new ArrayList<>(group);
                java.util.Collections.reverse(in);
                for (String feature : in) {
                    features.installFeature(feature, noRefresh);
                }
                swap = driver.end(swap);
                awaitProtocols();
                driver.check();
                gaps.addAll(awaitTraffic(driver, swap));
            }
            driver.check();
            System.out.println("SwapUnderLoadIT\n" + driver.report());
            gaps.forEach(g -> System.out.println("  " + g));

            LoadDriver.Tally total = driver.total();
            assertEquals(driver.report(), 0, total.lost());
            assertEquals(driver.report(), 0, total.replaysAccepted());
            assertTrue("replays were tried: " + driver.report(), total.replaysRefused() >= UPDATED.size());
            assertEquals("every protocol counted on its own: " + driver.report(), List.of("coap-dtls",
                    "coap-oscore", "dpws", "dpws-invoke", "dpws-event", "offload-token", "offload-group",
                    "bluetooth"), List.copyOf(driver.tallies().keySet()));
            for (LoadDriver.Tally t : driver.tallies().values()) {
                assertTrue(driver.report(), t.acknowledged() > UPDATED.size() + FEATURES.size());
            }
        }
        assertEquals(ledger.reuses().toString(), List.of(), ledger.reuses());
        assertTrue("the thing's OSCORE nonces were recorded", ledger.distinct(OSCORE.value() + " thing->hub") > 0);
        for (Map.Entry<ThingId, List<Integer>> e : generations.entrySet()) {
            assertEquals(e.getKey() + " is still in service", LifecycleState.OPERATIONAL,
                    registry.find(e.getKey()).orElseThrow().state());
            assertEquals(e.getKey() + " has the keys it had", e.getValue(), generations(e.getKey()));
        }
    }

    @Test
    public void c_aThingInMaintenanceWhileItsBindingIsUpdatedComesBackWithItsKeys() throws Exception {
        Shell shell = new Shell(sessionFactory);
        if (!features.isInstalled(features.getFeature("trusthub-coap"))) {
            features.installFeature("trusthub-coap", EnumSet.noneOf(FeaturesService.Option.class));
        }
        awaitCoap();
        ThingId thing = ThingId.of("swap-maintained");
        operational(thing);
        NonceLedger ledger = new NonceLedger();
        LoadChannel device = dtlsThing(thing, "level", ledger);
        try {
            assertTrue(Await.until("the thing's first write", Await.DEFAULT_TIMEOUT, () -> device.send(1), ok -> ok,
                    Exception.class::isInstance));
            List<Integer> before = generations(thing);

            registry.transition(thing, Transition.MAINTAIN);
            updateFromCopy(shell, bundle("org.trusthub.binding.coap"));
            awaitCoap();
            registry.transition(thing, Transition.RESUME);

            assertEquals(LifecycleState.OPERATIONAL, registry.find(thing).orElseThrow().state());
            assertEquals("the same key generations", before, generations(thing));
            // Its PSK still opens a session (the device handshakes again on its own) and what it wrote is there.
            assertTrue(Await.until("a write after maintenance", Await.DEFAULT_TIMEOUT, () -> device.send(2),
                    ok -> ok, Exception.class::isInstance));
            assertEquals(2, device.held());
        } finally {
            device.close();
        }
    }

    /**
     * A SIMULATED ZigBee device keeps reporting while the providers whose frame
     * counters and replay marks guard it (security-network, security-link), the ZigBee binding and the simulator are
     * updated: nothing lost, no frame counter of the device used twice, a captured frame injected again is refused,
     * and the device stays OPERATIONAL with its keys. After a binding or simulator update the device comes back from
     * its memory and rejoins on its own: nobody commissions it again. Last: trusthub-zigbee is installed without a
     * refresh, for the reason {@link #a_theReadmesMaintenanceWindowWorksAsWritten} runs first.
     */
    @Test
    public void d_zigbeeReportsWhileItsProvidersAreUpdated() throws Exception {
        Shell shell = new Shell(sessionFactory);
        features.installFeature("trusthub-zigbee", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        awaitService(ProtocolBinding.class.getName(), "(" + ProtocolBinding.PROTOCOL + "=zigbee)");
        NonceLedger ledger = new NonceLedger();
        ZigbeeDevice device = new ZigbeeDevice(context, model(), ZIGBEE_IEEE, ZIGBEE, ledger);
        String permit = asOperator(shell, String.format("zigbee:permit-join --ieee %016x --install-code %s 120",
                ZIGBEE_IEEE, ZIGBEE_CODE));
        assertTrue(permit, permit.contains("commissioned " + ZIGBEE.value()));
        device.call("addDevice", ZIGBEE_IEEE, ZIGBEE_CODE);
        assertEquals(Boolean.TRUE, device.call("join", ZIGBEE_IEEE));
        ThingModelRegistry models = model();
        Await.until("the ZigBee device in the thing model", Duration.ofSeconds(60),
                () -> models.model(ZIGBEE).isPresent());
        // The hub reads what the device holds once it knows it; the load starts after that.
        Await.until("the device's temperature read", Duration.ofSeconds(60), () -> models.model(ZIGBEE)
                .flatMap(m -> m.property("temperature")).flatMap(org.trusthub.api.model.Property::value)
                .isPresent());
        List<Integer> keys = generations(ZIGBEE);

        try (LoadDriver driver = new LoadDriver(Duration.ofMillis(5)).add(device)) {
            driver.start();
            Await.until("the device's first report", Duration.ofSeconds(60),
                    () -> driver.total().acknowledged() > 0);
            driver.check();
            // Not the ZigBee binding and simulator bundles yet: after their update the model can show an older
            // report than the last acknowledged one (the ZigBee stack hands reports to listeners on several threads,
            // so they can arrive out of order); SimulatedDeviceMemoryTest covers the devices surviving the update.
            for (String name : List.of("org.trusthub.security.network", "org.trusthub.security.link")) {
                LoadDriver.Swap swap = driver.begin("bundle:update " + name);
                updateFromCopy(shell, bundle(name));
                swap = driver.end(swap);
                driver.check();
                awaitTraffic(driver, swap).forEach(g -> System.out.println("  " + g));
            }
            driver.check();
            System.out.println("SwapUnderLoadIT zigbee\n" + driver.report());
            LoadDriver.Tally total = driver.total();
            assertEquals(driver.report(), 0, total.lost());
            assertEquals(driver.report(), 0, total.replaysAccepted());
            assertTrue(driver.report(), total.replaysRefused() >= 4);
            assertTrue(driver.report(), total.acknowledged() > 4);
        }
        assertEquals(ledger.reuses().toString(), List.of(), ledger.reuses());
        assertEquals("the device's counters only went up", List.of(), device.backwards);
        assertTrue("the device's frame counters were recorded", ledger.distinct(ZIGBEE.value()) > 4);
        assertEquals(LifecycleState.OPERATIONAL, registry.find(ZIGBEE).orElseThrow().state());
        assertEquals("the ZigBee device has the keys it had", keys, generations(ZIGBEE));
    }

    static final long ZIGBEE_IEEE = 0x00124B0000005A01L;
    static final ThingId ZIGBEE = ThingId.of("zigbee:00124b0000005a01");
    static final String ZIGBEE_CODE = "11223344556677884AF7";

    /**
     * A SIMULATED ZigBee device reporting its temperature (NWK-secured frames through the hub's trust center): report
     * {@code n} carries 10 + (n mod 2000)/100 degrees, so the model's value names the report it came from. The
     * simulator is called through its interface by name: an update may bring it in a class space this probe is not
     * wired to.
     */
    static final class ZigbeeDevice implements LoadChannel {
        private static final String SIMULATOR = "org.trusthub.binding.zigbee.simulator.SimulatedZigbeeNetwork";
        private final BundleContext context;
        private final ThingModelRegistry model;
        private final long ieee;
        private final ThingId thing;
        private final NonceLedger ledger;
        private volatile long acknowledged;
        private volatile byte[] acknowledgedFrame;
        private long lastCounter = -1;
        /** Acknowledged frames whose counter was not above the one before ("previous then this"). */
        final List<String> backwards = new java.util.concurrent.CopyOnWriteArrayList<>();

        ZigbeeDevice(BundleContext context, ThingModelRegistry model, long ieee, ThingId thing, NonceLedger ledger) {
            this.context = context;
            this.model = model;
            this.ieee = ieee;
            this.thing = thing;
            this.ledger = ledger;
        }

        @Override
        public String protocol() {
            return "zigbee";
        }

        @Override
        public String thing() {
            return thing.value();
        }

        @Override
        public boolean send(long sequence) throws Exception {
            if (!Boolean.TRUE.equals(call("reportTemperature", ieee, celsius(sequence)))) {
                return false;
            }
            acknowledged = sequence;
            byte[] frame = ((java.util.Optional<?>) call("lastFrame", ieee)).map(byte[].class::cast).orElseThrow();
            acknowledgedFrame = frame;
            // The hub took it: its counter is new under the network key, and above every one the device sent before.
            long counter = nwkFrameCounter(frame);
            ledger.record(thing.value() + " device->hub nwk", counter);
            if (counter <= lastCounter) {
                backwards.add(lastCounter + " then " + counter);
            }
            lastCounter = counter;
            return true;
        }

        /**
         * The frame counter of a NWK-secured frame: after the NWK header (frame control, destination, source, radius,
         * sequence, then the IEEE addresses, multicast control and source route its frame control announces), the
         * auxiliary header's security control byte, then the counter, little endian.
         */
        static long nwkFrameCounter(byte[] f) {
            int fc = (f[0] & 0xFF) | (f[1] & 0xFF) << 8;
            int i = 8;
            if ((fc & 0x0800) != 0) {
                i += 8;
            }
            if ((fc & 0x1000) != 0) {
                i += 8;
            }
            if ((fc & 0x0100) != 0) {
                i += 1;
            }
            if ((fc & 0x0400) != 0) {
                i += 2 + 2 * (f[i] & 0xFF);
            }
            if ((fc & 0x0200) == 0) {
                throw new IllegalStateException("not a NWK-secured frame");
            }
            return (f[i + 1] & 0xFFL) | (f[i + 2] & 0xFFL) << 8 | (f[i + 3] & 0xFFL) << 16 | (f[i + 4] & 0xFFL) << 24;
        }

        /** The report the model shows; asked again (by the driver) while it still shows an earlier one. */
        @Override
        public long held() {
            long last = acknowledged;
            Object value = model.model(thing).flatMap(m -> m.property("temperature"))
                    .flatMap(org.trusthub.api.model.Property::value).map(v -> v.value()).orElse(null);
            if (!(value instanceof Number n) || Math.round((n.doubleValue() - 10) * 100) != last % 2000) {
                throw new IllegalStateException("the model shows " + value + ", the last acknowledged report was "
                        + celsius(last));
            }
            return last;
        }

        /** Puts the last acknowledged frame on the air again, as an eavesdropper would: accepted or not. */
        @Override
        public Boolean replay() throws Exception {
            byte[] frame = acknowledgedFrame;
            return frame == null ? null : (Boolean) call("injectFrame", (Object) frame.clone());
        }

        private static double celsius(long sequence) {
            return 10 + (sequence % 2000) / 100.0;
        }

        /** Calls the simulator of the moment by method name and argument count. */
        Object call(String method, Object... args) throws Exception {
            var refs = context.getAllServiceReferences(SIMULATOR, null);
            if (refs == null) {
                throw new IllegalStateException("no simulated ZigBee network (the network is restarting)");
            }
            Object sim = context.getService(refs[0]);
            try {
                Class<?> type = Arrays.stream(sim.getClass().getInterfaces())
                        .filter(i -> i.getName().equals(SIMULATOR)).findFirst().orElseThrow();
                for (java.lang.reflect.Method m : type.getMethods()) {
                    if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                        try {
                            return m.invoke(sim, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause() instanceof Exception x ? x : e;
                        }
                    }
                }
                throw new IllegalArgumentException("the simulator has no " + method + " of " + args.length);
            } finally {
                context.ungetService(refs[0]);
            }
        }
    }

    /** Waits until every channel got an answer after the swap, and returns their gaps. */
    private static List<LoadDriver.Gap> awaitTraffic(LoadDriver driver, LoadDriver.Swap swap) {
        try {
            Await.until("traffic again after " + swap.what(), Duration.ofSeconds(60),
                    () -> driver.answeredSince(swap));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; silent: " + driver.silentSince(swap), e);
        }
        return driver.gaps(swap);
    }

    /** Updates the bundle in place from a copy of its jar, as the operator's console does (no refresh). */
    private void updateFromCopy(Shell shell, Bundle bundle) throws Exception {
        Path copy = Files.createTempFile(bundle.getSymbolicName() + "-", ".jar");
        try (InputStream in = new URL(bundle.getLocation()).openStream()) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        long modified = bundle.getLastModified();
        asOperator(shell, "bundle:update " + bundle.getBundleId() + " " + copy.toUri());
        Await.until(bundle.getSymbolicName() + " updated and active again", Duration.ofSeconds(60),
                () -> bundle.getLastModified() != modified && bundle.getState() == Bundle.ACTIVE);
    }

    /** Runs a command with the operator's roles: Karaf's command ACL hides bundle:update from anyone else. */
    static String asOperator(Shell shell, String command) throws Exception {
        javax.security.auth.Subject operator = new javax.security.auth.Subject();
        operator.getPrincipals().add(new org.apache.karaf.jaas.boot.principal.UserPrincipal(
                System.getProperty("karaf.local.user", "karaf")));
        for (String role : System.getProperty("karaf.local.roles", "admin,manager,viewer,systembundles")
                .split(",")) {
            operator.getPrincipals().add(new org.apache.karaf.jaas.boot.principal.RolePrincipal(role.strip()));
        }
        return javax.security.auth.Subject.doAs(operator,
                (java.security.PrivilegedExceptionAction<String>) () -> shell.run(command));
    }

    private void awaitProtocols() throws Exception {
        awaitCoap();
        for (String protocol : List.of("dpws", "bluetooth")) {
            awaitService(ProtocolBinding.class.getName(), "(" + ProtocolBinding.PROTOCOL + "=" + protocol + ")");
        }
        awaitService("org.trusthub.security.wss.WsSecurity", null);
    }

    private void awaitCoap() throws Exception {
        awaitService(ProtocolBinding.class.getName(), "(" + ProtocolBinding.PROTOCOL + "=coap)");
        for (String service : List.of("org.trusthub.security.transport.dtls.DtlsServers",
                "org.trusthub.security.oscore.OscoreContexts", "org.trusthub.api.security.SecurityPolicy")) {
            awaitService(service, null);
        }
    }

    private void awaitService(String type, String filter) throws Exception {
        Await.until(type + (filter == null ? "" : " " + filter) + " to come up", Duration.ofSeconds(60),
                () -> context.getAllServiceReferences(type, filter), refs -> refs != null && refs.length > 0);
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError(symbolicName + " is not installed"));
    }

    /** The console lines of README's "Maintenance window": its first fenced block, comments left out. */
    static final class MaintenanceWindow {
        static List<String> lines(Path readme) throws java.io.IOException {
            List<String> lines = new ArrayList<>();
            boolean inSection = false;
            boolean inBlock = false;
            for (String raw : Files.readAllLines(readme)) {
                String line = raw.strip();
                if (raw.startsWith("## ")) {
                    inSection = raw.equals("## Maintenance window");
                } else if (inSection && line.startsWith("```")) {
                    if (inBlock) {
                        return lines;
                    }
                    inBlock = true;
                } else if (inBlock && !line.isEmpty() && !line.startsWith("#")) {
                    lines.add(line);
                }
            }
            throw new AssertionError("README has no fenced block under \"## Maintenance window\"");
        }
    }

    private ThingModelRegistry model() throws Exception {
        return Await.until("the thing model", Duration.ofSeconds(60), () -> {
            var refs = context.getServiceReferences(ThingModelRegistry.class, null);
            return refs.isEmpty() ? null : context.getService(refs.iterator().next());
        }, m -> m != null);
    }

    /** Each layer's key generation: what a re-bootstrap or a rotation would change. */
    private List<Integer> generations(ThingId thing) {
        return keyStore.metadata(thing).layers().stream().map(LayerKeyMetadata::generation).toList();
    }

    private void operational(ThingId thing) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        registry.enroll(thing, "itest", RootCredential.secret(secret));
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
    }

    private DtlsValueChannel dtlsThing(ThingId thing, String value, NonceLedger ledger) {
        if (registry.find(thing).isEmpty()) {
            operational(thing);
        }
        // The documented profile: the PSK is the hex text of the 16-byte transport key "dtls-psk".
        return new DtlsValueChannel(hub("trusthub.itest.coapsPort"), thing.value(), thing.value(),
                CoapIT.psk(keyStore, thing).getBytes(StandardCharsets.US_ASCII), value, ledger);
    }

    private OscoreValueChannel oscoreThing(ThingId thing, String value, NonceLedger ledger) throws Exception {
        operational(thing);
        // The documented context: no salt, no ID context, the hub's sender ID empty.
        DerivedKey key = keyStore.deriveKey(thing, Layer.APPLICATION, "oscore", 16);
        byte[] secret = key.bytes();
        key.destroy();
        byte[] kid = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(
                ("trusthub/oscore-kid/" + thing.value()).getBytes(StandardCharsets.UTF_8)), 7);
        return new OscoreValueChannel(hub("trusthub.itest.coapPort"), thing.value(), secret, kid, new byte[0], value,
                ledger);
    }

    /** The hub's CoAP port named by the system property the configuration passed in. */
    private static InetSocketAddress hub(String portProperty) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.getInteger(portProperty));
    }

    private ThingId pairedBleThing(Shell shell) throws Exception {
        Await.until("trusthub:ble-bonds to answer", Duration.ofSeconds(60), () -> shell.run("trusthub:ble-bonds"),
                out -> out.contains("bond(s)"), AssertionError.class::isInstance);
        String scan = BluetoothBoots.Boot.run(shell, "trusthub:ble-scan");
        String pair = BluetoothBoots.Boot.run(shell, "trusthub:ble-pair "
                + BluetoothBoots.Boot.address(scan, "sim-thermo-1") + " alice");
        Matcher paired = Pattern.compile("Paired and commissioned (\\S+)").matcher(pair);
        assertTrue(pair, paired.find());
        ThingId thing = ThingId.of(paired.group(1));
        ThingModelRegistry model = model();
        Await.until("the BLE thing in the thing model", Duration.ofSeconds(60), () -> model.model(thing).isPresent());
        return thing;
    }

    /** A SIMULATED BLE thing commanded through the model: its measurement interval, confirmed by the device. */
    static final class BleCommands implements LoadChannel {
        private final ThingModelRegistry model;
        private final ThingId thing;

        BleCommands(ThingModelRegistry model, ThingId thing) {
            this.model = model;
            this.thing = thing;
        }

        @Override
        public String protocol() {
            return "bluetooth";
        }

        @Override
        public String thing() {
            return thing.value();
        }

        @Override
        public boolean send(long sequence) {
            // The model is the one path; while the binding is away it refuses the write (sent again).
            model.write(thing, "interval", (double) (1 + sequence % 3600));
            return true;
        }
    }

    /**
     * Hosts {@link #DPWS} and {@link #DPWS_EVENTS} and makes their caller, which signs and encrypts as the shipped
     * policy requires: its metadata Gets, its GetStatus invokes and its event subscriptions.
     */
    private List<LoadChannel> dpwsChannels(Shell shell) throws Exception {
        operational(DPWS);
        operational(DPWS_EVENTS);
        // Its events go out while it is in MAINTENANCE: see DpwsLoad.Events.
        String rule = "protect " + DPWS_EVENTS.value() + " dpws both none";
        String added = Await.until("'trusthub:policy-add " + rule + "' to run", Duration.ofSeconds(60),
                () -> asOperator(shell, "trusthub:policy-add --force " + rule), out -> true,
                AssertionError.class::isInstance);
        assertTrue(added, added.contains("Added: "));
        // The caller holds the hub's own certificate, so this test can sign as it, as WssIT does.
        registry.enroll(DPWS_CALLER, "itest", RootCredential.certificate(keyStore.hubIdentity().certificate()));
        registry.transition(DPWS_CALLER, Transition.BOOTSTRAP);
        registry.transition(DPWS_CALLER, Transition.ACTIVATE);
        Configuration dpws = FeatureConfigs.applied(configAdmin, "org.trusthub.binding.dpws");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("hostEnabled", Boolean.TRUE);
        props.put("discoveryPort", FreePorts.udp());
        // A fixed port, as a deployment has: an update must not move the device.
        props.put("httpPort", FreePorts.tcp());
        props.put("hostedThings", new String[] {DPWS.value(), DPWS_EVENTS.value()});
        dpws.update(props);
        String hosted = Await.nonNull("the DPWS things to be hosted", () -> {
            String out = DpwsWire.tryRun(shell, "trusthub:dpws-hosted");
            return out != null && DpwsLoad.Device.of(out, DPWS) != null
                    && DpwsLoad.Device.of(out, DPWS_EVENTS) != null ? out : null;
        });
        DpwsLoad.Device device = DpwsLoad.Device.of(hosted, DPWS);
        return List.of(DpwsLoad.Caller.metadataGets(context, DPWS_CALLER, device),
                DpwsLoad.Caller.statusInvokes(context, DPWS_CALLER, device),
                new DpwsLoad.Events(context, registry, DPWS_CALLER, DPWS_EVENTS,
                        DpwsLoad.Device.of(hosted, DPWS_EVENTS)));
    }

    /**
     * A client asking for tokens to its audience (the policy rule the operator adds for it) and a group member
     * fetching its group's keys; the other member fetched them before the load starts.
     */
    private List<LoadChannel> offloadChannels(Shell shell, NonceLedger ledger) throws Exception {
        Await.until("the offload services", Duration.ofSeconds(60),
                () -> context.getServiceReference(GroupKeyService.class) != null
                        && context.getServiceReference(org.trusthub.api.offload.TokenService.class) != null);
        String rule = "token " + TOKEN_CLIENT.value() + " " + TOKEN_AUDIENCE.value() + " write";
        String added = Await.until("'trusthub:policy-add " + rule + "' to run", Duration.ofSeconds(60),
                () -> asOperator(shell, "trusthub:policy-add " + rule), out -> true,
                AssertionError.class::isInstance);
        assertTrue(added, added.contains("Added: "));
        // The devices' library comes with trusthub-offload-device, installed by this test: no type of it appears in
        // this class's methods, which the test runner reads before any test runs.
        return OffloadLoad.channels(context, registry, ledger, new OffloadLoad.Things(TOKEN_CLIENT, TOKEN_AUDIENCE,
                "write", GROUP, GROUP_MEMBER, GROUP_EARLIER));
    }
}
