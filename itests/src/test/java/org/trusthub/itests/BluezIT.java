package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeFalse;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFileExtend;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.inject.Inject;

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
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.testkit.Await;

/**
 * The distribution with feature trusthub-bluetooth-bluez against BlueZ played by Debian's python3-dbusmock on a
 * private dbus-daemon (the bluez5 template with LE pairing, bond files and GATT; see bluez_trusthub.py): bluez-dbus
 * with its embedded junixsocket transport inside Karaf, the hub's agent, pairing with the bond imported into the
 * keystore, a GATT read, legacy pairing refused, and removal. The mock runs in the test driver's JVM; the hub only
 * gets its bus address. Missing python3-dbusmock fails unless -Dtrusthub.dbusmock=skip (binding-bluetooth's
 * DbusMockBluez checks, see BluezPeer; the skip is repeated here because JUnit 4 does not know JUnit 5's assumptions).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BluezIT {

    static final ThingId THERMO = ThingId.of("ble-c0514d000001");

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

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() throws Exception {
        assumeFalse("BlueZ D-Bus tests opted out with -Dtrusthub.dbusmock=skip",
                "skip".equals(System.getProperty("trusthub.dbusmock")));
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bluez-");
        String address = BluezPeer.start(dir);
        String cfg = "etc/org.trusthub.binding.bluetooth.bluez.cfg";
        return HubOptions.hub(
                editConfigurationFileExtend("etc/org.apache.karaf.features.cfg", "featuresBoot",
                        "trusthub-bluetooth-bluez"),
                editConfigurationFilePut(cfg, "adapter", "hci0"),
                editConfigurationFilePut(cfg, "busAddress", address),
                editConfigurationFilePut(cfg, "bondDirectory", dir.resolve("bonds").toString()),
                editConfigurationFilePut(cfg, "scanMillis", "300"),
                editConfigurationFilePut(cfg, "servicesWaitMillis", "3000"));
    }

    @Test
    public void pairsReadsAndRemovesThroughBlueZOverDbus() throws Exception {
        Shell shell = new Shell(sessionFactory);
        Await.until("trusthub:ble-bonds to list the bonds", Duration.ofSeconds(60),
                () -> BluetoothBoots.Boot.run(shell, "trusthub:ble-bonds"), bonds -> bonds.contains("bond(s)"));
        ServiceReference<?>[] bindings = context.getServiceReferences("org.trusthub.api.binding.ProtocolBinding",
                "(trusthub.protocol=bluetooth)");
        assertEquals("the binding runs on the real (BlueZ) adapter", Boolean.FALSE,
                bindings[0].getProperty("trusthub.simulated"));

        String pair = BluetoothBoots.Boot.run(shell, "trusthub:ble-pair 5A:11:22:33:44:55 alice");
        assertTrue(pair, pair.contains("Paired and commissioned " + THERMO.value()));
        assertEquals(LifecycleState.OPERATIONAL, registry.get(THERMO).state());
        assertTrue("the LTK is in the keystore", keyStore.storedKey(THERMO, Layer.LINK, "ble-ltk").isPresent());
        assertTrue("the IRK is in the keystore", keyStore.storedKey(THERMO, Layer.LINK, "ble-irk").isPresent());

        String read = BluetoothBoots.Boot.run(shell, "trusthub:ble-read " + THERMO.value());
        assertTrue(read, read.contains("21.5"));

        String legacy = BluetoothBoots.Boot.refused(shell, "trusthub:ble-pair C0:51:4D:00:00:02 alice");
        assertTrue(legacy, legacy.contains("LEGACY_REFUSED"));

        String removed = BluetoothBoots.Boot.run(shell, "trusthub:ble-remove " + THERMO.value());
        assertFalse(removed, removed.startsWith("Error"));
        assertEquals(LifecycleState.DECOMMISSIONED, registry.get(THERMO).state());
    }
}
