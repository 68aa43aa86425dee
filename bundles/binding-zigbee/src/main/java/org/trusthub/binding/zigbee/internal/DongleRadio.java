package org.trusthub.binding.zigbee.internal;

import java.util.Locale;
import java.util.function.Supplier;

import org.trusthub.binding.zigbee.spi.CoordinatorRadio;
import org.trusthub.binding.zigbee.spi.HubAir;

import com.zsmartsystems.zigbee.transport.ZigBeePort.FlowControl;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit;

/**
 * The configured dongle as a coordinator radio: the zsmartsystems driver of its type over the serial port. Its
 * firmware secures frames and answers joins itself, so it never uses the hub's air.
 */
final class DongleRadio implements CoordinatorRadio {

    private final DongleType type;
    private final String port;
    private final Supplier<ZigBeeTransportTransmit> transport;

    private DongleRadio(DongleType type, String port, Supplier<ZigBeeTransportTransmit> transport) {
        this.type = type;
        this.port = port;
        this.transport = transport;
    }

    /**
     * The dongle on a serial port. The type is checked here, before any port is touched.
     *
     * @throws IllegalArgumentException for an unknown dongle type
     */
    static DongleRadio serial(String dongleType, String portName, int baudRate) {
        DongleType type = DongleType.parse(dongleType);
        String name = portName.trim();
        return new DongleRadio(type, name, () -> DongleDrivers.create(type, new JSerialCommPort(name, baudRate,
                FlowControl.FLOWCONTROL_OUT_NONE)));
    }

    /** A dongle whose driver is already made (tests give a recording one). */
    static DongleRadio over(DongleType type, String portName, ZigBeeTransportTransmit transport) {
        return new DongleRadio(type, portName, () -> transport);
    }

    DongleType type() {
        return type;
    }

    String port() {
        return port;
    }

    @Override
    public boolean isSimulated() {
        return false;
    }

    @Override
    public String label() {
        return "dongle '" + type.name().toLowerCase(Locale.ROOT) + "' at " + port;
    }

    /** The driver over the port; {@code hub} is not used (the dongle's firmware is the trust centre's radio). */
    @Override
    public ZigBeeTransportTransmit open(HubAir hub) {
        return transport.get();
    }
}
