package org.trusthub.api.binding;

import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;
import org.trusthub.api.thing.ThingId;

/**
 * A protocol binding (CoAP, DPWS, ZigBee, Bluetooth LE, ...), registered as an OSGi service with the property
 * {@link #PROTOCOL}. It speaks one protocol and translates it to the hub's model; cross-protocol traffic goes
 * through the hub, never from one binding into another.
 */
@ConsumerType
public interface ProtocolBinding {

    /** Service property: the protocol name, such as {@code coap} or {@code zigbee}. */
    String PROTOCOL = "trusthub.protocol";
    /** Service property: {@code true} when the binding runs on a simulated radio or adapter. */
    String SIMULATED = "trusthub.simulated";

    /** The protocol name; equals its {@link #PROTOCOL} service property. */
    String protocol();

    /**
     * Whether the binding talks to a simulated radio or adapter rather than real hardware. Every operator-facing
     * view labels simulated bindings as such.
     */
    boolean isSimulated();

    /** The things this binding currently serves. */
    Set<ThingId> things();

    /**
     * Closes every connection, session and subscription the binding holds for a thing, at once. Called when the
     * thing leaves the operational state.
     */
    void release(ThingId thing);
}
