package org.trusthub.binding.zigbee.spi;

import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;

/**
 * A ZigBee device as commissioning sees it: identity, lifecycle state, whether it is on the network and whether it
 * has an install code. Its values are in the thing model.
 *
 * @param networkAddress the 16-bit NWK address, or -1 before it joined
 */
public record ZigbeeDevice(ThingId thing, long ieeeAddress, int networkAddress, LifecycleState state,
        boolean joined, boolean installCode) {
}
