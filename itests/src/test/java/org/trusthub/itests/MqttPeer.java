package org.trusthub.itests;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.trusthub.binding.mqtt.testing.MosquittoBroker;
import org.trusthub.testkit.Await;

/**
 * MqttIT's broker: binding-mqtt's own test broker (Debian's mosquitto, from the binding's test jar), run from the test
 * driver and ended with its JVM. The broker needs the hub's certificate, which the hub writes (hub.crt) once the
 * binding runs: so it starts when that file appears, and writes the things' port to {@code thing.port} for the probe.
 * The probe in the container has no binding test jar, so MqttIT's own methods name no class of it.
 */
final class MqttPeer {
    private MqttPeer() {
    }

    /** Makes the broker's certificates in {@code dir} now and starts the broker there once the hub wrote its files. */
    static void startWhenTheHubHasWritten(Path dir, int hubPort) throws Exception {
        MosquittoBroker.makeCertificates(dir);
        Thread starter = new Thread(() -> {
            try {
                // Pax Exam asks every test class for its configuration when the run starts, so this class's hub may
                // boot long after (other classes run first): wait as long as a whole run may take.
                Await.until("the hub to write its MQTT broker files", Duration.ofMinutes(90),
                        () -> Files.exists(dir.resolve("hub.crt")) && Files.exists(dir.resolve("acl")));
                MosquittoBroker broker = MosquittoBroker.start(dir, hubPort);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        broker.close();
                    } catch (Exception e) {
                        // the JVM is going down
                    }
                }));
                Files.writeString(dir.resolve("thing.port"), Integer.toString(broker.thingPort()),
                        StandardCharsets.US_ASCII);
            } catch (Exception e) {
                try {
                    Files.writeString(dir.resolve("broker.failed"), e.toString(), StandardCharsets.UTF_8);
                } catch (java.io.IOException ignored) {
                    // the probe times out waiting for thing.port instead
                }
            }
        }, "mqtt-broker-starter");
        starter.setDaemon(true);
        starter.start();
    }
}
