package org.trusthub.security.network.zigbee;

import org.trusthub.api.thing.ThingId;

/** The thing ids the hub keeps ZigBee keys under. */
public final class ZigbeeIds {

    /** Prefix of device thing ids; the rest is the IEEE address, 16 lower-case hex digits. */
    public static final String DEVICE_PREFIX = "zigbee:";
    /** Prefix of the thing id a network's key lives under; the rest is the extended PAN id. */
    public static final String NETWORK_PREFIX = "zigbee-network:";

    private ZigbeeIds() {
    }

    public static ThingId device(long ieeeAddress) {
        return ThingId.of(DEVICE_PREFIX + String.format("%016x", ieeeAddress));
    }

    public static ThingId network(long extendedPanId) {
        return ThingId.of(NETWORK_PREFIX + String.format("%016x", extendedPanId));
    }

    /** Whether the id names a ZigBee device. */
    public static boolean isDevice(ThingId id) {
        return id.value().startsWith(DEVICE_PREFIX) && id.value().length() == DEVICE_PREFIX.length() + 16;
    }

    /** The IEEE address of a device id. */
    public static long ieeeAddress(ThingId device) {
        if (!isDevice(device)) {
            throw new IllegalArgumentException("not a ZigBee device id: " + device);
        }
        return Long.parseUnsignedLong(device.value().substring(DEVICE_PREFIX.length()), 16);
    }
}
