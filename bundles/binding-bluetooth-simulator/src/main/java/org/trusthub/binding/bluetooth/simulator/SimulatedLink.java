package org.trusthub.binding.bluetooth.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import org.trusthub.binding.bluetooth.spi.AirLink;
import org.trusthub.security.link.ble.BleAddress;

/**
 * A SIMULATED connection between the hub and one simulated peripheral. It also keeps what went over the air, so tests
 * can play an attacker who replays or alters captured packets.
 */
public final class SimulatedLink implements AirLink {

    /** One captured PDU and its direction. */
    public record Captured(boolean fromCentral, byte[] pdu) {
    }

    private final SimulatedPeripheral peripheral;
    private final SimulatedPeripheral.Connection connection;
    private final BleAddress peer;
    private final List<Captured> air = Collections.synchronizedList(new ArrayList<>());
    private volatile Consumer<byte[]> sink = pdu -> { };
    private volatile boolean open = true;

    SimulatedLink(SimulatedPeripheral peripheral, BleAddress central, BleAddress peer) {
        this.peripheral = peripheral;
        this.peer = peer;
        this.connection = peripheral.connect(central);
        connection.onUnsolicited(pdu -> {
            air.add(new Captured(false, pdu.clone()));
            sink.accept(pdu);
        });
    }

    @Override
    public List<byte[]> exchange(byte[] pdu) {
        if (!open) {
            throw new IllegalStateException("SIMULATED link is closed");
        }
        air.add(new Captured(true, pdu.clone()));
        List<byte[]> replies = connection.receive(pdu);
        replies.forEach(r -> air.add(new Captured(false, r.clone())));
        return replies;
    }

    @Override
    public void onUnsolicited(Consumer<byte[]> sink) {
        this.sink = sink;
    }

    /** An attacker's frame, delivered to the hub as if the peripheral had sent it. */
    public void inject(byte[] pdu) {
        sink.accept(pdu.clone());
    }

    /** An attacker's frame, delivered to the peripheral as if the hub had sent it; returns its answers. */
    public List<byte[]> injectToPeripheral(byte[] pdu) {
        return connection.receive(pdu.clone());
    }

    /** Everything that went over the air on this connection, in order. */
    public List<Captured> captured() {
        synchronized (air) {
            return List.copyOf(air);
        }
    }

    public SimulatedPeripheral peripheral() {
        return peripheral;
    }

    @Override
    public BleAddress peer() {
        return peer;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
        peripheral.disconnect(connection);
    }

    @Override
    public String toString() {
        return "SimulatedLink[" + peripheral.name() + " at " + peer + "]";
    }
}
