package org.trusthub.binding.bluetooth.spi;

import java.util.List;
import java.util.function.Consumer;

import org.trusthub.security.link.ble.BleAddress;

/** One connection seen from the central: encoded link-layer data PDUs go out and come back. */
public interface AirLink extends AutoCloseable {

    /** Sends one PDU and returns the PDUs the peripheral answers with in the same connection events. */
    List<byte[]> exchange(byte[] pdu);

    /** Where PDUs go that the peripheral sends on its own (notifications). */
    void onUnsolicited(Consumer<byte[]> sink);

    /** The peer's address as used on this connection. */
    BleAddress peer();

    boolean isOpen();

    @Override
    void close();
}
