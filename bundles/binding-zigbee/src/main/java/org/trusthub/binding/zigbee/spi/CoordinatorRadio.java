package org.trusthub.binding.zigbee.spi;

import org.osgi.annotation.versioning.ConsumerType;

import com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit;

/**
 * A ZigBee coordinator radio the bridge drives: the zsmartsystems transport its network manager talks to. A dongle
 * configured in {@code org.trusthub.binding.zigbee} is one (its firmware secures frames and answers joins); a radio
 * registered as a service is one whose frames the hub's trust center secures and opens through {@link HubAir} (the
 * simulated coordinator of bundle {@code org.trusthub.binding.zigbee.simulator}). The bridge takes a configured dongle
 * first, otherwise a registered radio, and waits while there is neither.
 */
@ConsumerType
public interface CoordinatorRadio {

    /** Whether this radio is simulated; the bridge, its service properties and its shell output then say SIMULATED. */
    boolean isSimulated();

    /** A short name for logs and the shell. */
    String label();

    /**
     * The transport for one run of the network; the network manager initialises, starts and shuts it down. A radio
     * without security firmware secures and opens every frame through {@code hub}, and carries the trust center's own
     * frames to devices from {@link HubAir#attach}.
     */
    ZigBeeTransportTransmit open(HubAir hub);
}
