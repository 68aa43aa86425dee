package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Properties;

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
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.testkit.Await;

/** The two boots of {@link BluetoothIT}; run only from there, which hands them the shared state directory. */
public final class BluetoothBoots {

    static final String STATE = "trusthub.itest.bluetoothState";
    static final String RECORD = "bluetooth-first-boot.properties";
    static final ThingId THERMO_1 = ThingId.of("ble-c0514d000001");

    private BluetoothBoots() {
    }

    static Option[] options() {
        Path dir = TwoBoots.directory(STATE, "BluetoothIT");
        String sim = "etc/org.trusthub.binding.bluetooth.simulated.cfg";
        return TwoBoots.options(STATE, "BluetoothIT",
                // the simulated adapter only runs when configured; its sensors' flash outlives the boot too
                editConfigurationFilePut(sim, "peripherals", "2"),
                editConfigurationFilePut(sim, "legacyPeripherals", "1"),
                editConfigurationFilePut(sim, "dataDirectory", dir.resolve("data/trusthub/ble-simulated").toString()));
    }

    abstract static class Boot {
        @Inject
        BundleContext context;

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
        FeaturesService features;

        @org.ops4j.pax.exam.Configuration
        public Option[] configuration() {
            return options();
        }

        Path state() {
            return Path.of(System.getProperty(STATE));
        }

        /** Installs trusthub-bluetooth and waits for its commands and its simulated binding. */
        Shell installBluetooth() throws Exception {
            features.installFeature("trusthub-bluetooth", EnumSet.noneOf(FeaturesService.Option.class));
            Shell shell = new Shell(sessionFactory);
            Await.until("trusthub:ble-bonds to answer", Duration.ofSeconds(60), () -> shell.run("trusthub:ble-bonds"),
                    out -> out.contains("bond(s)"), AssertionError.class::isInstance);
            return shell;
        }

        /**
         * Runs a command, waiting up to 30 s while it is not (yet, or for a moment again) registered: Karaf registers
         * commands asynchronously from the services they use.
         */
        static String run(Shell shell, String command) throws Exception {
            return Await.until("'" + command + "' to be registered", Await.DEFAULT_TIMEOUT, () -> shell.run(command),
                    out -> true, e -> String.valueOf(e.getMessage()).contains("Command not found"));
        }

        /** Runs a command that must be refused, waiting like {@link #run} while it is not registered. */
        static String refused(Shell shell, String command) throws Exception {
            return Await.until("'" + command + "' to be registered", Await.DEFAULT_TIMEOUT,
                    () -> shell.refused(command), refusal -> !String.valueOf(refusal).contains("Command not found"));
        }

        /** The address the named simulated sensor advertises with now, from the console's scan. */
        static String address(String scan, String name) {
            return scan.lines().filter(l -> l.contains(name + " (SIMULATED)")).map(l -> l.strip().split("\\s*\\|\\s*")[0])
                    .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in:\n" + scan));
        }

        String ltkDigest() throws Exception {
            DerivedKey key = keyStore.storedKey(THERMO_1, Layer.LINK, "ble-ltk").orElseThrow(
                    () -> new AssertionError("no LTK in the keystore"));
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.bytes()));
            } finally {
                key.destroy();
            }
        }

        String ltkHex() {
            DerivedKey key = keyStore.storedKey(THERMO_1, Layer.LINK, "ble-ltk").orElseThrow();
            try {
                return HexFormat.of().formatHex(key.bytes());
            } finally {
                key.destroy();
            }
        }
    }

    @RunWith(PaxExam.class)
    @ExamReactorStrategy(PerClass.class)
    public static class FirstBoot extends Boot {

        @Test
        public void pairsASimulatedPeripheralAndRefusesLegacyPairing() throws Exception {
            Shell shell = installBluetooth();

            ServiceReference<?>[] bindings = context.getServiceReferences("org.trusthub.api.binding.ProtocolBinding",
                    "(trusthub.protocol=bluetooth)");
            assertNotNull("the Bluetooth binding is registered", bindings);
            assertEquals("it says it is simulated", Boolean.TRUE, bindings[0].getProperty("trusthub.simulated"));
            assertNotNull("the BLE link-layer provider is registered", context.getServiceReferences(
                    "org.trusthub.api.security.SecurityProvider",
                    "(&(trusthub.layer=LINK)(trusthub.mechanism=ble-ll-aes-ccm))"));

            String scan = run(shell, "trusthub:ble-scan");
            assertTrue(scan, scan.contains("[SIMULATED adapter]"));
            String pair = run(shell, "trusthub:ble-pair " + address(scan, "sim-thermo-1") + " alice");
            assertTrue(pair, pair.contains("Paired and commissioned " + THERMO_1.value()));
            assertEquals(LifecycleState.OPERATIONAL, registry.get(THERMO_1).state());

            String legacy = refused(shell, "trusthub:ble-pair " + address(scan, "sim-legacy-thermo-3") + " alice");
            assertTrue(legacy, legacy.startsWith("Error: refused (LEGACY_REFUSED)"));
            assertTrue("nothing enrolled for the refused one",
                    registry.find(ThingId.of("ble-c0514d000003")).isEmpty());

            String read = run(shell, "trusthub:ble-read " + THERMO_1.value());
            assertTrue(read, read.contains("temperature 21.5 C"));

            // The link provider swapped (its component disabled, then enabled again): meanwhile reads are refused and
            // counted; then the same bridge, not a restarted one, uses the new provider.
            Object bridge = bindings[0].getProperty("service.id");
            String component = "org.trusthub.security.link.ble.internal.BleLinkSecurityProvider";
            run(shell, "scr:disable " + component);
            // scr:disable returns before SCR has unbound the provider from the bridge.
            String absent = Await.until("reads refused while the provider is gone", Await.DEFAULT_TIMEOUT,
                    () -> shell.refused("trusthub:ble-read " + THERMO_1.value()),
                    out -> out.startsWith("Error: refused (PROVIDER_ABSENT)"), AssertionError.class::isInstance);
            String counted = run(shell, "trusthub:refusals " + THERMO_1.value());
            assertTrue(counted, counted.contains("NOT_OPERATIONAL"));
            run(shell, "scr:enable " + component);
            read = Await.until("reads with the new provider", Await.DEFAULT_TIMEOUT,
                    () -> shell.run("trusthub:ble-read " + THERMO_1.value()), out -> out.contains("21.5 C"),
                    AssertionError.class::isInstance);
            assertEquals("the bridge was not restarted", bridge, context.getServiceReferences(
                    "org.trusthub.api.binding.ProtocolBinding", "(trusthub.protocol=bluetooth)")[0]
                            .getProperty("service.id"));

            String bonds = run(shell, "trusthub:ble-bonds");
            assertTrue(bonds, bonds.contains(THERMO_1.value()) && bonds.contains("C0:51:4D:00:00:01"));
            String ltk = ltkHex();
            for (String out : new String[] { scan, pair, legacy, read, bonds }) {
                assertFalse("no key bytes on the console", out.toLowerCase().contains(ltk));
            }

            Properties record = new Properties();
            record.setProperty("ltk.sha256", ltkDigest());
            TwoBoots.store(state().resolve(RECORD), record, "what the first boot left behind");
        }
    }

    @RunWith(PaxExam.class)
    @ExamReactorStrategy(PerClass.class)
    public static class SecondBoot extends Boot {

        @Test
        public void findsTheBondReadsOverTheEncryptedLinkThenRemovesIt() throws Exception {
            Properties record = TwoBoots.load(state().resolve(RECORD));
            Shell shell = installBluetooth();

            assertEquals("the bond's LTK is the one stored before the restart", record.getProperty("ltk.sha256"),
                    ltkDigest());
            String bonds = run(shell, "trusthub:ble-bonds");
            assertTrue(bonds, bonds.contains("1 Bluetooth LE bond(s)") && bonds.contains(THERMO_1.value()));
            String scan = run(shell, "trusthub:ble-scan");
            assertTrue("a fresh private address resolves to the thing:\n" + scan,
                    scan.lines().anyMatch(l -> l.contains("sim-thermo-1") && l.contains("private")
                            && l.contains(THERMO_1.value())));
            String read = run(shell, "trusthub:ble-read " + THERMO_1.value());
            assertTrue(read, read.contains("temperature 21.5 C"));

            // The security policy: requiring more than the encrypted link gives refuses the thing's reads, counted in
            // the hub's refusals; back to what the link gives, they are allowed again.
            String rule = "protect " + THERMO_1.value() + " bluetooth in confidentiality/end-to-end";
            run(shell, "trusthub:policy-add " + rule);
            String below = refused(shell, "trusthub:ble-read " + THERMO_1.value());
            assertTrue(below, below.startsWith("Error: refused (POLICY)") && below.contains(
                    "requires confidentiality/end-to-end"));
            String counted = run(shell, "trusthub:refusals " + THERMO_1.value());
            assertTrue(counted, counted.contains("POLICY") && counted.contains("bluetooth"));
            run(shell, "trusthub:policy-remove --force " + rule);
            read = run(shell, "trusthub:ble-read " + THERMO_1.value());
            assertTrue(read, read.contains("temperature 21.5 C"));

            // The thing model (trusthub-model came with the feature): the bond kept from the first boot is described,
            // the value just read is there, an interval write goes over the encrypted link, a bad one is refused.
            String properties = shell.awaitOutput("trusthub:thing-properties " + THERMO_1.value(), "21.5");
            assertTrue(properties, properties.contains("bluetooth (SIMULATED)") && properties.contains("interval"));
            String set = run(shell, "trusthub:thing-set " + THERMO_1.value() + " interval 30");
            assertTrue(set, set.contains("interval = 30.0 s (GOOD, WRITE)"));
            String zero = refused(shell, "trusthub:thing-set " + THERMO_1.value() + " interval 0");
            assertTrue(zero, zero.contains("from 1 to 65535 s"));

            String removed = run(shell, "trusthub:ble-remove " + THERMO_1.value());
            assertTrue(removed, removed.contains("removed"));
            assertEquals(LifecycleState.DECOMMISSIONED, registry.get(THERMO_1).state());
            assertFalse("its keys are revoked", keyStore.isActive(THERMO_1));
            String locked = refused(shell, "trusthub:ble-read " + THERMO_1.value());
            assertTrue(locked, locked.contains("DECOMMISSIONED"));
            assertTrue(run(shell, "trusthub:ble-bonds").contains("0 Bluetooth LE bond(s)"));
        }
    }
}
