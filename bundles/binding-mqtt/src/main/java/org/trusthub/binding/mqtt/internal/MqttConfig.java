package org.trusthub.binding.mqtt.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The binding's settings, under PID {@value MqttBinding#PID} (the file {@code etc/org.trusthub.binding.mqtt.cfg} on
 * the hub; the feature ships it with every line commented and the defaults below).
 */
@ObjectClassDefinition(name = "trusthub mqtt binding",
        description = "The broker the hub connects to and which things the MQTT binding serves.")
public @interface MqttConfig {

    /**
     * The things served, separated by ';': a thing id, then its properties, each as {@code id:type} or
     * {@code id:type:rw} (writable). Types: switch, level, temperature, number, string.
     */
    @AttributeDefinition(name = "Things", description = "Things served, separated by ';': THING PROPERTY:TYPE[:rw]... "
            + "with TYPE one of switch, level, temperature, number, string. Example: "
            + "lamp-1 on:switch:rw level:level:rw; sensor-1 temperature:temperature")
    String[] things() default {};

    @AttributeDefinition(name = "Broker host", description = "Host name or address of the broker's TLS listener for "
            + "the hub; its certificate must name it.")
    String brokerHost() default "127.0.0.1";

    @AttributeDefinition(name = "Broker port", description = "Port of the broker's TLS listener for the hub (client "
            + "certificates required).")
    int brokerPort() default 8883;

    @AttributeDefinition(name = "Topic root", description = "Things publish to ROOT/THING/PROPERTY and get writes on "
            + "ROOT/THING/PROPERTY/set.")
    String topicRoot() default "trusthub";

    @AttributeDefinition(name = "Client id", description = "The hub's MQTT client id.")
    String clientId() default "trusthub-hub";

    @AttributeDefinition(name = "Broker files", description = "Directory the hub writes the broker's psk_file (psk), "
            + "acl_file (acl) and the hub certificate (hub.crt) to. Empty: KARAF_DATA/trusthub/mqtt.")
    String brokerDirectory() default "";

    @AttributeDefinition(name = "Broker pid file", description = "The broker's pid file: the hub sends that process "
            + "SIGHUP after writing the files, so it reloads them. Empty: no signal, so a decommissioned thing keeps "
            + "its credentials at the running broker until it is reloaded (trusthub:mqtt-status warns).")
    String brokerPidFile() default "";

    @AttributeDefinition(name = "Sync interval", description = "Seconds between checks of which things are "
            + "operational (their credentials and subscriptions follow) and of the connection.")
    int syncSeconds() default 5;

    @AttributeDefinition(name = "Timeout", description = "Seconds to wait for the broker (connect, subscribe, "
            + "publish).")
    int timeoutSeconds() default 10;
}
