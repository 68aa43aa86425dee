package org.trusthub.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFileExtend;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.trusthub.api.keystore.DerivedKey;
import org.trusthub.api.keystore.Layer;
import org.trusthub.api.keystore.RootCredential;
import org.trusthub.api.keystore.ThingKeyStore;
import org.trusthub.api.keystore.TrustPurpose;
import org.trusthub.api.model.Property;
import org.trusthub.api.model.PropertyValue;
import org.trusthub.api.model.ThingModelRegistry;
import org.trusthub.api.thing.ThingId;
import org.trusthub.api.thing.ThingRegistry;
import org.trusthub.api.thing.Transition;
import org.trusthub.testkit.Await;
import org.trusthub.testkit.FreePorts;

/**
 * The distribution with feature trusthub-mqtt against Debian's mosquitto (started by the test driver, see
 * {@link MqttPeer}): the binding connects over TLS with the hub's identity, trusting the broker through a keystore
 * anchor; a thing made operational gets its derived PSK into the broker's psk_file; mosquitto_pub, as that thing,
 * publishes a value, which the thing model then shows ({@code trusthub:thing-properties}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MqttIT {

    static final ThingId LAMP = ThingId.of("mqtt-lamp-1");

    @Inject
    @Filter(timeout = 60_000)
    ThingRegistry registry;

    @Inject
    @Filter(timeout = 60_000)
    ThingKeyStore keyStore;

    @Inject
    @Filter(timeout = 60_000)
    ThingModelRegistry models;

    @Inject
    @Filter(timeout = 60_000)
    SessionFactory sessionFactory;

    @org.ops4j.pax.exam.Configuration
    public Option[] configuration() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "mqtt-");
        int hubPort = FreePorts.tcp();
        MqttPeer.startWhenTheHubHasWritten(dir, hubPort);
        String cfg = "etc/org.trusthub.binding.mqtt.cfg";
        return HubOptions.hub(
                editConfigurationFileExtend("etc/org.apache.karaf.features.cfg", "featuresBoot", "trusthub-mqtt"),
                editConfigurationFilePut(cfg, "things", LAMP.value() + " level:level:rw on:switch:rw"),
                editConfigurationFilePut(cfg, "brokerPort", Integer.toString(hubPort)),
                editConfigurationFilePut(cfg, "brokerDirectory", dir.toString()),
                editConfigurationFilePut(cfg, "brokerPidFile", dir.resolve("mosquitto.pid").toString()),
                editConfigurationFilePut(cfg, "syncSeconds", "1"),
                systemProperty("trusthub.mqtt.dir").value(dir.toString()));
    }

    @Test
    public void aValuePublishedByAThingArrivesInTheModel() throws Exception {
        Path dir = Path.of(System.getProperty("trusthub.mqtt.dir"));
        try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
            keyStore.addTrustAnchor("mqtt-broker",
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in),
                    Set.of(TrustPurpose.TLS));
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        registry.enroll(LAMP, "alice", RootCredential.secret(secret));
        registry.transition(LAMP, Transition.BOOTSTRAP);
        registry.transition(LAMP, Transition.ACTIVATE);

        Path port = dir.resolve("thing.port");
        Await.until("the broker to run (" + dir + ")", Duration.ofMinutes(3),
                () -> Files.exists(port) || Files.exists(dir.resolve("broker.failed")));
        assertTrue("the broker did not start: " + (Files.exists(dir.resolve("broker.failed"))
                ? Files.readString(dir.resolve("broker.failed")) : ""), Files.exists(port));
        String thingPort = Files.readString(port, StandardCharsets.US_ASCII).strip();
        String psk = psk(LAMP);

        Shell shell = new Shell(sessionFactory);
        // the hub writes the thing's key into the broker's psk_file within a sync or two; until then the broker
        // refuses the thing, so it publishes again
        try {
            awaitLevel(thingPort, psk);
        } catch (AssertionError e) {
            // what the hub saw, for whoever reads a failed run
            throw new AssertionError(e.getMessage() + "\nmqtt-status:\n" + shell.run("trusthub:mqtt-status")
                    + "\nrefusals:\n" + shell.run("trusthub:refusals"), e);
        }
        String shown = shell.run("trusthub:thing-properties " + LAMP.value());
        assertTrue(shown, shown.lines().anyMatch(l -> l.contains("level") && l.contains("42")));
        String status = shell.run("trusthub:mqtt-status");
        assertTrue(status, status.contains("connected") && !status.contains("NOT connected"));
        assertTrue(status, status.contains(LAMP.value()));
        assertEquals("no key bytes in the console", -1, status.indexOf(psk));
    }

    private void awaitLevel(String thingPort, String psk) throws Exception {
        Await.until("mqtt-lamp-1's level 42 in the model", Duration.ofSeconds(60), () -> {
            Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", thingPort, "--psk", psk,
                    "--psk-identity", LAMP.value(), "-q", "1", "-t", "trusthub/" + LAMP.value() + "/level", "-m",
                    "42").redirectErrorStream(true).start();
            if (!pub.waitFor(20, TimeUnit.SECONDS)) {
                pub.destroyForcibly();
            }
            return models.model(LAMP).flatMap(m -> m.property("level")).flatMap(Property::value)
                    .map(PropertyValue::value);
        }, value -> value.equals(Optional.of(42)));
    }

    private String psk(ThingId thing) {
        DerivedKey key = keyStore.deriveKey(thing, Layer.TRANSPORT, "mqtt-psk", 16);
        try {
            return HexFormat.of().formatHex(key.bytes());
        } finally {
            key.destroy();
        }
    }
}
