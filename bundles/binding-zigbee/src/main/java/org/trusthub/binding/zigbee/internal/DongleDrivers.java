package org.trusthub.binding.zigbee.internal;

import com.zsmartsystems.zigbee.dongle.cc2531.ZigBeeDongleTiCc2531;
import com.zsmartsystems.zigbee.dongle.conbee.ZigBeeDongleConBee;
import com.zsmartsystems.zigbee.dongle.ember.ZigBeeDongleEzsp;
import com.zsmartsystems.zigbee.dongle.telegesis.ZigBeeDongleTelegesis;
import com.zsmartsystems.zigbee.dongle.xbee.ZigBeeDongleXBee;
import com.zsmartsystems.zigbee.transport.ZigBeePort;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit;

/**
 * The zsmartsystems driver for a dongle type. Kept apart from everything else so the driver classes (optional imports
 * from feature trusthub-zigbee-dongle) are only loaded when a dongle is configured.
 */
final class DongleDrivers {

    private DongleDrivers() {
    }

    static ZigBeeTransportTransmit create(DongleType type, ZigBeePort port) {
        return switch (type) {
            case EMBER -> new ZigBeeDongleEzsp(port);
            case TELEGESIS -> new ZigBeeDongleTelegesis(port);
            case CC2531 -> new ZigBeeDongleTiCc2531(port);
            case XBEE -> new ZigBeeDongleXBee(port);
            case CONBEE -> new ZigBeeDongleConBee(port);
        };
    }
}
