package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

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
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyValue;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.security.RefusalReason;
import org.trusthub.api.security.SecurityRefusals;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.itests.CoapIT.Result;
import org.trusthub.testkit.Await;

/**
 * Bridging in the real distribution: a SIMULATED ZigBee lamp (joined with an install code from the console, as in
 * {@link ZigbeeIT}) and a SIMULATED Bluetooth LE thermometer (paired from the console, as in {@link BluetoothBoots}),
 * read and written
 * by Debian's libcoap {@code coap-client} (OpenSSL build) as a CoAP thing over DTLS-PSK with its derived key, through
 * the hub's thing model, as far as the security policy's {@code read} and {@code write} rules grant; a thing without
 * a grant gets 4.03, counted, and its write reaches no lamp.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CoapBridgeIT {

    private static final String PLAIN_PORT = CoapIT.freeUdpPort();
    private static final String SECURE_PORT = CoapIT.freeUdpPort();
    private static final ThingId LAMP = ThingId.of("zigbee:00124b0000000c03");
    private static final String LAMP_CODE = "0102030405060708D46D";
    private static final ThingId THERMOMETER = ThingId.of("ble-c0514d000001");
    /** Generous for a loaded machine. */
    private static final Duration UP = Duration.ofSeconds(120);

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
    SecurityRefusals refusals;

    @Inject
    @Filter(timeout = 60_000)
    SessionFactory sessionFactory;

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() {
        String ble = "etc/org.trusthub.binding.bluetooth.simulated.cfg";
        return HubOptions.hub(
                editConfigurationFilePut(ble, "peripherals", "1"),
                editConfigurationFilePut(ble, "legacyPeripherals", "0"),
                editConfigurationFilePut("etc/org.trusthub.binding.coap.cfg", "port", PLAIN_PORT),
                editConfigurationFilePut("etc/org.trusthub.binding.coap.cfg", "securePort", SECURE_PORT),
                // The grants are in the policy file the hub boots with: this test is about bridging, and console
                // updates made while features install can be replaced by file install's copy of the file.
                editConfigurationFilePut("etc/org.trusthub.security.policy.cfg", "rules", SecuritySeamIT.SHIPPED
                        + "; read itest-bridge-caller " + LAMP.value() + " on level; write itest-bridge-caller "
                        + LAMP.value() + " level; read itest-bridge-caller " + THERMOMETER.value() + " temperature"),
                org.ops4j.pax.exam.CoreOptions.systemProperty("trusthub.itest.coapsPort").value(SECURE_PORT),
                org.ops4j.pax.exam.CoreOptions.systemProperty("trusthub.itest.coapPort").value(PLAIN_PORT));
    }

    private ThingId operational(String id) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        ThingId thing = ThingId.of(id);
        registry.enroll(thing, "itest", RootCredential.secret(secret));
        registry.transition(thing, Transition.BOOTSTRAP);
        registry.transition(thing, Transition.ACTIVATE);
        return thing;
    }

    private static Optional<Object> value(ThingModelRegistry models, ThingId thing, String property) {
        return models.model(thing).flatMap(m -> m.property(property)).flatMap(Property::value)
                .map(PropertyValue::value);
    }

    private Result coap(ThingId as, String method, ThingId target, String property, String payload)
            throws Exception {
        return CoapIT.run(CoapIT.coap("coap-client-openssl", method, CoapIT.uri("/things/" + target.value() + "/"
                + property), payload, "-u", as.value(), "-k", CoapIT.psk(keyStore, as)));
    }

    /** Runs a console command until it succeeds: the features just installed start asynchronously. */
    private static String retry(Shell shell, String command) throws Exception {
        return retry(shell, command, "");
    }

    /** As {@link #retry(Shell, String)}, until what it prints contains {@code text}. */
    private static String retry(Shell shell, String command, String text) throws Exception {
        return Await.until("'" + command + "' to show '" + text + "'", UP, () -> shell.run(command),
                out -> out.contains(text), AssertionError.class::isInstance);
    }

    @Test
    public void libcoapReadsAndWritesASimulatedZigbeeLampAndReadsABleThermometerAsThePolicyGrants()
            throws Exception {
        for (String feature : List.of("trusthub-model", "trusthub-coap", "trusthub-zigbee", "trusthub-bluetooth")) {
            features.installFeature(feature, EnumSet.noneOf(FeaturesService.Option.class));
        }
        ThingModelRegistry models = Await.until("the thing model", Duration.ofSeconds(60), () -> {
            var refs = context.getServiceReferences(ThingModelRegistry.class, null);
            return refs.isEmpty() ? null : context.getService(refs.iterator().next());
        }, m -> m != null);
        Shell shell = new Shell(sessionFactory);
        // the lamp: commissioned with its install code, then powered on
        String permit = retry(shell, "zigbee:permit-join --ieee 00124b0000000c03 --install-code "
                + LAMP_CODE + " 120");
        assertTrue(permit, permit.contains("commissioned " + LAMP.value()));
        retry(shell, "zigbee:simulated-device --install-code " + LAMP_CODE + " --kind multi 00124b0000000c03",
                "joined");
        // the thermometer: paired with LE Secure Connections
        String scan = retry(shell, "trusthub:ble-scan", "sim-thermo-1 (SIMULATED)");
        String pair = retry(shell, "trusthub:ble-pair " + BluetoothBoots.Boot.address(scan,
                "sim-thermo-1") + " alice");
        assertTrue(pair, pair.contains("Paired and commissioned " + THERMOMETER.value()));
        retry(shell, "trusthub:ble-read " + THERMOMETER.value());
        // described is enough for the lamp: the write below is read back from it
        Await.until("the lamp described with a level in the model", UP, () -> models.model(LAMP)
                .flatMap(m -> m.property("level")).isPresent());
        Await.until("the thermometer's temperature in the model", UP, () -> value(models, THERMOMETER,
                "temperature"), Optional::isPresent);

        ThingId caller = operational("itest-bridge-caller");
        ThingId stranger = operational("itest-bridge-stranger");

        Result put = coap(caller, "put", LAMP, "level", "40");
        assertEquals(put.output(), 0, put.exit());
        assertFalse(put.output(), put.output().contains("4.0") || put.output().contains("5.0"));
        assertEquals("the write reached the lamp through the model and was read back", 40,
                value(models, LAMP, "level").orElseThrow());
        Result level = coap(caller, "get", LAMP, "level", null);
        assertEquals(level.output(), "40", level.output().strip());
        Result temperature = coap(caller, "get", THERMOMETER, "temperature", null);
        assertTrue(temperature.output(), temperature.output().strip().matches("-?[0-9]+(\\.[0-9]+)?"));

        // No grant: 4.03, counted, and the lamp is not touched.
        Result read = coap(stranger, "get", LAMP, "level", null);
        assertTrue(read.output(), read.output().contains("4.03") && !read.output().contains("40"));
        Result write = coap(stranger, "put", LAMP, "level", "90");
        assertTrue(write.output(), write.output().contains("4.03"));
        assertEquals(40, value(models, LAMP, "level").orElseThrow());
        assertTrue(refusals.counts(stranger).toString(), refusals.counts(stranger).stream()
                .anyMatch(c -> c.reason() == RefusalReason.POLICY && c.mechanism().equals("dtls-psk")
                        && c.count() >= 2));
        // A read grant lets no one write.
        Result caller403 = coap(caller, "put", LAMP, "on", "true");
        assertTrue(caller403.output(), caller403.output().contains("4.03"));
    }
}
