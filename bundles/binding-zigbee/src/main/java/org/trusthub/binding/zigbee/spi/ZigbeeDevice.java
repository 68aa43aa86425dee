package org.trusthub.binding.zigbee.spi;

import org.trusthub.api.thing.LifecycleState;
import org.trusthub.api.thing.ThingId;

/**
 * A ZigBee device as the hub sees it: identity, lifecycle state, whether it is on the network, and the last known
 * values of its on/off, level and temperature clusters ({@code null} when unknown).
 *
 * @param networkAddress the 16-bit NWK address, or -1 before it joined
 * @param temperature degrees Celsius
 */
public record ZigbeeDevice(ThingId thing, long ieeeAddress, int networkAddress, LifecycleState state,
        boolean joined, boolean installCode, Boolean on, Integer level, Double temperature) {
}
