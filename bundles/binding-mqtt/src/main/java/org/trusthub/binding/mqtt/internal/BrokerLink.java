package org.trusthub.binding.mqtt.internal;

import java.util.function.BiConsumer;

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
    private final BiConsumer<String, byte[]> messages;
    private final long timeoutMillis;

    /**
     * @param uri {@code ssl://host:port}
     * @param messages gets each message's topic and payload, on Paho's callback thread
     */
    BrokerLink(String uri, String clientId, BiConsumer<String, byte[]> messages, long timeoutMillis)
            throws MqttException {
        this.client = new MqttClient(uri, clientId, new MemoryPersistence());
        this.messages = messages;
        this.timeoutMillis = timeoutMillis;
        client.setTimeToWait(timeoutMillis);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                LOG.warn("MQTT connection to {} lost ({}); connecting again", uri, cause.getClass().getSimpleName());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                BrokerLink.this.messages.accept(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // writes wait on their own token
            }
        });
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
