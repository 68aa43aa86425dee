package org.trusthub.binding.mqtt.internal;

import java.util.function.Consumer;

import javax.net.ssl.SSLSocketFactory;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's one MQTT connection (Eclipse Paho), over TLS with the hub's certificate. It only connects, subscribes,
 * publishes and hands each message on; what is subscribed and what a message means is {@link MqttBinding}'s. Nothing
 * is persisted: after a lost connection the binding connects again and subscribes anew.
 */
final class BrokerLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerLink.class);

    private final MqttClient client;
    private final Inbound messages;
    private final Consumer<RuntimeException> failed;
    private final long timeoutMillis;

    /** What the binding does with one message, on Paho's callback thread. */
    @FunctionalInterface
    interface Inbound {
        void arrived(String topic, byte[] payload, boolean retained);
    }

    /**
     * @param uri {@code ssl://host:port}
     * @param messages gets each message's topic, payload and retained flag, on Paho's callback thread
     * @param failed gets what {@code messages} threw for a message; the connection stays up
     */
    BrokerLink(String uri, String clientId, Inbound messages, Consumer<RuntimeException> failed,
            long timeoutMillis) throws MqttException {
        this.client = new MqttClient(uri, clientId, new MemoryPersistence());
        this.messages = messages;
        this.failed = failed;
        this.timeoutMillis = timeoutMillis;
        client.setTimeToWait(timeoutMillis);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                LOG.warn("MQTT connection to {} lost ({}); connecting again", uri, cause.getClass().getSimpleName());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // Paho drops the connection when this throws, and the broker sends a retained message again on the
                // next subscribe: one bad message must never take every thing down, so nothing escapes here.
                try {
                    BrokerLink.this.messages.arrived(topic, message.getPayload(), message.isRetained());
                } catch (RuntimeException e) {
                    failQuietly(e);
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Error e) {
                    failQuietly(new IllegalStateException(e.getClass().getName()));
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // writes wait on their own token
            }
        });
    }

    private void failQuietly(RuntimeException e) {
        try {
            failed.accept(e);
        } catch (RuntimeException again) {
            LOG.debug("MQTT message failure not recorded: {}", again.getClass().getSimpleName());
        }
    }

    void connect(SSLSocketFactory tls) throws MqttException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(tls);
        // The broker's certificate must name the host dialled.
        options.setHttpsHostnameVerificationEnabled(true);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout((int) Math.max(1, timeoutMillis / 1000));
        options.setKeepAliveInterval(30);
        client.connect(options);
    }

    boolean isConnected() {
        return client.isConnected();
    }

    void subscribe(String filter) throws MqttException {
        client.subscribe(filter, 1);
    }

    void unsubscribe(String filter) throws MqttException {
        client.unsubscribe(filter);
    }

    /** Publishes with QoS 1 and returns once the broker acknowledged it. */
    void publish(String topic, byte[] payload) throws MqttException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        m.setRetained(false);
        client.publish(topic, m);
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(timeoutMillis);
            }
        } catch (MqttException e) {
            LOG.debug("MQTT disconnect: {}", e.getReasonCode());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("MQTT close: {}", e.getReasonCode());
        }
    }
}
