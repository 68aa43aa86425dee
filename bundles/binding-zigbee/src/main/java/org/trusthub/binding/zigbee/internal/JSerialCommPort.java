package org.trusthub.binding.zigbee.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fazecast.jSerialComm.SerialPort;
import com.zsmartsystems.zigbee.transport.ZigBeePort;

/** The library's serial port over jSerialComm (only loaded when a dongle is configured). */
final class JSerialCommPort implements ZigBeePort {

    private static final Logger LOG = LoggerFactory.getLogger(JSerialCommPort.class);
    private static final int DEFAULT_READ_TIMEOUT_MS = 9999;

    private final String name;
    private final int baudRate;
    private final FlowControl flowControl;
    private volatile SerialPort port;

    JSerialCommPort(String name, int baudRate, FlowControl flowControl) {
        this.name = name;
        this.baudRate = baudRate;
        this.flowControl = flowControl;
    }

    String name() {
        return name;
    }

    @Override
    public boolean open() {
        return open(baudRate, flowControl);
    }

    @Override
    public boolean open(int baud) {
        return open(baud, flowControl);
    }

    @Override
    public boolean open(int baud, FlowControl flow) {
        try {
            SerialPort p = SerialPort.getCommPort(name);
            p.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
            p.setFlowControl(switch (flow) {
                case FLOWCONTROL_OUT_RTSCTS -> SerialPort.FLOW_CONTROL_RTS_ENABLED | SerialPort.FLOW_CONTROL_CTS_ENABLED;
                case FLOWCONTROL_OUT_XONOFF -> SerialPort.FLOW_CONTROL_XONXOFF_OUT_ENABLED
                        | SerialPort.FLOW_CONTROL_XONXOFF_IN_ENABLED;
                default -> SerialPort.FLOW_CONTROL_DISABLED;
            });
            if (!p.openPort()) {
                LOG.error("serial port {} could not be opened (error {})", name, p.getLastErrorCode());
                return false;
            }
            port = p;
            return true;
        } catch (RuntimeException e) {
            // jSerialComm throws for names it cannot map to a device
            LOG.error("serial port {} could not be opened: {}", name, e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        SerialPort p = port;
        port = null;
        if (p != null) {
            p.closePort();
        }
    }

    @Override
    public void write(int value) {
        write(new int[] {value});
    }

    @Override
    public void write(int[] bytes) {
        SerialPort p = port;
        if (p == null) {
            return;
        }
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        p.writeBytes(b, b.length);
    }

    @Override
    public int read() {
        return read(DEFAULT_READ_TIMEOUT_MS);
    }

    /** One byte, or -1 after the timeout (the drivers poll with this). */
    @Override
    public int read(int timeout) {
        SerialPort p = port;
        if (p == null) {
            return -1;
        }
        p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, Math.max(1, timeout), 0);
        byte[] one = new byte[1];
        return p.readBytes(one, 1) == 1 ? one[0] & 0xFF : -1;
    }

    @Override
    public void purgeRxBuffer() {
        SerialPort p = port;
        if (p != null) {
            p.flushIOBuffers();
        }
    }
}
