package org.trusthub.binding.zigbee.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.trusthub.binding.zigbee.spi.JoinPolicy;

@ObjectClassDefinition(name = "trusthub ZigBee bridge", description = "ZigBee coordinator and trust center. With no"
        + " serial port the bridge runs a SIMULATED coordinator and radio (trusthub.simulated=true).")
@interface ZigbeeConfig {

    @AttributeDefinition(description = "Serial port of the ZigBee dongle, e.g. /dev/ttyUSB0; empty for the simulated"
            + " coordinator")
    String serialPort() default "";

    @AttributeDefinition(description = "Dongle type: ember, telegesis, cc2531, xbee or conbee")
    String dongleType() default "";

    @AttributeDefinition(description = "Serial baud rate")
    int baudRate() default 115200;

    @AttributeDefinition(description = "Channel, 11 to 26")
    int channel() default 15;

    @AttributeDefinition(description = "PAN id, 0 to 0x3FFF")
    int panId() default 0x1A62;

    @AttributeDefinition(description = "Extended PAN id, 16 hex digits; empty derives a stable one from the hub"
            + " identity")
    String extendedPanId() default "";

    @AttributeDefinition(description = "Who may join: DENY, INSTALL_CODE_ONLY or SECURE_JOIN")
    JoinPolicy joinPolicy() default JoinPolicy.INSTALL_CODE_ONLY;
}
